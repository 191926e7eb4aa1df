"""What the autoscaler reads from the GCS: resource demand and use, and each node's idle time.

Real Ray learns demand from tasks and actors that cannot be scheduled. The stand-in runs no user code, so
a test queues "tasks" through the `standin-demand` hook: each holds a resource bundle. A task is placed
on the first ALIVE node whose available resources fit it, and holds them until the test finishes it or
its node dies. A task that fits nowhere is pending demand: "ready" when some ALIVE node could hold it
once free, "infeasible" when none could (GCS resource_load_by_shape's two counts). A node is idle while
nothing is placed on it; idle_duration_ms counts from the moment its last task left, as the raylet reports
it (`get_cluster_resource_state`, monitor.py:252-256)."""
import time

from .net import call, log

# Resources the autoscaler schedules on; node:<ip> and the head marker are placement-only.
SCHEDULED = ("CPU", "GPU", "memory", "object_store_memory")


def now_ms():
    return int(time.time() * 1000)


def fits(bundle, available):
    return all(available.get(k, 0.0) + 1e-9 >= v for k, v in bundle.items())


class Demand:
    def __init__(self):
        self.tasks = {}  # task id -> {"resources": {...}, "node_id": id or None}
        self.idle_since = {}  # node id -> ms since which nothing is placed on it

    def add(self, task_id, resources, count):
        ids = [task_id] if count == 1 else ["%s-%d" % (task_id, i) for i in range(count)]
        for i in ids:
            if i in self.tasks:
                raise ValueError("task %s already queued" % i)
        for i in ids:
            self.tasks[i] = {"resources": dict(resources), "node_id": None}
        return ids

    def finish(self, prefix):
        """Removes the tasks whose id is prefix or starts with prefix-; returns their ids."""
        gone = [i for i in self.tasks if i == prefix or i.startswith(prefix + "-")]
        for i in gone:
            del self.tasks[i]
        return gone

    def place(self, nodes):
        """Places pending tasks on ALIVE nodes (oldest first); a DEAD node's tasks return to the queue."""
        alive = sorted((n for n in nodes.values() if n["state"] == "ALIVE"), key=lambda n: n["start_time_ms"])
        alive_ids = {n["node_id"] for n in alive}
        for t in self.tasks.values():
            if t["node_id"] is not None and t["node_id"] not in alive_ids:
                t["node_id"] = None
        for t in sorted(self.tasks.items()):
            task = t[1]
            if task["node_id"] is not None:
                continue
            for n in alive:
                if fits(task["resources"], self.available(n)):
                    task["node_id"] = n["node_id"]
                    break
        stamp = now_ms()
        for n in alive:
            if self.used(n["node_id"]):
                self.idle_since.pop(n["node_id"], None)
            else:
                self.idle_since.setdefault(n["node_id"], stamp)
        for node_id in list(self.idle_since):
            if node_id not in alive_ids:
                del self.idle_since[node_id]

    def used(self, node_id):
        out = {}
        for t in self.tasks.values():
            if t["node_id"] == node_id:
                for k, v in t["resources"].items():
                    out[k] = out.get(k, 0.0) + v
        return out

    def available(self, node):
        used = self.used(node["node_id"])
        return {k: v - used.get(k, 0.0) for k, v in node["resources_total"].items()}

    def usage(self, nodes):
        """GetAllResourceUsage and the idle durations of get_cluster_resource_state, per ALIVE node, and the
        pending demand by shape."""
        self.place(nodes)
        alive = [n for n in nodes.values() if n["state"] == "ALIVE"]
        stamp = now_ms()
        per_node = [{"node_id": n["node_id"], "node_manager_address": n["node_ip"], "is_head_node": n["is_head_node"],
                     "node_type_name": n.get("node_type_name"), "instance_id": n.get("instance_id"),
                     "resources_total": n["resources_total"], "resources_available": self.available(n),
                     "idle_duration_ms": stamp - self.idle_since[n["node_id"]] if n["node_id"] in self.idle_since else 0}
                    for n in alive]
        shapes = {}
        for t in self.tasks.values():
            if t["node_id"] is not None:
                continue
            key = tuple(sorted(t["resources"].items()))
            feasible = any(fits(t["resources"], n["resources_total"]) for n in alive)
            entry = shapes.setdefault(key, {"shape": dict(key), "num_ready_requests_queued": 0,
                                            "num_infeasible_requests_queued": 0})
            entry["num_ready_requests_queued" if feasible else "num_infeasible_requests_queued"] += 1
        return {"nodes": per_node, "resource_load_by_shape": list(shapes.values())}

    def listing(self):
        return [{"task_id": i, "resources": t["resources"], "node_id": t["node_id"]} for i, t in sorted(self.tasks.items())]


def camel_word(key):
    head, *rest = key.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


def camel(value):
    """The dashboard's rest_response camelCases dict keys recursively; dicts inside lists stay as they are
    (dashboard/utils.py:178-203)."""
    if isinstance(value, dict):
        return {camel_word(k): camel(v) for k, v in value.items()}
    return value


def demand_op(gcs, op, msg):
    """What the autoscaler asks of the GCS (resource usage, idle times, DrainNode, the internal KV) and
    the `standin-demand` test hook."""
    with gcs.lock:
        if op == "demand_add":
            try:
                ids = gcs.demand.add(msg["task_id"], msg["resources"], int(msg.get("count", 1)))
            except ValueError as e:
                return {"ok": False, "error": str(e)}
            gcs.demand.place(gcs.nodes)
            return {"ok": True, "tasks": ids}
        if op == "demand_finish":
            gone = gcs.demand.finish(msg["task_id"])
            gcs.demand.place(gcs.nodes)
            return {"ok": True, "tasks": gone}
        if op == "demand_list":
            gcs.demand.place(gcs.nodes)
            return {"ok": True, "tasks": gcs.demand.listing()}
        if op == "resource_usage":
            return dict(gcs.demand.usage(gcs.nodes), ok=True)
        if op == "kv_put":
            gcs.kv[msg["key"]] = msg["value"]
            return {"ok": True}
        if op == "kv_get":
            return {"ok": True, "value": gcs.kv.get(msg["key"])}
        node = gcs.nodes.get(msg["node_id"])
    # DrainNode in 2.40 shuts the raylet down (gcs_node_manager.cc:189-213): the node leaves the table at once.
    if node is None or node["state"] != "ALIVE":
        return {"ok": True, "is_accepted": True}
    gcs.mark_dead(node["node_id"], "Node drained: %s" % msg.get("reason", "idle termination"))
    try:
        call(node["node_ip"], node["raylet_port"], {"op": "shutdown"}, 2)
    except (OSError, ValueError) as e:
        log("drained raylet %s did not answer the shutdown: %s" % (node["node_id"][:8], e))
    with gcs.lock:
        gcs.demand.place(gcs.nodes)
    return {"ok": True, "is_accepted": True}
