"""`ray start` parsed the way Ray 2.40's click CLI parses it (python/ray/scripts/scripts.py:328-627,
plus the logging options of autoscaler/_private/cli_logger.py), with exactly its options and types.

click's rules that matter here: the token after an option that takes a value IS its value, even when
it starts with `--`; a flag given `=value` is an error; an unknown option or a stray argument is an
error; every error prints click's usage lines and exits 2.
"""
import json
import sys

FLAG, INT, FLOAT, BOOL, STR, JSON, COUNT = "flag", "int", "float", "bool", "str", "json", "count"

# Ray 2.40's `ray start` options, and nothing else.
START_OPTIONS = {
    "head": FLAG, "block": FLAG, "no-redirect-output": FLAG, "enable-object-reconstruction": FLAG,
    "no-monitor": FLAG, "ray-debugger-external": FLAG, "disable-usage-stats": FLAG, "verbose": COUNT,
    "port": INT, "object-manager-port": INT, "node-manager-port": INT, "gcs-server-port": INT,
    "min-worker-port": INT, "max-worker-port": INT, "ray-client-server-port": INT, "memory": INT,
    "object-store-memory": INT, "redis-max-memory": INT, "num-cpus": INT, "num-gpus": INT,
    "dashboard-port": INT, "dashboard-agent-listen-port": INT, "dashboard-agent-grpc-port": INT,
    "dashboard-grpc-port": INT, "runtime-env-agent-port": INT, "metrics-export-port": INT,
    "include-dashboard": BOOL,
    "log-style": ("auto", "record", "pretty"), "log-color": ("auto", "false", "true"),
    "system-config": JSON,
    "node-ip-address": STR, "address": STR, "node-name": STR, "redis-password": STR,
    "redis-shard-ports": STR, "worker-port-list": STR, "resources": STR, "dashboard-host": STR,
    "plasma-directory": STR, "autoscaling-config": STR, "plasma-store-socket-name": STR,
    "raylet-socket-name": STR, "temp-dir": STR, "storage": STR, "tracing-startup-hook": STR, "labels": STR,
}
SHORT = {"-v": "verbose"}
# click defaults that Ray's code relies on (scripts.py)
START_DEFAULTS = {"min-worker-port": 10002, "max-worker-port": 19999, "resources": "{}", "labels": "",
                  "dashboard-host": "127.0.0.1", "dashboard-port": 8265, "ray-client-server-port": 10001,
                  "dashboard-agent-listen-port": 52365, "log-style": "auto", "log-color": "auto"}

# `ray health-check` (scripts.py:2390-2450)
HEALTH_CHECK_OPTIONS = {"address": STR, "redis_password": STR, "component": STR, "skip-version-check": FLAG}

TRUE_WORDS = {"1", "true", "t", "yes", "y", "on"}
FALSE_WORDS = {"0", "false", "f", "no", "n", "off"}


class UsageError(Exception):
    pass


def click_fail(command, message):
    """click's UsageError output: usage, hint, error; exit code 2."""
    print("Usage: ray %s [OPTIONS]\nTry 'ray %s --help' for help.\n\nError: %s" % (command, command, message),
          file=sys.stderr, flush=True)
    sys.exit(2)


def convert(name, kind, value):
    if kind == INT:
        try:
            return int(value)
        except ValueError:
            raise UsageError("Invalid value for '--%s': %r is not a valid integer." % (name, value))
    if kind == FLOAT:
        try:
            return float(value)
        except ValueError:
            raise UsageError("Invalid value for '--%s': %r is not a valid float." % (name, value))
    if kind == BOOL:
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise UsageError("Invalid value for '--%s': %r is not a valid boolean." % (name, value))
    if kind == JSON:
        try:
            return json.loads(value)
        except ValueError as e:
            raise UsageError("Invalid value for '--%s': %s" % (name, e))
    if isinstance(kind, tuple):
        if value not in kind:
            raise UsageError("Invalid value for '--%s': %r is not one of %s."
                             % (name, value, ", ".join(repr(c) for c in kind)))
        return value
    return value


