"""Ray Serve as the operator meets it (ray-serve-contract.md C3, C5): the dashboard's REST API
(PUT/GET/DELETE /api/serve/applications/), the state in the GCS (lost on a head restart without fault
tolerance); the HTTP proxies are in serve_proxy.py. Applications go DEPLOYING -> RUNNING, or DEPLOY_FAILED
for an import_path whose module name starts with `missing` (the test hook for a bad import_path)."""
import hashlib
import json
import os
import threading
import time

from .net import log

DEPLOY_SECONDS = float(os.environ.get("STANDIN_SERVE_DEPLOY_SECONDS", "2"))
PROXY_LOCATIONS = ("Disabled", "HeadOnly", "EveryNode")


class ValidationError(ValueError):
    """What pydantic's repr(ValidationError) says for ServeDeploySchema (serve_rest_api_impl.py:149-196)."""

    def __init__(self, loc, msg, kind):
        super().__init__("1 validation error for ServeDeploySchema\n%s\n  %s (type=%s)"
                         % (" -> ".join(str(p) for p in loc), msg, kind))


def validate(config):
    """ServeDeploySchema's checks that a config can fail (serve/schema.py:476-545, 644-721)."""
    if not isinstance(config, dict):
        raise ValidationError(("__root__",), "ServeDeploySchema expected dict not %s" % type(config).__name__,
                              "type_error")
    apps = config.get("applications")
    if apps is None:
        raise ValidationError(("applications",), "field required", "value_error.missing")
    if not isinstance(apps, list):
        raise ValidationError(("applications",), "value is not a valid list", "type_error.list")
    if config.get("proxy_location", "EveryNode") not in PROXY_LOCATIONS:
        raise ValidationError(("proxy_location",), "value is not a valid enumeration member; permitted: %s"
                              % ", ".join("'%s'" % p for p in PROXY_LOCATIONS), "type_error.enum")
    names, prefixes = set(), set()
    for i, app in enumerate(apps):
        if not isinstance(app, dict) or not isinstance(app.get("import_path"), str):
            raise ValidationError(("applications", i, "import_path"), "field required", "value_error.missing")
        path = app["import_path"]
        if ":" not in path and "." not in path:
            raise ValidationError(("applications", i, "import_path"), "import_path '%s' must be of the form "
                                  "'module.attr' or 'module:attr'" % path, "value_error")
        name, prefix = app.get("name", "default"), app.get("route_prefix", "/")
        if prefix is not None and not str(prefix).startswith("/"):
            raise ValidationError(("applications", i, "route_prefix"), 'The route_prefix must start with a forward '
                                  'slash ("/")', "value_error")
        if name in names:
            raise ValidationError(("applications",), "Found duplicate application names: ['%s']." % name,
                                  "value_error")
        if prefix in prefixes:
            raise ValidationError(("applications",), 'Found duplicate route prefixes: ["%s"].' % prefix,
                                  "value_error")
        names.add(name)
        prefixes.add(prefix)


def module_of(import_path):
    return import_path.split(":")[0] if ":" in import_path else import_path.rsplit(".", 1)[0]


def app_version(app):
    """What the stand-in's routes report as the config version: args.version, else a digest of the app's config."""
    args = app.get("args") or {}
    if isinstance(args, dict) and "version" in args:
        return str(args["version"])
    return hashlib.sha1(json.dumps(app, sort_keys=True).encode()).hexdigest()[:8]


