"""The `ray` commands the operator and its users run: start, health-check, status, stop."""
import json
import os
import signal
import socket
import sys
import time

from . import autoscaler, cli, jobcli
from .gcs import VERSION, env_num
from .net import call, log, split_address
from .node import Node, route_source


def start(argv):
    opts = cli.start_options(argv)
    try:
        resources, labels = cli.check_usage(opts)
    except cli.RayUsageError as e:
        print("ValueError: %s" % e, file=sys.stderr, flush=True)
        sys.exit(1)
    node = Node(opts, resources, labels)
    node.make_session_dir()  # PermissionError (exit 1) when the temp dir is not writable, as in Ray
    # The stand-in's own test hook: the exact argv and env it received, to prove nothing was re-parsed.
    with open(node.hook("standin-argv.json"), "w") as fh:
        json.dump({"argv": ["ray", "start"] + argv, "env": dict(os.environ)}, fh)
    shown = [a.split("=", 1)[0] + "=<hidden>" if a.startswith("--redis-password=") else a for a in argv]
    log("ray start argv: %s" % json.dumps(shown))
    signal.signal(signal.SIGTERM, node.terminate)
    signal.signal(signal.SIGINT, node.terminate)
    node.start()
    if not opts.get("block"):
        # Real Ray daemonises here; the stand-in has nothing to hand over to, so it just stays.
        log("--block not given; staying in the foreground anyway")
    while not node.stop.is_set():
        node.stop.wait(3600)


def gcs_address(opts):
    address = opts.get("address") or os.environ.get("RAY_ADDRESS") or "127.0.0.1:6379"
    return split_address(address)


def reach_gcs(host, port):
    """GcsClient: WaitForConnected for gcs_rpc_server_connect_timeout_s (5 s), then the cluster-id fetch
    within py_gcs_connect_timeout_s (30 s) (_raylet.pyx:2691-2723, gcs_client.cc:168-188)."""
    deadline = time.time() + env_num("gcs_rpc_server_connect_timeout_s", 5)
    while True:
        try:
            conn = socket.create_connection((host, port), timeout=max(0.1, deadline - time.time()))
            conn.close()
            break
        except OSError as e:
            if time.time() >= deadline:
                raise OSError("Failed to connect to GCS at %s:%s within the connect timeout: %s" % (host, port, e))
            time.sleep(0.2)
    return call(host, port, {"op": "ping"}, env_num("py_gcs_connect_timeout_s", 30))


def health_check(argv):
    try:
        opts = cli.parse(argv, cli.HEALTH_CHECK_OPTIONS)
    except cli.UsageError as e:
        cli.click_fail("health-check", e)
    host, port = gcs_address(opts)
    try:
        info = reach_gcs(host, port)
    except (OSError, ValueError) as e:
        print("Ray cluster at %s:%s is not healthy: %s" % (host, port, e), file=sys.stderr)
        sys.exit(1)
    if opts.get("component"):
        print("The stand-in tracks no components; %s is not healthy" % opts["component"], file=sys.stderr)
        sys.exit(1)
    if not opts.get("skip-version-check") and info["version"] != VERSION:
        # scripts.py:60-69
        print("Ray cluster at %s:%s runs Ray %s, this node has Ray %s" % (host, port, info["version"], VERSION),
              file=sys.stderr)
        sys.exit(1)
    sys.exit(0)


def status(argv):
    try:
        opts = cli.parse(argv, {"address": cli.STR, "redis_password": cli.STR, "verbose": cli.COUNT})
    except cli.UsageError as e:
        cli.click_fail("status", e)
    host, port = gcs_address(opts)
    try:
        nodes = call(host, port, {"op": "nodes"}, 5)["nodes"]
    except (OSError, ValueError) as e:
        print("Could not reach the GCS at %s:%s: %s" % (host, port, e), file=sys.stderr)
        sys.exit(1)
    alive = [n for n in nodes if n["state"] == "ALIVE"]
    dead = [n for n in nodes if n["state"] == "DEAD"]
    print("======== Autoscaler status: %s ========" % time.strftime("%Y-%m-%d %H:%M:%S"))
    print("Node status\n" + "-" * 63 + "\nActive:")
    for n in alive:
        print(" 1 node_%s" % n["node_id"])
    print("Pending:\n (no pending nodes)\nRecent failures:")
    for n in dead:
        print(" node_%s (%s): %s" % (n["node_id"], n["node_ip"], n["state_message"]))
    if not dead:
        print(" (no failures)")
    print("\nResources\n" + "-" * 63 + "\nUsage:")
    totals = {}
    for n in alive:
        for k, v in n["resources_total"].items():
            if not k.startswith("node:"):
                totals[k] = totals.get(k, 0) + v
    for k in sorted(totals):
        print(" 0.0/%s %s" % (totals[k], k))
    print("\nDemands:\n (no resource demands)")


def kuberay_autoscaler(argv):
    """`ray kuberay-autoscaler` (scripts.py:2405-2416): both options required; the head address is guessed."""
    try:
        opts = cli.parse(argv, {"cluster-name": cli.STR, "cluster-namespace": cli.STR})
        for name in ("cluster-name", "cluster-namespace"):
            if name not in opts:
                raise cli.UsageError("Missing option '--%s'." % name)
    except cli.UsageError as e:
        cli.click_fail("kuberay-autoscaler", e)
    autoscaler.run(opts["cluster-name"], opts["cluster-namespace"], route_source("8.8.8.8"))


def demand(argv):
    """Test hook, not a Ray command: queue resource demand in the head's GCS as tasks that cannot run yet.
    Usage: standin-demand add ID '{"CPU": 1}' [COUNT] | finish ID | list."""
    host, port = gcs_address({})
    if argv[:1] == ["add"] and len(argv) in (3, 4):
        msg = {"op": "demand_add", "task_id": argv[1], "resources": json.loads(argv[2]),
               "count": int(argv[3]) if len(argv) == 4 else 1}
    elif argv[:1] == ["finish"] and len(argv) == 2:
        msg = {"op": "demand_finish", "task_id": argv[1]}
    elif argv == ["list"]:
        msg = {"op": "demand_list"}
    else:
        print(demand.__doc__, file=sys.stderr)
        sys.exit(2)
    reply = call(host, port, msg, 5)
    print(json.dumps(reply))
    sys.exit(0 if reply.get("ok") else 1)


def detached_actor(argv):
    """Test hook, not a Ray command: what a driver's Actor.options(name=..., lifetime="detached") leaves
    in the GCS. Usage: standin-detached-actor NAME [CLASS]."""
    host, port = gcs_address({})
    name, cls = argv[0], argv[1] if len(argv) > 1 else "ServeController"
    print(json.dumps(call(host, port, {"op": "create_detached_actor", "name": name, "class_name": cls}, 5)))


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print("Usage: ray [OPTIONS] COMMAND [ARGS]...\n\nCommands:\n  health-check\n  job\n  start\n  status\n  stop")
        return
    if argv[0] == "--version":
        print("ray, version %s" % VERSION)
        return
    commands = {"start": start, "health-check": health_check, "status": status, "kuberay-autoscaler": kuberay_autoscaler,
                "job": jobcli.main,
                "stop": lambda _: os.system("pkill -TERM -f 'ray start' >/dev/null 2>&1")}
    command = commands.get(argv[0])
    if command is None:
        print("Usage: ray [OPTIONS] COMMAND [ARGS]...\nTry 'ray --help' for help.\n\nError: No such command '%s'."
              % argv[0], file=sys.stderr)
        sys.exit(2)
    command(argv[1:])
