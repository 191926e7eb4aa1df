"""Ray's Job Submission API on the head's dashboard (ray-job-contract.md B3, B5; Ray 2.40 dashboard/modules/job/).

Job records live in the GCS's job table (ops job_put/job_get/job_list/job_del), as Ray keeps them in the GCS's
internal KV: a dashboard restart keeps them, a head restarted without fault tolerance has none, one with Redis
reloads them. The entrypoint really runs, as Ray's JobSupervisor runs it: `/bin/sh -c ENTRYPOINT` in a new session
(job_supervisor.py:151-176), its output in <session>/logs/job-driver-<id>.log.
Not done (UNCERTAIN or not needed by KubeRay): the WebSocket log tail, driver (non-submission) jobs, runtime_env
setup (it is stored and shown, never applied), and reserving entrypoint resources."""
import json
import os
import random
import signal
import string
import subprocess
import threading
import time
import traceback
from dataclasses import dataclass
from typing import Any, Dict, Optional, Union

from .net import log

TERMINAL = ("STOPPED", "SUCCEEDED", "FAILED")
LOG_TAIL_CHARS = 20000  # job_supervisor.py: the failure message carries the last 20,000 characters of the log
# generate_job_id (job_manager.py:45-56): 16 characters without the look-alikes I, l, o, O, 0
ID_CHARACTERS = sorted(set(string.ascii_letters + string.digits) - set("IloO0"))


@dataclass
class JobSubmitRequest:
    """The POST body (common.py:399-512): an unknown key or a missing entrypoint is the dataclass's own TypeError."""
    entrypoint: str
    submission_id: Optional[str] = None
    job_id: Optional[str] = None
    runtime_env: Optional[Dict[str, Any]] = None
    metadata: Optional[Dict[str, str]] = None
    entrypoint_num_cpus: Optional[Union[int, float]] = None
    entrypoint_num_gpus: Optional[Union[int, float]] = None
    entrypoint_memory: Optional[int] = None
    entrypoint_resources: Optional[Dict[str, float]] = None

    def __post_init__(self):
        def must(ok, what):
            if not ok:
                raise TypeError(what)

        must(isinstance(self.entrypoint, str), "entrypoint must be a string, got %s" % type(self.entrypoint))
        for name in ("submission_id", "job_id"):
            v = getattr(self, name)
            must(v is None or isinstance(v, str), "%s must be a string if provided, got %s" % (name, type(v)))
        for name, key_ok, value_ok, values in (("runtime_env", str, None, None), ("metadata", str, str, "strings"),
                                               ("entrypoint_resources", str, (int, float), "numbers")):
            d = getattr(self, name)
            if d is None:
                continue
            must(isinstance(d, dict), "%s must be a dict, got %s" % (name, type(d)))
            for k in d:
                must(isinstance(k, key_ok), "%s keys must be strings, got %s" % (name, type(k)))
            if value_ok is not None:
                for v in d.values():
                    must(isinstance(v, value_ok), "%s values must be %s, got %s" % (name, values, type(v)))
        for name in ("entrypoint_num_cpus", "entrypoint_num_gpus"):
            v = getattr(self, name)
            must(v is None or isinstance(v, (int, float)), "%s must be a number, got %s" % (name, type(v)))
        must(self.entrypoint_memory is None or isinstance(self.entrypoint_memory, int),
             "entrypoint_memory must be an integer, got %s" % type(self.entrypoint_memory))


def default_message(info):
    """JobInfo.__post_init__ (common.py:108-140): the message when none was set."""
    status = info["status"]
    if status == "PENDING":
        message = "Job has not started yet."
        if any((info.get(k) or 0) > 0 for k in ("entrypoint_num_cpus", "entrypoint_num_gpus", "entrypoint_memory")) \
                or info.get("entrypoint_resources") not in (None, {}):
            message += " It may be waiting for resources (CPUs, GPUs, memory, custom resources) to become available."
        if info.get("runtime_env") not in (None, {}):
            message += " It may be waiting for the runtime environment to be set up."
        return message
    return {"RUNNING": "Job is currently running.", "STOPPED": "Job was intentionally stopped.",
            "SUCCEEDED": "Job finished successfully.", "FAILED": "Job failed."}[status]


