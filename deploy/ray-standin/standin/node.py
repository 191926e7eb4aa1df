"""One Ray node: the raylet (answers the GCS's health checks at the address it registered), the
dashboard agent, the metrics port, and on the head the GCS and dashboard. `ray start --block` keeps
all of it in the foreground."""
import errno
import json
import os
import random
import socket
import sys
import threading
import time

from . import autoscaler
from . import metrics as ray_metrics
from . import serve_proxy
from .gcs import VERSION, Gcs, env_num
from .jobs import JobApi
from .net import LineServer, call, http_server, log, serve, split_address


def route_source(host):
    """The local address of the route towards host (services.py:639-685); no packet is sent."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect((host, 53))
        return s.getsockname()[0]
    except OSError as e:
        ip = "127.0.0.1"
        if e.errno == errno.ENETUNREACH:
            try:
                ip = socket.gethostbyname(socket.getfqdn(socket.gethostname()))
            except OSError:
                pass
        return ip
    finally:
        s.close()


def detect_gpus():
    """With no --num-gpus Ray counts GPUs through NVML (resource_spec.py:197-212), which sees what the
    NVIDIA runtime exposed: Swarm's DOCKER_RESOURCE_*GPU* assignment if present, else the image's
    NVIDIA_VISIBLE_DEVICES ('all' = every GPU of the node, here STANDIN_ALL_GPUS; 'void'/'none' = none)."""
    for key, value in os.environ.items():
        if key.startswith("DOCKER_RESOURCE_") and "GPU" in key.upper():
            return len([v for v in value.split(",") if v])
    visible = os.environ.get("NVIDIA_VISIBLE_DEVICES")
    if visible is None or visible in ("", "void", "none"):
        return 0
    if visible == "all":
        return int(os.environ.get("STANDIN_ALL_GPUS", "0"))
    return len([v for v in visible.split(",") if v])


def fatal(msg):
    print(msg, file=sys.stderr, flush=True)
    os._exit(1)


class Node:
    def __init__(self, opts, custom_resources, labels):
        self.opts = opts
        self.head = bool(opts.get("head"))
        self.node_id = "%056x" % random.getrandbits(224)
        self.temp_dir = opts.get("temp-dir") or "/tmp/ray"
        self.stop = threading.Event()
        self.raylet_gone = threading.Event()  # drained: the raylet and agent ended, `ray start` stays
        self.cluster_id = None
        if self.head:
            self.gcs_host, self.gcs_port = "127.0.0.1", opts.get("port", 6379)
        else:
            if "address" not in opts:
                fatal("ConnectionError: Could not find any running Ray instance. Please specify the one to "
                      "connect to by setting `--address` flag or `RAY_ADDRESS` environment variable.")
            self.gcs_host, self.gcs_port = split_address(opts["address"])
        # Ray's guess when --node-ip-address is absent: workers take the route towards the GCS, the head
        # the route towards 8.8.8.8 (services.py:639-685); inside a Swarm task the latter is docker_gwbridge.
        self.node_ip = opts.get("node-ip-address") or route_source(self.gcs_host if not self.head else "8.8.8.8")
        self.node_name = opts.get("node-name", self.node_ip)
        self.resources = self.compute_resources(custom_resources)
        self.labels = labels

    def compute_resources(self, custom):
        o = self.opts
        gpus = o["num-gpus"] if "num-gpus" in o else detect_gpus()
        cuda = os.environ.get("CUDA_VISIBLE_DEVICES")
        if "num-gpus" in o and cuda is not None and o["num-gpus"] > len([d for d in cuda.split(",") if d]):
            # resource_spec.py:186-196
            raise ValueError("Attempting to start raylet with %d GPUs, but CUDA_VISIBLE_DEVICES contains %s."
                             % (o["num-gpus"], cuda))
        res = {"CPU": float(o.get("num-cpus", os.cpu_count() or 1)), "memory": float(o.get("memory", 1 << 30)),
               "object_store_memory": float(o.get("object-store-memory", 1 << 28)), "node:" + self.node_ip: 1.0}
        if gpus:
            res["GPU"] = float(gpus)
        res.update({k: float(v) for k, v in custom.items()})
        if self.head:
            res["node:__internal_head__"] = 1.0
        return res

    def make_session_dir(self):
        """Ray creates <temp-dir>/session_<date>_<pid> first thing; as uid 1000 a root-owned temp dir
        (a fresh Docker volume) fails here with PermissionError, as in Ray."""
        os.makedirs(self.temp_dir, exist_ok=True)
        self.session = "session_%s_%d" % (time.strftime("%Y-%m-%d_%H-%M-%S"), os.getpid())
        os.makedirs(os.path.join(self.temp_dir, self.session, "logs"))

    def hook(self, name):
        return os.path.join(self.temp_dir, name)

    def frozen(self):
        """Test hook: <temp-dir>/standin-raylet-dead freezes the raylet (not its agent)."""
        return os.path.exists(self.hook("standin-raylet-dead"))

    def entry(self):
        return {"node_id": self.node_id, "node_ip": self.node_ip, "node_name": self.node_name,
                "is_head_node": self.head, "state": "ALIVE", "state_message": None,
                "resources_total": self.resources, "labels": self.labels, "start_time_ms": int(time.time() * 1000),
                "end_time_ms": 0, "raylet_port": self.raylet_port,
                # what autoscaler v2 matches nodes to instances by (raylet.cc:104-106)
                "node_type_name": os.environ.get("RAY_NODE_TYPE_NAME"),
                "instance_id": os.environ.get("RAY_CLOUD_INSTANCE_ID")}

    def start_raylet(self):
        def handle(msg):
            if msg.get("op") == "shutdown":
                threading.Thread(target=self.drained, daemon=True).start()
                return {"ok": True}
            while self.frozen():
                time.sleep(1)
            return {"ok": True, "node_id": self.node_id}
        self.raylet = serve(LineServer("0.0.0.0", self.opts.get("node-manager-port", 0), handle))
        self.raylet_port = self.raylet.server_address[1]

    def gcs_call(self, msg, timeout):
        if self.cluster_id:
            msg = dict(msg, cluster_id=self.cluster_id)
        return call(self.gcs_host, self.gcs_port, msg, timeout)

    def agent_routes(self):
        def raylet_healthz(_):
            # healthz_agent.py:25-47: the GCS's view with a 0.1 s timeout; an unreachable GCS is not a failure
            try:
                reply = self.gcs_call({"op": "check_alive", "node_id": self.node_id}, 0.1)
            except (OSError, ValueError):
                return 200, "success"
            if reply.get("ok") and not reply.get("alive"):
                return 503, "Local Raylet failed: the GCS reports this node as not alive"
            return 200, "success"
        return {"/api/local_raylet_healthz": raylet_healthz}

    def start(self):
        o = self.opts
        self.start_raylet()
        if self.head:
            self.gcs = Gcs(self.gcs_port, self.temp_dir, os.environ.get("RAY_REDIS_ADDRESS"), o.get("redis-password"))
            self.gcs.start()
            self.cluster_id = self.gcs.cluster_id
            self.gcs.add_node(self.entry())
            if o.get("include-dashboard", True):
                jobs = JobApi(lambda m: self.gcs.ask(m, 30), os.path.join(self.temp_dir, self.session, "logs"),
                              "%s:%d" % (self.node_ip, self.gcs_port), self.node_id, self.node_ip,
                              "http://%s:%d" % (self.node_ip, o["dashboard-agent-listen-port"]))
                http_server(o["dashboard-host"], o["dashboard-port"], self.gcs.dashboard_routes(self.session), jobs.route)
            serve(LineServer("0.0.0.0", o["ray-client-server-port"], lambda m: {"ok": True}))
        else:
            self.join()
        self.agent = http_server("0.0.0.0", o["dashboard-agent-listen-port"], self.agent_routes())
        if self.head and not o.get("no-monitor"):
            # `ray start --head` runs Ray's monitor unless --no-monitor; without an autoscaling config it only
            # reports (monitor.py:219-240).
            threading.Thread(target=autoscaler.read_only_monitor, args=(self.gcs_port, self.stop), daemon=True).start()
        sampler = ray_metrics.Sampler(self.resources.get("CPU", 0))
        http_server("0.0.0.0", o.get("metrics-export-port", 8080), {"/metrics": lambda _: (200, self.metrics(sampler))})
        log("node %s started (%s) at %s, resources %s" % (self.node_id[:8], "head" if self.head else "worker",
                                                          self.node_ip, json.dumps(self.resources, sort_keys=True)))
        threading.Thread(target=serve_proxy.run_proxy, args=(self, self.stop), daemon=True).start()
        if not self.head:
            threading.Thread(target=self.stay_connected, daemon=True).start()
            threading.Thread(target=self.self_check, daemon=True).start()

    def metrics(self, sampler):
        active = None
        if self.head:
            with self.gcs.lock:
                status = self.gcs.kv.get(autoscaler.STATUS_KEY)
                alive = [n["node_id"] for n in self.gcs.nodes.values() if n["state"] == "ALIVE"]
            active = ray_metrics.active_nodes(json.loads(status) if status else None, alive)
        return ray_metrics.exposition(sampler.sample(), self.node_ip, self.session, self.head, active)

    def join(self):
        """A worker's `ray start` checks the head's version (node.check_version_info), then registers."""
        deadline = time.time() + env_num("gcs_rpc_server_reconnect_timeout_s", 60)
        while True:
            try:
                info = call(self.gcs_host, self.gcs_port, {"op": "ping"}, 5)
                break
            except (OSError, ValueError) as e:
                if time.time() > deadline:
                    fatal("Failed to connect to GCS at %s:%s: %s" % (self.gcs_host, self.gcs_port, e))
                time.sleep(1)
        if info["version"] != VERSION:
            fatal("RuntimeError: Version mismatch: The cluster was started with:\n    Ray: %s\n"
                  "This process on node %s was started with:\n    Ray: %s" % (info["version"], self.node_ip, VERSION))
        reply = call(self.gcs_host, self.gcs_port, {"op": "register", "entry": self.entry()}, 5)
        self.cluster_id = reply["cluster_id"]
        log("registered with GCS at %s:%s" % (self.gcs_host, self.gcs_port))

    def stay_connected(self):
        """A raylet that cannot reach any GCS exits after gcs_rpc_server_reconnect_timeout_s, checked every
        second (gcs_rpc_client.h:660-674)."""
        timeout = env_num("gcs_rpc_server_reconnect_timeout_s", 60)
        lost_since = None
        while not self.stop.wait(1) and not self.raylet_gone.is_set():
            try:
                self.gcs_call({"op": "heartbeat"}, 5)
                lost_since = None
            except (OSError, ValueError) as e:
                lost_since = lost_since or time.time()
                if time.time() - lost_since >= timeout:
                    fatal("Failed to connect to GCS within %d seconds. GCS may have been killed. (%s)" % (timeout, e))

    def self_check(self):
        """raylet_liveness_self_check_interval_ms (5000): a GCS that says this node is not alive, or that
        belongs to another cluster, is fatal (node_manager.cc:531-560)."""
        period = env_num("raylet_liveness_self_check_interval_ms", 5000) / 1000
        while not self.stop.wait(period) and not self.raylet_gone.is_set():
            if self.frozen():
                continue
            try:
                reply = self.gcs_call({"op": "check_alive", "node_id": self.node_id}, 5)
            except (OSError, ValueError):
                continue
            if reply.get("auth_error"):
                fatal("[FATAL] GCS rejected this raylet: %s" % reply.get("error"))
            if reply.get("ok") and not reply.get("alive"):
                fatal("[FATAL] GCS reports this raylet %s as not alive; the raylet exits" % self.node_id[:8])

    def drained(self):
        """DrainNode shut the raylet down; its agent goes with it. `ray start --block` does not exit for a child
        that ended with code 0 (scripts.py:1071-1109), so the container keeps running until it is removed."""
        log("raylet drained by the GCS; shutting down the raylet and its agent")
        self.raylet_gone.set()
        for server in (self.raylet, getattr(self, "agent", None)):
            if server is not None:
                server.shutdown()
                server.server_close()

    def terminate(self, *_):
        """SIGTERM: ray start --block stops its children, the raylet first (which unregisters), and exits 1
        (node.py:424-439)."""
        log("received SIGTERM, stopping")
        if not self.head:
            try:
                self.gcs_call({"op": "unregister", "node_id": self.node_id}, 2)
            except (OSError, ValueError):
                pass
        self.stop.set()
        os._exit(1)
