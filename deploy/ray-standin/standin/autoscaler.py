"""Ray's v1 monitor: read-only on a head started without --no-monitor, or with the KubeRay provider in
`ray kuberay-autoscaler` (autoscaler/_private/monitor.py, autoscaler.py, resource_demand_scheduler.py as of
2.40; ray-autoscaler-contract.md A2). Every AUTOSCALER_UPDATE_INTERVAL_S (5 s) it reads demand and idle times
from the GCS, removes workers idle past the timeout (draining them first), asks for nodes the demand needs
within min/max and the upscaling speed, and writes its status for the dashboard's /api/cluster_status."""
import json
import os
import subprocess
import sys
import time
import traceback

from .demand import fits
from .net import call, log

UPDATE_INTERVAL_S = 5  # AUTOSCALER_UPDATE_INTERVAL_S (constants.py:62)
MAX_NUM_FAILURES = 5  # AUTOSCALER_MAX_NUM_FAILURES (constants.py:41)
UPSCALING_INITIAL_NUM_NODES = 5  # resource_demand_scheduler.py
STATUS_KEY, LEGACY_KEY, ERROR_KEY = "__autoscaling_status", "__autoscaling_status_legacy", "__autoscaling_error"


def demand_bundles(usage):
    """resource_load_by_shape as a list of bundles, waiting and infeasible alike (load_metrics.py)."""
    out = []
    for shape in usage["resource_load_by_shape"]:
        out += [shape["shape"]] * (shape["num_ready_requests_queued"] + shape["num_infeasible_requests_queued"])
    return out


def load_metrics_report(usage):
    """LoadMetricsSummary: usage as [used, total], demand as [[bundle, count]] (load_metrics.py:250-319)."""
    totals = {}
    for node in usage["nodes"]:
        for k, v in node["resources_total"].items():
            if k.startswith("node:"):
                continue
            used = v - node["resources_available"].get(k, 0.0)
            t = totals.setdefault(k, [0.0, 0.0])
            t[0] += used
            t[1] += v
    demand = [[s["shape"], s["num_ready_requests_queued"] + s["num_infeasible_requests_queued"]]
              for s in usage["resource_load_by_shape"]]
    return {"usage": totals, "resource_demand": demand, "pg_demand": [], "request_demand": [], "node_types": [],
            "head_ip": None}


def gcs(address, msg):
    return call(address[0], address[1], msg, 10)


def write_status(address, report, autoscaler_report=None):
    status = {"load_metrics_report": report, "time": time.time(), "monitor_pid": os.getpid(), "gcs_request_time": 0.0}
    if autoscaler_report is not None:
        status["autoscaler_report"] = autoscaler_report
    gcs(address, {"op": "kv_put", "key": STATUS_KEY, "value": json.dumps(status)})
    gcs(address, {"op": "kv_put", "key": LEGACY_KEY, "value": "Demands: %s" % json.dumps(report["resource_demand"])})


def read_only_monitor(port, stop):
    """Ray's default monitor of a head without an autoscaling config: it only reports (monitor.py:219-240)."""
    while not stop.wait(UPDATE_INTERVAL_S):
        try:
            address = ("127.0.0.1", port)
            write_status(address, load_metrics_report(gcs(address, {"op": "resource_usage"})))
        except (OSError, ValueError, KeyError) as e:
            log("monitor: cannot read the GCS: %s" % e)