def parse(argv, options, args=None):
    """click's parser for long options (and -v). Returns {name: converted value}; raises UsageError.
    With a list as `args`, the command takes arguments: they are appended to it, options may stand between
    them (click's default), and every token after `--` is an argument."""
    out, i = {}, 0
    while i < len(argv):
        arg = argv[i]
        if args is not None and arg == "--":
            args.extend(argv[i + 1:])
            break
        if args is not None and (arg == "-" or not arg.startswith("-")):
            args.append(arg)
            i += 1
            continue
        if arg in SHORT and SHORT[arg] in options:
            name, eq, value = SHORT[arg], "", ""
        elif arg.startswith("--") and len(arg) > 2:
            name, eq, value = arg[2:].partition("=")
        elif arg.startswith("-") and len(arg) > 1:
            raise UsageError("No such option: %s" % arg.partition("=")[0])
        else:
            raise UsageError("Got unexpected extra argument (%s)" % arg)
        kind = options.get(name)
        if kind is None:
            raise UsageError("No such option: --%s" % name)
        if kind in (FLAG, COUNT):
            if eq:
                raise UsageError("Option '--%s' does not take a value." % name)
            out[name] = out.get(name, 0) + 1 if kind == COUNT else True
        else:
            if not eq:
                i += 1
                if i >= len(argv):
                    raise UsageError("Option '--%s' requires an argument." % name)
                value = argv[i]  # click takes the next token as the value, whatever it looks like
            out[name] = convert(name, kind, value)
        i += 1
    return out


def start_options(argv):
    try:
        opts = parse(argv, START_OPTIONS)
    except UsageError as e:
        click_fail("start", e)
    for k, v in START_DEFAULTS.items():
        opts.setdefault(k, v)
    return opts


class RayUsageError(Exception):
    """What Ray itself refuses after click parsed the options: a ValueError or cli_logger.abort, exit 1."""


def check_usage(opts):
    """scripts.py:967-982 (head-only options) and RayParams._check_usage (_private/parameter.py:380-446),
    with utils.parse_resources_json and parse_node_labels_json."""
    if not opts.get("head"):
        for name in ("port", "redis-shard-ports", "include-dashboard"):
            if name in opts:
                raise RayUsageError("`--%s` should not be specified without `--head`." % name)
    try:
        resources = json.loads(opts["resources"])
    except ValueError:
        raise RayUsageError("`%s` is not a valid JSON string. Valid example: '{\"CustomResource1\": 3, "
                            "\"CustomResource2\": 2}'" % opts["resources"])
    if not isinstance(resources, dict):
        raise RayUsageError("`%s` should be a JSON dict. Valid example: '{\"CustomResource1\": 3}'"
                            % opts["resources"])
    for key in ("CPU", "GPU"):
        if key in resources:
            raise RayUsageError("Use the --num-cpus and --num-gpus keyword instead of 'CPU' and 'GPU' in "
                                "resources dictionary")
    for key in ("memory", "object_store_memory"):
        if key in resources:
            raise RayUsageError("Use the --memory and --object-store-memory keywords instead of 'memory' and "
                                "'object_store_memory' in resources dictionary")
    for key, value in resources.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise RayUsageError("Resource quantities must be numbers: %s=%r" % (key, value))
    for name in ("ray-client-server-port", "runtime-env-agent-port"):
        port = opts.get(name)
        if port is not None and not 1024 <= port <= 65535:
            raise RayUsageError("%s must be an integer between 1024 and 65535." % name.replace("-", "_"))
    low, high = opts["min-worker-port"], opts["max-worker-port"]
    if low != 0 and not 1024 <= low <= 65535:
        raise RayUsageError("min_worker_port must be 0 or an integer between 1024 and 65535.")
    if high != 0:
        if not 1024 <= high <= 65535:
            raise RayUsageError("max_worker_port must be 0 or an integer between 1024 and 65535.")
        if high <= low:
            raise RayUsageError("max_worker_port must be higher than min_worker_port.")
    labels = {}
    if opts["labels"]:
        try:
            labels = json.loads(opts["labels"])
        except ValueError:
            raise RayUsageError("The value of the '--labels' should be a JSON dict of strings: %s" % opts["labels"])
        if not isinstance(labels, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                   for k, v in labels.items()):
            raise RayUsageError("The value of the '--labels' should be a JSON dict of strings: %s" % opts["labels"])
    return resources, labels