def failure_message(code, logs):
    """job_supervisor.py:425-454."""
    if logs:
        return ("Job entrypoint command failed with exit code %d, last available logs (truncated to 20,000 chars):\n%s"
                % (code, logs[-LOG_TAIL_CHARS:]))
    return "Job entrypoint command failed with exit code %d. No logs available." % code


def details(submission_id, info):
    """JobDetails (pydantic_models.py:38-105) of a submission job whose entrypoint never started a Ray driver."""
    return {"type": "SUBMISSION", "job_id": None, "submission_id": submission_id, "driver_info": None,
            "status": info["status"], "entrypoint": info["entrypoint"], "message": info["message"],
            "error_type": info.get("error_type"), "start_time": info.get("start_time"), "end_time": info.get("end_time"),
            "metadata": info.get("metadata"), "runtime_env": info.get("runtime_env"),
            "driver_agent_http_address": info.get("driver_agent_http_address"),
            "driver_node_id": info.get("driver_node_id"), "driver_exit_code": info.get("driver_exit_code")}


def traceback_text(exc):
    """job_head.py's answer on an exception: the formatted traceback (traceback.format_exc()) as text."""
    try:
        raise exc
    except type(exc):
        return traceback.format_exc()


class JobApi:
    """The /api/jobs/ routes of the head's dashboard and the supervisors of the jobs this head started."""

    def __init__(self, ask, logs_dir, gcs_address, node_id, node_ip, dashboard_agent_address):
        self.ask, self.logs_dir, self.gcs_address = ask, logs_dir, gcs_address
        self.node_id, self.node_ip, self.agent_address = node_id, node_ip, dashboard_agent_address
        self.lock = threading.Lock()
        self.processes = {}  # submission id -> Popen of a running entrypoint
        self.stopping = set()

    # -- records in the GCS --
    def get(self, job_id):
        return self.ask({"op": "job_get", "id": job_id}).get("info")

    def put(self, job_id, info, overwrite=True):
        return self.ask({"op": "job_put", "id": job_id, "info": info, "overwrite": overwrite})["added"]

    def put_status(self, job_id, status, **fields):
        """put_status (common.py): a terminal status is final; reaching one sets end_time."""
        info = self.get(job_id)
        if info["status"] in TERMINAL:
            return
        info.update(fields, status=status)
        info["message"] = fields.get("message") or default_message(info)
        if status in TERMINAL:
            info["end_time"] = int(time.time() * 1000)
        self.put(job_id, info)

    def log_path(self, job_id):
        return os.path.join(self.logs_dir, "job-driver-%s.log" % job_id)

    def logs(self, job_id):
        try:
            with open(self.log_path(job_id), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    # -- the supervisor --
    def run(self, job_id, request):
        env = dict(os.environ, RAY_ADDRESS=self.gcs_address)
        try:
            with open(self.log_path(job_id), "ab") as out:
                proc = subprocess.Popen(["/bin/sh", "-c", request.entrypoint], stdout=out, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True, env=env)
        except OSError as e:
            self.put_status(job_id, "FAILED", message="Failed to start the entrypoint: %s" % e)
            return
        with self.lock:
            self.processes[job_id] = proc
        self.put_status(job_id, "RUNNING", driver_node_id=self.node_id, driver_agent_http_address=self.agent_address)
        code = proc.wait()
        with self.lock:
            self.processes.pop(job_id, None)
            stopped = job_id in self.stopping
        if stopped:
            self.put_status(job_id, "STOPPED")
        elif code == 0:
            self.put_status(job_id, "SUCCEEDED", driver_exit_code=0)
        else:
            self.put_status(job_id, "FAILED", driver_exit_code=code, message=failure_message(code, self.logs(job_id)))
        log("job %s ended with exit code %d" % (job_id, code))

    def stop(self, job_id):
        """SIGTERM to the entrypoint's process group (SIGINT with RAY_JOB_STOP_SIGNAL=SIGINT), SIGKILL after
        RAY_JOB_STOP_WAIT_TIME_S (3): job_supervisor.py:64, 410-418."""
        with self.lock:
            proc = self.processes.get(job_id)
            if proc is None:
                return False
            self.stopping.add(job_id)
        first = signal.SIGINT if os.environ.get("RAY_JOB_STOP_SIGNAL") == "SIGINT" else signal.SIGTERM
        wait = float(os.environ.get("RAY_JOB_STOP_WAIT_TIME_S", "3"))

        def escalate():
            try:
                os.killpg(proc.pid, first)
                proc.wait(wait)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        threading.Thread(target=escalate, daemon=True).start()
        return True

    # -- the routes (job_head.py) --
    def submit(self, body):
        try:
            data = json_object(body)
            request = JobSubmitRequest(**{k: v for k, v in data.items() if v is not None})
        except (TypeError, ValueError) as e:
            return 400, traceback_text(e)
        job_id = request.submission_id or request.job_id or "raysubmit_" + "".join(
            random.SystemRandom().choice(ID_CHARACTERS) for _ in range(16))
        info = {"status": "PENDING", "entrypoint": request.entrypoint, "start_time": int(time.time() * 1000),
                "end_time": None, "metadata": request.metadata, "runtime_env": request.runtime_env,
                "entrypoint_num_cpus": request.entrypoint_num_cpus, "entrypoint_num_gpus": request.entrypoint_num_gpus,
                "entrypoint_memory": request.entrypoint_memory, "entrypoint_resources": request.entrypoint_resources,
                "error_type": None, "driver_agent_http_address": None, "driver_node_id": None, "driver_exit_code": None}
        info["message"] = default_message(info)
        if not self.put(job_id, info, overwrite=False):
            # the agent's ValueError comes back as its 400 text, which the head raises as RuntimeError: 500
            agent = ValueError("Job with submission_id %s already exists. Please use a different submission_id." % job_id)
            return 500, traceback_text(RuntimeError(traceback_text(agent)))
        threading.Thread(target=self.run, args=(job_id, request), daemon=True).start()
        return 200, {"job_id": job_id, "submission_id": job_id}

    def route(self, method, path, params):
        """Answers /api/jobs/ paths, or None for any other path."""
        if not path.startswith("/api/jobs/"):
            return None
        rest = path[len("/api/jobs/"):]
        if rest == "":
            if method == "POST":
                return self.submit(params.get("_body") or b"")
            if method == "GET":
                jobs = self.ask({"op": "job_list"})["jobs"]
                return 200, [details(j, info) for j, info in sorted(jobs.items(), key=lambda kv: kv[1]["start_time"])]
            return 405, "405: Method Not Allowed"
        job_id, _, action = rest.partition("/")
        verb = (method, action)
        if verb not in (("GET", ""), ("DELETE", ""), ("GET", "logs"), ("POST", "stop")):
            return (405, "405: Method Not Allowed") if action in ("", "logs", "stop") else (404, "404: Not Found")
        info = self.get(job_id)
        if info is None:
            return 404, "Job %s does not exist" % job_id
        if verb == ("GET", ""):
            return 200, details(job_id, info)
        if verb == ("GET", "logs"):
            return 200, {"logs": self.logs(job_id)}
        if verb == ("POST", "stop"):
            return 200, {"stopped": self.stop(job_id)}
        if info["status"] not in TERMINAL:
            e = RuntimeError("Attempted to delete job '%s', but it is in a non-terminal state %s." % (job_id, info["status"]))
            return 500, traceback_text(e)
        self.ask({"op": "job_del", "id": job_id})
        return 200, {"deleted": True}


def json_object(body):
    data = json.loads(body or b"null")
    if not isinstance(data, dict):
        raise TypeError("the request body must be a JSON object, got %s" % type(data))
    return data


def gcs_op(gcs, op, msg):
    """The GCS's side: the job table (Ray: internal KV namespace "job", keys _ray_internal_job_info_<id>)."""
    with gcs.lock:
        if op == "job_get":
            return {"ok": True, "info": gcs.jobs.get(msg["id"])}
        if op == "job_list":
            return {"ok": True, "jobs": dict(gcs.jobs)}
        if op == "job_del":
            gcs.jobs.pop(msg["id"], None)
            added = False
        else:  # job_put
            added = msg["id"] not in gcs.jobs
            if added or msg.get("overwrite", True):
                gcs.jobs[msg["id"]] = msg["info"]
    gcs.persist()
    return {"ok": True, "added": added}


def recovered(jobs):
    """A head restarted with GCS fault tolerance reloads the job table, but every supervisor died with the old head:
    a job still PENDING or RUNNING is FAILED (UNCERTAIN: Ray's exact message for a lost supervisor)."""
    now = int(time.time() * 1000)
    for info in jobs.values():
        if info["status"] not in TERMINAL:
            info.update(status="FAILED", end_time=now, message="Job supervisor actor died unexpectedly.")
    return jobs