class Autoscaler:
    def __init__(self, provider, gcs_address):
        self.provider = provider
        self.address = gcs_address
        self.config = None
        self.num_failures = 0
        self.last_used = {}  # ip -> time the node was last in use
        self.summary = {}

    def reset(self, errors_fatal):
        """StandardAutoscaler.reset: a new config each update; a bad one is fatal only the first time."""
        from .kuberay import autoscaling_config
        try:
            self.config = autoscaling_config(self.provider.get_cr_with_retries())
        except Exception:
            if errors_fatal:
                raise
            log("StandardAutoscaler: Error parsing config.\n" + traceback.format_exc())

    def update(self):
        try:
            self.reset(errors_fatal=False)
            self._update()
        except Exception as e:
            self.num_failures += 1
            log("StandardAutoscaler: Error during autoscaling.\n" + traceback.format_exc())
            gcs(self.address, {"op": "kv_put", "key": ERROR_KEY, "value": "%s: %s" % (type(e).__name__, e)})
            if self.num_failures > MAX_NUM_FAILURES:
                log("StandardAutoscaler: Too many errors, abort.")
                raise

    def _update(self):
        usage = gcs(self.address, {"op": "resource_usage"})
        now = time.time()
        for node in usage["nodes"]:
            self.last_used[node["node_manager_address"]] = now - node["idle_duration_ms"] / 1000
        nodes = self.provider.node_data()
        workers = {n: d for n, d in nodes.items() if d["kind"] == "worker"}
        desired = {}
        for d in workers.values():
            desired[d["type"]] = desired.get(d["type"], 0) + 1
        types = self.config["available_node_types"]
        if not self.provider.safe_to_scale():
            log("Backing off of autoscaler update. Will try again next update.")
            return
        terminate = self.idle_workers(workers, now)
        if terminate:
            self.drain(terminate, workers, usage)
            for name in terminate:
                desired[workers[name]["type"]] -= 1
        alive_ips = {n["node_manager_address"]: n for n in usage["nodes"]}
        remaining = {n: d for n, d in workers.items() if n not in terminate}
        launch = self.nodes_to_launch(remaining, alive_ips, demand_bundles(usage), types)
        for node_type, count in launch.items():
            desired[node_type] = desired.get(node_type, 0) + count
        if terminate or launch:
            self.provider.submit_scale_request(desired, terminate)
        self.summary = {"active_nodes": self.count(remaining, alive_ips, True),
                        "pending_nodes": sorted(d["ip"] for d in remaining.values() if d["ip"] not in alive_ips),
                        "pending_launches": launch, "failed_nodes": [],
                        "idle_terminated": sorted(terminate)}
        write_status(self.address, load_metrics_report(usage), self.summary)

    @staticmethod
    def count(workers, alive_ips, connected):
        out = {}
        for d in workers.values():
            if (d["ip"] in alive_ips) == connected:
                out[d["type"]] = out.get(d["type"], 0) + 1
        return out

    def idle_workers(self, workers, now):
        """terminate_nodes_to_enforce_config_constraints: most recently used first; min_workers of each type are
        kept; a node whose IP was last used before now - idle timeout goes. A node Ray does not know yet counts as
        just used (UNCERTAIN: Ray's default for an unknown IP)."""
        types = self.config["available_node_types"]
        horizon = now - 60 * self.config["idle_timeout_minutes"]
        kept, terminate = {}, []
        for name in sorted(workers, key=lambda n: self.last_used.get(workers[n]["ip"], float("inf")), reverse=True):
            node_type = workers[name]["type"]
            if node_type not in types or kept.get(node_type, 0) >= types[node_type]["max_workers"]:
                terminate.append(name)
                continue
            if kept.get(node_type, 0) < types[node_type]["min_workers"]:
                kept[node_type] = kept.get(node_type, 0) + 1
                continue
            last = self.last_used.get(workers[name]["ip"])
            if last is not None and last < horizon:
                log("Terminating idle node %s (%s)" % (name, workers[name]["ip"]))
                terminate.append(name)
            else:
                kept[node_type] = kept.get(node_type, 0) + 1
        return terminate

    def drain(self, names, workers, usage):
        """drain_nodes_via_gcs (autoscaler.py:637-716): pod -> IP -> raylet -> DrainNode."""
        by_ip = {n["node_manager_address"]: n["node_id"] for n in usage["nodes"]}
        for name in names:
            node_id = by_ip.get(workers[name]["ip"])
            if node_id is not None:
                gcs(self.address, {"op": "drain_node", "node_id": node_id, "reason": "idle termination"})

    def nodes_to_launch(self, workers, alive_ips, bundles, types):
        """get_nodes_to_launch: min_workers first, then the demand that does not fit on the nodes there are (a
        pending node counts with its type's full resources), packed onto new nodes of the type that fits best,
        within each type's max, max_workers and the upscaling speed."""
        counts, running, pending, free = {}, {}, {}, []
        for d in workers.values():
            counts[d["type"]] = counts.get(d["type"], 0) + 1
            if d["ip"] in alive_ips:
                running[d["type"]] = running.get(d["type"], 0) + 1
                free.append(dict(alive_ips[d["ip"]]["resources_available"]))
            else:
                pending[d["type"]] = pending.get(d["type"], 0) + 1
                free.append(dict(types[d["type"]]["resources"]))
        for node in alive_ips.values():
            if node["is_head_node"]:
                free.append(dict(node["resources_available"]))
        launch = {}
        for name, t in types.items():
            short = t["min_workers"] - counts.get(name, 0)
            if short > 0:
                launch[name] = short
                free += [dict(t["resources"]) for _ in range(short)]
        unfulfilled = [b for b in bundles if not take(b, free)]
        total = sum(counts.values()) + sum(launch.values())
        while unfulfilled and total < self.config["max_workers"]:
            best = None
            for name, t in types.items():
                if name == "headgroup" or counts.get(name, 0) + launch.get(name, 0) >= t["max_workers"]:
                    continue
                score = utilization_score(t["resources"], unfulfilled)
                if score is not None and (best is None or score > best[0]):
                    best = (score, name)
            if best is None:
                break  # infeasible for every type
            name = best[1]
            launch[name] = launch.get(name, 0) + 1
            total += 1
            node = [dict(types[name]["resources"])]
            unfulfilled = [b for b in unfulfilled if not take(b, node)]
        out = {}
        for name, count in launch.items():
            allowed = max(UPSCALING_INITIAL_NUM_NODES, int(self.config["upscaling_speed"] * max(running.get(name, 0), 1)))
            bound = max(allowed - pending.get(name, 0), types[name]["min_workers"] - counts.get(name, 0))
            if bound > 0 and count > 0:
                out[name] = min(bound, count)
        return out


