"""The head's GCS: node table, health checks of every raylet, detached actors, the cluster id, and
(with GCS fault tolerance) all of it in Redis under the storage namespace, reloaded by a new head."""
import json
import os
import random
import threading
import time

from . import jobs as ray_jobs
from . import serve as ray_serve
from .demand import Demand, camel, demand_op
from .net import LineServer, Redis, call, log, serve

VERSION = os.environ.get("STANDIN_RAY_VERSION", "2.40.0")  # a test hook: a stand-in "of another version"
MAX_LIMIT = 10000  # RAY_MAX_LIMIT_FROM_API_SERVER (util/state/common.py:51-53)
DEFAULT_LIMIT = 100  # util/state/common.py:47


def env_num(name, default):
    return float(os.environ.get("RAY_" + name, default))


def new_id():
    return "%056x" % random.getrandbits(224)


class Gcs:
    def __init__(self, port, temp_dir, redis_address=None, redis_password=None):
        self.port = port
        self.temp_dir = temp_dir
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.nodes = {}  # node_id -> entry
        self.actors = {}  # actor_id -> detached actor
        self.cluster_id = new_id()
        self.serve = ray_serve.ServeState()
        self.demand = Demand()
        self.kv = {}  # the internal KV: the autoscaler's status and error
        self.jobs = {}  # the internal KV's job namespace: submission id -> job info (standin/jobs.py)
        self.redis = None
        if redis_address:
            namespace = os.environ.get("RAY_external_storage_namespace", "default")
            self.redis = Redis(redis_address, redis_password)
            self.prefix = "RAY%s@" % namespace  # Ray's key layout (gcs/store_client/redis_store_client.cc:67)

    # -- storage --
    def persist(self):
        if self.redis is None:
            return
        with self.lock:
            nodes, actors, jobs = json.dumps(self.nodes), json.dumps(self.actors), json.dumps(self.jobs)
        try:
            self.redis.cmd("SET", self.prefix + "JOB", jobs)
            self.redis.cmd("SET", self.prefix + "NODE", nodes)
            self.redis.cmd("SET", self.prefix + "ACTOR", actors)
            self.redis.cmd("SET", self.prefix + "SERVE", json.dumps(self.serve.stored()))
        except OSError as e:
            log("cannot store GCS tables in Redis: %s" % e)

    def recover(self):
        """A GCS with Redis reloads its namespace: cluster id, nodes, detached actors
        (gcs_init_data.cc:19-39). Ray's GCS exits when Redis cannot be reached or refuses it."""
        for _ in range(10):
            try:
                stored_id = self.redis.cmd("GET", self.prefix + "CLUSTER_ID")
                nodes = self.redis.cmd("GET", self.prefix + "NODE")
                actors = self.redis.cmd("GET", self.prefix + "ACTOR")
                serve_state = self.redis.cmd("GET", self.prefix + "SERVE")
                jobs = self.redis.cmd("GET", self.prefix + "JOB")
                break
            except OSError as e:
                log("Redis at %s:%s not usable (%s); retrying" % (self.redis.host, self.redis.port, e))
                time.sleep(1)
        else:
            raise SystemExit("Failed to connect to Redis at %s:%s for GCS fault tolerance"
                             % (self.redis.host, self.redis.port))
        if stored_id:
            self.cluster_id = stored_id.decode()
        else:
            self.redis.cmd("SET", self.prefix + "CLUSTER_ID", self.cluster_id)
        for node_id, entry in json.loads(nodes or "{}").items():
            if entry["is_head_node"] and entry["state"] == "ALIVE":
                entry.update(state="DEAD", state_message="head restarted", end_time_ms=int(time.time() * 1000))
            self.nodes[node_id] = entry
            if entry["state"] == "ALIVE":
                self.watch(node_id)
        self.actors = json.loads(actors or "{}")
        self.jobs = ray_jobs.recovered(json.loads(jobs or "{}"))
        self.serve = ray_serve.ServeState(json.loads(serve_state or "{}"))
        log("GCS recovered from Redis: cluster id %s, %d nodes, %d detached actors %s"
            % (self.cluster_id[:8], len(self.nodes), len(self.actors),
               sorted(a["name"] for a in self.actors.values())))

    # -- the service --
    def start(self):
        if self.redis is not None:
            self.recover()
        self.server = serve(LineServer("0.0.0.0", self.port, self.handle))

    def slow(self):
        """Test hook: <temp-dir>/standin-gcs-slow holds seconds the GCS takes for every request."""
        try:
            with open(os.path.join(self.temp_dir, "standin-gcs-slow")) as f:
                time.sleep(float(f.read().strip() or 0))
        except (OSError, ValueError):
            pass

    def handle(self, msg):
        self.slow()
        op = msg.get("op")
        if op == "ping":
            return {"ok": True, "version": VERSION, "cluster_id": self.cluster_id}
        if op != "register" and msg.get("cluster_id") not in (None, self.cluster_id):
            # enable_cluster_auth (ray_config_def.h:33): a GCS refuses calls carrying another cluster's id
            return {"ok": False, "auth_error": True, "error": "AuthError: cluster ID mismatch"}
        if op == "register":
            return self.register(msg)
        if op == "check_alive":
            with self.lock:
                node = self.nodes.get(msg["node_id"])
            return {"ok": True, "alive": node is not None and node["state"] == "ALIVE"}
        if op == "heartbeat":
            return {"ok": True}
        if op == "unregister":
            self.mark_dead(msg["node_id"], "Expected termination: received SIGTERM")
            return {"ok": True}
        if op == "nodes":
            with self.lock:
                return {"ok": True, "nodes": list(self.nodes.values())}
        if op == "create_detached_actor":
            actor = {"actor_id": "%032x" % random.getrandbits(128), "class_name": msg["class_name"],
                     "name": msg["name"], "ray_namespace": msg.get("namespace", "default"), "state": "ALIVE",
                     "is_detached": True}
            with self.lock:
                self.actors[actor["actor_id"]] = actor
            self.persist()
            return {"ok": True, "actor": actor}
        if op == "serve_deploy":
            try:
                self.serve.deploy(msg["config"])
            except ValueError as e:
                return {"ok": False, "error": repr(e) if not isinstance(e, ray_serve.ValidationError) else str(e)}
            self.persist()
            return {"ok": True}
        if op == "serve_details":
            with self.lock:
                nodes = list(self.nodes.values())
            return {"ok": True, "details": self.serve.snapshot(nodes)}
        if op == "serve_shutdown":
            self.serve.shutdown()
            self.persist()
            return {"ok": True}
        if op == "actors":
            with self.lock:
                return {"ok": True, "actors": list(self.actors.values())}
        if op in ("job_put", "job_get", "job_list", "job_del"):
            return ray_jobs.gcs_op(self, op, msg)
        if op in ("demand_add", "demand_finish", "demand_list", "resource_usage", "drain_node", "kv_put", "kv_get"):
            return demand_op(self, op, msg)
        return {"ok": False, "error": "unknown op %r" % op}

    def add_node(self, entry):
        with self.lock:
            self.nodes[entry["node_id"]] = entry
        self.persist()

    def register(self, msg):
        entry = msg["entry"]
        entry.update(state="ALIVE", state_message=None, start_time_ms=int(time.time() * 1000), end_time_ms=0)
        self.add_node(entry)
        log("node %s registered from %s" % (entry["node_id"][:8], entry["node_ip"]))
        self.watch(entry["node_id"])
        return {"ok": True, "cluster_id": self.cluster_id}

    def mark_dead(self, node_id, why):
        with self.lock:
            node = self.nodes.get(node_id)
            if not node or node["state"] != "ALIVE":
                return
            node.update(state="DEAD", state_message=why, end_time_ms=int(time.time() * 1000))
        log("node %s marked DEAD: %s" % (node_id[:8], why))
        self.persist()

    def watch(self, node_id):
        threading.Thread(target=self.health_check_loop, args=(node_id,), daemon=True).start()

    def health_check_loop(self, node_id):
        """Ray's GCS health check of a raylet (ray_config_def.h:856-862), overridable by RAY_ env."""
        initial = env_num("health_check_initial_delay_ms", 5000) / 1000
        period = env_num("health_check_period_ms", 3000) / 1000
        timeout = env_num("health_check_timeout_ms", 10000) / 1000
        threshold = int(env_num("health_check_failure_threshold", 5))
        time.sleep(initial)
        failures = 0
        while not self.stopped.is_set():
            with self.lock:
                node = self.nodes.get(node_id)
            if node is None or node["state"] != "ALIVE":
                return
            try:
                call(node["node_ip"], node["raylet_port"], {"op": "health"}, timeout)
                failures = 0
            except (OSError, ValueError):
                failures += 1
                if failures >= threshold:
                    self.mark_dead(node_id, "Health check failed %d times: raylet at %s:%s unreachable"
                                   % (failures, node["node_ip"], node["raylet_port"]))
                    return
            time.sleep(period)

    # -- the dashboard's view (the dashboard asks the GCS, as Ray's does) --
    def ask(self, msg, timeout):
        return call("127.0.0.1", self.port, msg, timeout)

    def dashboard_routes(self, session_name):
        def gcs_healthz(_):
            # healthz_head.py:21-34: check_alive([], 0.1); any failure is 503
            try:
                self.ask({"op": "ping"}, 0.1)
                return 200, "success"
            except (OSError, ValueError) as e:
                return 503, "GCS is not alive: %s" % e

        def state_answer(rows, params):
            try:
                limit = int(params.get("limit", DEFAULT_LIMIT))
            except ValueError:
                return 500, {"result": False, "msg": "invalid limit", "data": {}}
            if limit > MAX_LIMIT:
                return 500, {"result": False, "data": {}, "msg": "Given limit %d exceeds the supported limit %d. "
                             "Use a lower limit." % (limit, MAX_LIMIT)}
            if params.get("detail", "false").lower() not in ("true", "1"):
                rows = [{k: v for k, v in r.items() if k not in ("start_time_ms", "end_time_ms")} for r in rows]
            shown = rows[:limit]
            return 200, {"result": True, "msg": "", "data": {"result": {
                "total": len(rows), "num_after_truncation": len(shown), "num_filtered": len(rows),
                "partial_failure_warning": "", "warnings": None, "result": shown}}}

        def nodes_v0(params):
            try:
                nodes = self.ask({"op": "nodes"}, 30)["nodes"]
            except (OSError, ValueError) as e:
                return 500, {"result": False, "msg": "Failed to query the GCS: %s" % e, "data": {}}
            return state_answer([{k: v for k, v in n.items() if k != "raylet_port"} for n in nodes], params)

        def actors_v0(params):
            try:
                actors = self.ask({"op": "actors"}, 30)["actors"]
            except (OSError, ValueError) as e:
                return 500, {"result": False, "msg": "Failed to query the GCS: %s" % e, "data": {}}
            return state_answer(actors, params)

        def summary(_):
            with self.lock:
                rows = [{"raylet": {"nodeId": n["node_id"], "state": n["state"], "nodeManagerAddress": n["node_ip"],
                                    "isHeadNode": n["is_head_node"], "resourcesTotal": n["resources_total"]},
                         "ip": n["node_ip"], "hostname": n["node_name"]} for n in self.nodes.values()]
            return 200, {"result": True, "msg": "Node summary fetched.", "data": {"summary": rows}}

        def version(_):
            return 200, {"version": "4", "ray_version": VERSION, "ray_commit": "standin", "session_name": session_name}

        def cluster_status(_):
            # reporter_head.py:101-153: the monitor's JSON from the internal KV, its keys camelCased
            with self.lock:
                legacy, status, error = (self.kv.get(k) for k in ("__autoscaling_status_legacy", "__autoscaling_status",
                                                                  "__autoscaling_error"))
            return 200, {"result": True, "msg": "Got cluster status.", "data": camel({
                "autoscaling_status": legacy, "autoscaling_error": error,
                "cluster_status": json.loads(status) if status else None})}
        routes = {"/api/gcs_healthz": gcs_healthz, "/api/v0/nodes": nodes_v0, "/api/v0/actors": actors_v0,
                  "/nodes": summary, "/api/version": version, "/api/ray/version": version,
                  "/api/cluster_status": cluster_status}
        routes.update(ray_serve.dashboard_routes(lambda m: self.ask(m, 30)))
        return routes
