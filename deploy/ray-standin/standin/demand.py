"""What the autoscaler reads from the GCS: resource demand and use, and each node's idle time.

Real Ray learns demand from tasks and actors that cannot be scheduled. The stand-in runs no user code, so
a test queues "tasks" through the `standin-demand` hook: each holds a resource bundle. A task is placed
on the first ALIVE node whose available resources fit it, and holds them until the test finishes it or
its node dies. A task that fits nowhere is pending demand: "ready" when some ALIVE node could hold it
once free, "infeasible" when none could (GCS resource_load_by_shape's two counts). A node is idle while
nothing is placed on it; idle_duration_ms counts from the moment its last task left, as the raylet reports
it (`get_cluster_resource_state`, monitor.py:252-256)."""
import time

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