def take(bundle, free):
    for node in free:
        if fits(bundle, node):
            for k, v in bundle.items():
                node[k] = node.get(k, 0.0) - v
            return True
    return False


def utilization_score(resources, bundles):
    """_default_utilization_scorer's order: GPU nodes are kept for GPU work, then the number of resource kinds
    used, then the least and the mean utilization; None when nothing fits."""
    node = dict(resources)
    placed = [b for b in bundles if take(b, [node])]
    if not placed:
        return None
    wants_gpu = any(b.get("GPU") for b in bundles)
    used = [(resources[k] - node[k]) / resources[k] for k in resources if resources[k] and k in set().union(*placed)]
    return (not (resources.get("GPU") and not wants_gpu), len(used), min(used or [0]), sum(used) / max(len(used), 1))


def run(cluster_name, namespace, head_ip):
    """run_kuberay_autoscaler (run_autoscaler.py:30-86)."""
    from .kuberay import KubeRayProvider
    address = "%s:6379" % head_ip  # the port is hard-coded
    while subprocess.call([sys.argv[0], "health-check", "--address", address, "--skip-version-check"]) != 0:
        log("Ray head is not ready at %s; trying again in 5 s" % address)
        time.sleep(5)
    autoscaler = Autoscaler(KubeRayProvider(cluster_name, namespace), (head_ip, 6379))
    autoscaler.reset(errors_fatal=True)
    while True:
        autoscaler.update()
        time.sleep(UPDATE_INTERVAL_S)
