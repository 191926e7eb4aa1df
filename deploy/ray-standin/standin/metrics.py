"""A node's Prometheus endpoint on --metrics-export-port, as Ray's dashboard agent exports it: the reporter
agent's node gauges under namespace "ray" (reporter_agent.py METRICS_GAUGES), and on the head the cluster
gauges it reads from the monitor's status in the KV.

UNCERTAIN (read from Ray's source across versions, not from a running 2.40): the node tags are NODE_TAG_KEYS
(ip, Version, SessionName, IsHeadNode; later Rays add RayNodeType), the cluster tags CLUSTER_TAG_KEYS
(node_type, Version, SessionName), and a read-only monitor names each node's type "node_<node id>"."""
from .gcs import VERSION

NODE_GAUGES = (
    ("node_cpu_utilization", "Total CPU usage on a ray node", "cpu_percent"),
    ("node_cpu_count", "Total CPUs available on a ray node", "cpus"),
    ("node_mem_used", "Memory usage on a ray node", "mem_used"),
    ("node_mem_available", "Memory available on a ray node", "mem_available"),
    ("node_mem_total", "Total memory on a ray node", "mem_total"),
)


def label_text(labels):
    return ",".join('%s="%s"' % (k, str(v).replace("\\", "\\\\").replace('"', '\\"')) for k, v in labels)


def gauge(name, help_text, rows):
    """One family in Prometheus' text format; rows: [(labels as pairs, value)]."""
    out = ["# HELP ray_%s %s" % (name, help_text), "# TYPE ray_%s gauge" % name]
    out += ["ray_%s{%s} %s" % (name, label_text(labels), repr(float(value))) for labels, value in rows]
    return "\n".join(out) + "\n"


def exposition(sample, node_ip, session, is_head, active_nodes):
    """sample: the readings named in NODE_GAUGES; active_nodes: node type -> count (head only, else None)."""
    tags = (("ip", node_ip), ("Version", VERSION), ("SessionName", session), ("IsHeadNode", "true" if is_head else "false"))
    text = "".join(gauge(name, help_text, [(tags, sample[key])]) for name, help_text, key in NODE_GAUGES)
    if active_nodes is not None:
        text += gauge("cluster_active_nodes", "Active nodes on the cluster",
                      [((("node_type", t), ("Version", VERSION), ("SessionName", session)), n) for t, n in sorted(active_nodes.items())])
    return text


def active_nodes(autoscaler_status, alive_node_ids):
    """The autoscaler's active_nodes when it reports them (a KubeRay-style autoscaler names its groups), else the
    read-only monitor's: one type per node, "node_<id>"."""
    report = (autoscaler_status or {}).get("autoscaler_report") or {}
    if report.get("active_nodes"):
        return dict(report["active_nodes"])
    return {"node_" + node_id: 1 for node_id in alive_node_ids}


class Sampler:
    """CPU use between two scrapes (psutil.cpu_percent's way) and memory as /proc/meminfo tells it."""

    def __init__(self, cpus):
        self.cpus = cpus
        self.last = self.cpu_times()

    @staticmethod
    def cpu_times():
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
        return sum(fields), fields[3] + (fields[4] if len(fields) > 4 else 0)

    def sample(self):
        total, idle = self.cpu_times()
        d_total, d_idle = total - self.last[0], idle - self.last[1]
        self.last = (total, idle)
        mem = {}
        with open("/proc/meminfo") as f:
            for line in f:
                key, _, rest = line.partition(":")
                mem[key] = int(rest.split()[0]) * 1024
        total_mem = mem.get("MemTotal", 0)
        available = mem.get("MemAvailable", mem.get("MemFree", 0))
        return {"cpu_percent": 100.0 * (d_total - d_idle) / d_total if d_total > 0 else 0.0, "cpus": self.cpus,
                "mem_total": total_mem, "mem_available": available, "mem_used": total_mem - available}
