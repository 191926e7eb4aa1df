"""`ray job submit|status|logs|stop`, the commands KubeRay's submitter runs (K8sJobMode), parsed the way Ray 2.40's
click CLI parses them (dashboard/modules/job/cli.py) and speaking the head's Job Submission API as Ray's SDK does.

Where it differs (README.md beside this file): `--follow` and `submit` without `--no-wait` poll
`GET /api/jobs/{id}/logs` once a second instead of opening the WebSocket `/logs/tail`; only http(s):// addresses.
UNCERTAIN: `--verify` and `--headers` (add_common_job_options) are taken as in Ray's later sources.
"""
import json
import os
import sys
import time
import urllib.error
import urllib.request

from . import cli

LOGGING = {"log-style": ("auto", "record", "pretty"), "log-color": ("auto", "false", "true"), "verbose": cli.COUNT}
COMMON = {"address": cli.STR, "verify": cli.STR, "headers": cli.STR}
OPTIONS = {
    "submit": dict(COMMON, **LOGGING, **{
        "job-id": cli.STR, "submission-id": cli.STR, "runtime-env": cli.STR, "runtime-env-json": cli.STR,
        "working-dir": cli.STR, "metadata-json": cli.STR, "entrypoint-num-cpus": cli.FLOAT, "entrypoint-num-gpus": cli.FLOAT,
        "entrypoint-memory": cli.INT, "entrypoint-resources": cli.STR, "no-wait": cli.FLAG}),
    "status": dict(COMMON, **LOGGING),
    "logs": dict(COMMON, **LOGGING, **{"follow": cli.FLAG}),
    "stop": dict(COMMON, **LOGGING, **{"no-wait": cli.FLAG}),
}
SHORT = {"-f": "follow"}
TERMINAL = ("STOPPED", "SUCCEEDED", "FAILED")


class Client:
    """The SDK's JobSubmissionClient over the dashboard's HTTP API: a failed request raises RuntimeError."""

    def __init__(self, address):
        address = address or os.environ.get("RAY_API_SERVER_ADDRESS") or os.environ.get("RAY_ADDRESS")
        if not address or not address.startswith(("http://", "https://")):
            raise ValueError("the stand-in's `ray job` needs --address http://HOST:PORT (the head's dashboard), got %r"
                             % address)
        self.base = address.rstrip("/")

    def request(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            text = e.read().decode("utf-8", "replace")
            if e.code == 404:
                raise RuntimeError(text or "Job does not exist")
            raise RuntimeError("Request failed with status code %d: %s." % (e.code, text))

    def info(self, job_id):
        return self.request("GET", "/api/jobs/%s" % job_id)

    def logs(self, job_id):
        return self.request("GET", "/api/jobs/%s/logs" % job_id)["logs"]


def log_status(client, job_id):
    """_log_job_status: the final words, and the status they are about."""
    info = client.info(job_id)
    status = info["status"]
    if status == "SUCCEEDED":
        print("-" * 40 + "\nJob '%s' succeeded\n" % job_id + "-" * 40)
    elif status == "STOPPED":
        print("Job '%s' was stopped" % job_id)
    elif status == "FAILED":
        print("-" * 40 + "\nJob '%s' failed\n" % job_id + "-" * 40)
        if info.get("message") is not None:
            print("Status message: %s" % info["message"])
    else:
        print("Status for job '%s': %s" % (job_id, status))
        if info.get("message") is not None:
            print("Status message: %s" % info["message"])
    return status


def follow(client, job_id):
    """Prints the log as it grows until the job ends (Ray tails a WebSocket; the stand-in polls)."""
    shown = 0
    while True:
        done = client.info(job_id)["status"] in TERMINAL
        text = client.logs(job_id)
        sys.stdout.write(text[shown:])
        sys.stdout.flush()
        shown = len(text)
        if done:
            return
        time.sleep(1)


def json_dict(text, option):
    try:
        value = json.loads(text)
    except ValueError as e:
        raise ValueError("Invalid JSON for --%s: %s" % (option, e))
    if not isinstance(value, dict):
        raise ValueError("--%s must be a JSON dictionary, got %r" % (option, text))
    return value


def submit(opts, args, client):
    if not args:
        raise cli.UsageError("Missing argument 'ENTRYPOINT...'.")
    body = {"entrypoint": " ".join(args), "submission_id": opts.get("submission-id") or opts.get("job-id")}
    runtime_env = json_dict(opts["runtime-env-json"], "runtime-env-json") if "runtime-env-json" in opts else None
    if opts.get("working-dir"):
        runtime_env = dict(runtime_env or {}, working_dir=opts["working-dir"])
    body["runtime_env"] = runtime_env
    if "metadata-json" in opts:
        body["metadata"] = json_dict(opts["metadata-json"], "metadata-json")
    if "entrypoint-resources" in opts:
        body["entrypoint_resources"] = json_dict(opts["entrypoint-resources"], "entrypoint-resources")
    for name in ("entrypoint-num-cpus", "entrypoint-num-gpus", "entrypoint-memory"):
        body[name.replace("-", "_")] = opts.get(name)
    job_id = client.request("POST", "/api/jobs/", {k: v for k, v in body.items() if v is not None})["submission_id"]
    print("-" * 40 + "\nJob '%s' submitted successfully\n" % job_id + "-" * 40, flush=True)
    if opts.get("no-wait"):
        return 0
    print("Tailing logs until the job exits (disable with --no-wait):", flush=True)
    follow(client, job_id)
    return 1 if log_status(client, job_id) == "FAILED" else 0


def stop(opts, job_id, client):
    print("Attempting to stop job '%s'" % job_id)
    client.request("POST", "/api/jobs/%s/stop" % job_id)
    if opts.get("no-wait"):
        return 0
    print("Waiting for job '%s' to exit (disable with --no-wait):" % job_id)
    while client.info(job_id)["status"] not in TERMINAL:
        time.sleep(1)
    log_status(client, job_id)
    return 0


def main(argv):
    command = argv[0] if argv else None
    if command not in OPTIONS:
        print("Usage: ray job [OPTIONS] COMMAND [ARGS]...\nTry 'ray job --help' for help.\n\nError: %s"
              % ("No such command '%s'." % command if command else "Missing command."), file=sys.stderr)
        sys.exit(2)
    args = []
    try:
        saved, cli.SHORT = cli.SHORT, dict(cli.SHORT, **SHORT)
        try:
            opts = cli.parse(argv[1:], OPTIONS[command], args)
        finally:
            cli.SHORT = saved
        if command != "submit" and len(args) != 1:
            raise cli.UsageError("Missing argument 'JOB_ID'." if not args else "Got unexpected extra argument (%s)" % args[1])
    except cli.UsageError as e:
        print("Usage: ray job %s [OPTIONS] %s\nTry 'ray job %s --help' for help.\n\nError: %s"
              % (command, "ENTRYPOINT..." if command == "submit" else "JOB_ID", command, e), file=sys.stderr)
        sys.exit(2)
    try:
        client = Client(opts.get("address"))
        if command == "submit":
            sys.exit(submit(opts, args, client))
        if command == "status":
            log_status(client, args[0])
        elif command == "logs":
            if opts.get("follow"):
                follow(client, args[0])
            else:
                sys.stdout.write(client.logs(args[0]))
        else:
            sys.exit(stop(opts, args[0], client))
    except (RuntimeError, ValueError) as e:
        print("%s: %s" % (type(e).__name__, e), file=sys.stderr)
        sys.exit(1)