class ServeState:
    """Kept by the head's GCS. deploy/shutdown come from the dashboard; nodes read snapshot()."""

    def __init__(self, stored=None):
        self.lock = threading.Lock()
        self.config = None
        self.deployed = {}  # app name -> time of its last deploy
        self.serving = {}  # app name -> the config of its replicas: a failed redeploy leaves them as they were
        if stored:
            self.config, self.deployed = stored.get("config"), stored.get("deployed", {})
            self.serving = stored.get("serving", {})

    def stored(self):
        with self.lock:
            return {"config": self.config, "deployed": self.deployed, "serving": self.serving}

    def deploy(self, config):
        validate(config)
        now = time.time()
        with self.lock:
            old = {a.get("name", "default"): a for a in (self.config or {}).get("applications", [])}
            for app in config["applications"]:
                name = app.get("name", "default")
                if old.get(name) != app or name not in self.deployed:
                    self.deployed[name] = now
            names = {a.get("name", "default") for a in config["applications"]}
            self.deployed = {n: t for n, t in self.deployed.items() if n in names}
            self.serving = {n: a for n, a in self.serving.items() if n in names}
            self.config = config
        log("serve: deploy of %d applications accepted" % len(config["applications"]))

    def shutdown(self):
        with self.lock:
            self.config, self.deployed, self.serving = None, {}, {}

    def snapshot(self, nodes):
        """ServeInstanceDetails (schema.py:1045-1096) with the stand-in's placement of replicas."""
        with self.lock:
            config, deployed, serving = self.config, dict(self.deployed), self.serving
        if config is None:
            return {"deploy_mode": "MULTI_APP", "controller_info": {}, "proxies": {}, "applications": {},
                    "target_capacity": None}
        alive = sorted((n for n in nodes if n["state"] == "ALIVE"), key=lambda n: (n["is_head_node"], n["node_id"]))
        hosts = [n for n in alive if n["resources_total"].get("CPU", 0) > 0] or alive
        head = next((n for n in alive if n["is_head_node"]), None)
        http_options = dict({"host": "0.0.0.0", "port": 8000}, **(config.get("http_options") or {}))
        apps, slot, replica_nodes = {}, 0, set()
        for app in config["applications"]:
            name = app.get("name", "default")
            age = time.time() - deployed.get(name, time.time())
            failed = module_of(app["import_path"]).startswith("missing")
            status = "DEPLOY_FAILED" if failed and age >= DEPLOY_SECONDS else (
                "RUNNING" if age >= DEPLOY_SECONDS else "DEPLOYING")
            message = ""
            if status == "DEPLOY_FAILED":
                module = module_of(app["import_path"])
                message = ("Deploying app '%s' failed with exception:\nTraceback (most recent call last):\n"
                           "  File \"/home/ray/anaconda3/lib/python3.9/site-packages/ray/serve/_private/"
                           "application_state.py\", line 994, in build_serve_application\n"
                           "ModuleNotFoundError: No module named '%s'" % (name, module))
            if status == "RUNNING":
                with self.lock:
                    serving[name] = app
            replicas_of = serving.get(name)  # what the replicas run: this config once RUNNING, else the last that ran
            deployments = {}
            for dep in app.get("deployments") or [{"name": app["import_path"].replace(":", ".").rsplit(".", 1)[-1]}]:
                count = int(dep.get("num_replicas", 1)) if isinstance(dep.get("num_replicas", 1), int) else 1
                replicas = []
                if replicas_of is not None and hosts:
                    for i in range(count):
                        node = hosts[(slot + i) % len(hosts)]
                        replica_nodes.add(node["node_id"])
                        replicas.append({"replica_id": "%s#%d" % (dep["name"], i), "state": "RUNNING",
                                         "node_id": node["node_id"], "node_ip": node["node_ip"]})
                    slot += count
                deployments[dep["name"]] = {
                    "name": dep["name"], "status": "HEALTHY" if status == "RUNNING" else "UPDATING",
                    "status_trigger": "CONFIG_UPDATE_COMPLETED" if status == "RUNNING" else "CONFIG_UPDATE_STARTED",
                    "message": "", "deployment_config": dep, "target_num_replicas": count, "replicas": replicas}
            apps[name] = {"name": name, "route_prefix": app.get("route_prefix", "/"), "docs_path": None,
                          "status": status, "message": message, "last_deployed_time_s": deployed.get(name),
                          "deployed_app_config": app, "source": "declarative", "deployments": deployments,
                          "_serving": replicas_of}
        location = config.get("proxy_location", "EveryNode")
        proxy_nodes = set()
        if location != "Disabled" and head is not None:
            proxy_nodes.add(head["node_id"])
        if location == "EveryNode":
            proxy_nodes |= replica_nodes
        proxies = {n["node_id"]: {"node_id": n["node_id"], "node_ip": n["node_ip"], "status": "HEALTHY",
                                  "has_replicas": n["node_id"] in replica_nodes}
                   for n in alive if n["node_id"] in proxy_nodes}
        return {"deploy_mode": "MULTI_APP", "proxy_location": location, "http_options": http_options,
                "grpc_options": config.get("grpc_options") or {"port": 9000, "grpc_servicer_functions": []},
                "target_capacity": config.get("target_capacity"),
                "controller_info": {"node_id": head["node_id"] if head else None,
                                    "node_ip": head["node_ip"] if head else None,
                                    "actor_name": "SERVE_CONTROLLER_ACTOR"},
                "proxies": proxies, "applications": apps}


def dashboard_routes(ask):
    """ask(msg) -> the GCS's reply. Answers as serve_rest_api_impl.py:92-212 does."""

    def put(params):
        try:
            config = json.loads(params["_body"] or b"null")
        except ValueError as e:
            return 400, "ValidationError: the body is not JSON: %s" % e
        reply = ask({"op": "serve_deploy", "config": config})
        if not reply.get("ok"):
            return 400, reply.get("error", "")
        return 200, ""

    def get(_):
        try:
            details = ask({"op": "serve_details"})["details"]
        except (OSError, ValueError, KeyError) as e:
            return 503, "Failed to connect to the Serve controller: %s" % e
        for proxy in details["proxies"].values():
            proxy.pop("has_replicas", None)  # the stand-in's placement, not a field of Ray's
        for app in details["applications"].values():
            app.pop("_serving", None)
        return 200, details

    def delete(_):
        ask({"op": "serve_shutdown"})
        return 200, ""
    return {"PUT /api/serve/applications/": put, "/api/serve/applications/": get,
            "DELETE /api/serve/applications/": delete}
