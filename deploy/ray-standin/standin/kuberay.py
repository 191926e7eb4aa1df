"""Ray 2.40's KubeRay node provider and config producer, replayed: the requests `ray kuberay-autoscaler` makes
(autoscaler/_private/kuberay/node_provider.py, autoscaling_config.py; ray-autoscaler-contract.md A2), with the
same environment, file paths, URLs, TLS verification and the same errors on missing fields."""
import json
import math
import os
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal

from .net import log

TOKEN_PATH = "/var/run/secrets/kubernetes.io/serviceaccount/token"
CA_PATH = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"
HEAD_GROUP = "headgroup"  # autoscaling_config.py:33
SUFFIXES = {"m": Decimal("0.001"), "k": Decimal(1000), "M": Decimal(1000) ** 2, "G": Decimal(1000) ** 3,
            "T": Decimal(1000) ** 4, "Ki": Decimal(1024), "Mi": Decimal(1024) ** 2, "Gi": Decimal(1024) ** 3,
            "Ti": Decimal(1024) ** 4}


class HTTPError(Exception):
    """requests' raise_for_status: anything but 200 (the provider accepts nothing else)."""


class InvalidHeader(ValueError):
    pass


def kubernetes_host():
    # node_provider.py:52-56: the HTTPS port variable, never KUBERNETES_SERVICE_PORT
    return "%s:%s" % (os.getenv("KUBERNETES_SERVICE_HOST", "https://kubernetes.default"),
                      os.getenv("KUBERNETES_SERVICE_PORT_HTTPS", "443"))


def url_from_resource(namespace, path):
    """node_provider.py:188-222: TLS is mandatory; pods under /api/v1, rayclusters under /apis/ray.io/<ver>."""
    host = kubernetes_host()
    if host.startswith("http://"):
        raise ValueError("Kubernetes host must be accessed over HTTPS.")
    if not host.startswith("https://"):
        host = "https://" + host
    if path.startswith("pods"):
        group = "/api/v1"
    elif path.startswith("rayclusters"):
        group = "/apis/ray.io/" + os.getenv("KUBERAY_CRD_VER", "v1alpha1")
    else:
        raise NotImplementedError("Tried to access unknown entity at {}".format(path))
    return host + group + "/namespaces/" + namespace + "/" + path


def round_up_quantity(quantity):
    """A Kubernetes quantity rounded up to an integer (autoscaling_config.py's _round_up_k8s_quantity)."""
    text = str(quantity)
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if text.endswith(suffix):
            return int(math.ceil(Decimal(text[:-len(suffix)]) * SUFFIXES[suffix]))
    return int(math.ceil(Decimal(text)))


def group_resources(group, group_name):
    """_get_ray_resources_from_group_spec (autoscaling_config.py:238-307): CPU from num-cpus, else the CPU limit
    (requests are not read in 2.40), else ValueError; GPU, memory and custom resources likewise."""
    params = group["rayStartParams"]
    limits = group["template"]["spec"]["containers"][0].get("resources", {}).get("limits", {})
    if "num-cpus" in params:
        cpus = int(params["num-cpus"])
    elif "cpu" in limits:
        cpus = round_up_quantity(limits["cpu"])
    else:
        raise ValueError("Autoscaler failed to detect `CPU` resources for group %s.\nSet the `--num-cpus` "
                         "rayStartParam and/or the CPU resource limit for the Ray container." % group_name)
    out = {"CPU": cpus}
    gpus = int(params["num-gpus"]) if "num-gpus" in params else next(
        (round_up_quantity(v) for k, v in limits.items() if k.endswith("gpu")), None)
    if gpus is not None:
        out["GPU"] = gpus
    memory = int(params["memory"]) if "memory" in params else (
        round_up_quantity(limits["memory"]) if "memory" in limits else None)
    if memory is not None:
        out["memory"] = memory
    if "resources" in params:
        # the value is bash-quoted in the CR: strip the outer quotes and backslashes, then JSON (:409-442)
        custom = json.loads(params["resources"][1:-1].replace("\\", ""))
        for name, value in custom.items():
            if not isinstance(value, int):
                raise ValueError("Custom resource %s of group %s must be an integer, got %r" % (name, group_name, value))
        out.update(custom)
    return out


def autoscaling_config(cr):
    """_derive_autoscaling_config_from_ray_cr (autoscaling_config.py:96-171)."""
    spec = cr["spec"]
    options = spec.get("autoscalerOptions", {})
    types = {HEAD_GROUP: {"min_workers": 0, "max_workers": 0, "node_config": {},
                          "resources": group_resources(spec["headGroupSpec"], HEAD_GROUP)}}
    for group in spec.get("workerGroupSpecs", []):
        name = group["groupName"]
        types[name] = {"min_workers": group["minReplicas"], "max_workers": group["maxReplicas"], "node_config": {},
                       "resources": group_resources(group, name)}
        if "idleTimeoutSeconds" in group:
            types[name]["idle_timeout_s"] = group["idleTimeoutSeconds"]
    return {"cluster_name": cr["metadata"]["name"], "head_node_type": HEAD_GROUP, "available_node_types": types,
            "max_workers": sum(g["maxReplicas"] for g in spec.get("workerGroupSpecs", [])),
            "idle_timeout_minutes": options.get("idleTimeoutSeconds", 60) / 60,
            "upscaling_speed": 1 if options.get("upscalingMode") == "Conservative" else 1000,
            "provider": {"type": "kuberay", "namespace": cr["metadata"]["namespace"], "disable_node_updaters": True,
                         "disable_launch_config_check": True, "foreground_node_launch": True,
                         "worker_liveness_check": False, "worker_rpc_drain": True}}


def status_tag(pod):
    """node_provider.py:87-150: the first container's state; a missing or empty list is pending."""
    statuses = pod["status"].get("containerStatuses")
    if not statuses:
        return "pending"
    state = statuses[0]["state"]
    for key, tag in (("pending", "pending"), ("running", "up-to-date"), ("waiting", "waiting"),
                     ("terminated", "update-failed")):
        if key in state:
            return tag
    raise ValueError("Unexpected container state.")


class KubeRayProvider:
    def __init__(self, cluster_name, namespace):
        self.cluster_name = cluster_name
        self.namespace = namespace
        with open(TOKEN_PATH) as f:  # read once, verbatim (load_k8s_secrets, :169-185)
            token = f.read()
        if token != token.strip() or "\n" in token or "\r" in token:
            raise InvalidHeader("Invalid leading whitespace, reserved character(s), or return character(s) in header "
                                "value: %r" % ("Bearer " + token))
        self.headers = {"Authorization": "Bearer " + token}
        self.tls = ssl.create_default_context(cafile=CA_PATH)
        self.raycluster = None
        self.nodes = {}

    def request(self, method, path, body=None, timeout=None):
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-type"] = "application/json-patch+json"
        req = urllib.request.Request(url_from_resource(self.namespace, path), data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=timeout, context=self.tls) as resp:
                code, text = resp.status, resp.read()
        except urllib.error.HTTPError as e:
            code, text = e.code, e.read()
        if code != 200:
            raise HTTPError("%d for url %s: %s" % (code, req.full_url, text[:300].decode(errors="replace")))
        return json.loads(text)

    def get(self, path):
        return self.request("GET", path, timeout=float(os.getenv("KUBERAY_REQUEST_TIMEOUT_S", 60)))

    def patch(self, path, payload):
        return self.request("PATCH", path, body=payload)  # no timeout (:314-327)

    def get_cr_with_retries(self):
        """autoscaling_config.py:51-93: five tries, 5 s apart, on an HTTP error."""
        for attempt in range(5):
            try:
                return self.get("rayclusters/" + self.cluster_name)
            except HTTPError as e:
                if attempt == 4:
                    raise
                log("Failed to fetch RayCluster CR from K8s (%s); retrying in 5 s" % e)
                time.sleep(5)

    def node_data(self):
        """get_node_data (:358-399): the CR again, then the cluster's pods."""
        self.raycluster = self.get("rayclusters/" + self.cluster_name)
        version = None
        head_pod = os.getenv("RAY_HEAD_POD_NAME")
        if head_pod:
            version = self.get("pods/" + head_pod)["metadata"]["resourceVersion"]
        path = "pods?labelSelector=" + urllib.parse.quote("ray.io/cluster=" + self.cluster_name, safe="/")
        if version:
            path += "&resourceVersion=%s&resourceVersionMatch=NotOlderThan" % version
        pods = self.get(path)
        pods["metadata"]["resourceVersion"]  # read unconditionally: KeyError when absent
        nodes = {}
        for pod in pods["items"]:
            if "deletionTimestamp" in pod["metadata"]:
                continue
            labels = pod["metadata"]["labels"]
            nodes[pod["metadata"]["name"]] = {
                "kind": "head" if labels["ray.io/node-type"] == "head" else "worker", "type": labels["ray.io/group"],
                "ip": pod["status"].get("podIP", "IP not yet assigned"), "status": status_tag(pod)}
        self.nodes = nodes
        return nodes

    def safe_to_scale(self):
        """node_provider.py:419-469: wait while a named worker is still listed; then clear the lists."""
        groups = self.raycluster["spec"].get("workerGroupSpecs", [])
        to_clear = []
        for index, group in enumerate(groups):
            names = group.get("scaleStrategy", {}).get("workersToDelete", [])
            if names:
                to_clear.append(index)
            for name in names:
                if name in self.nodes:
                    log("Waiting for operator to remove worker %s." % name)
                    return False
        if to_clear:
            log("Cleaning up workers to delete.")
            self.patch("rayclusters/" + self.cluster_name,
                       [delete_patch(i, []) for i in to_clear])
        return True

    def submit_scale_request(self, desired, to_delete):
        """_scale_request_to_patch_payload (:481-521): replicas only where they change, capped at maxReplicas;
        then each group's workersToDelete."""
        groups = self.raycluster["spec"]["workerGroupSpecs"]
        index = {g["groupName"]: i for i, g in enumerate(groups)}
        payload = []
        for node_type, target in desired.items():
            i = index[node_type]
            if target > groups[i]["maxReplicas"]:
                log("Autoscaler attempted to create more than maxReplicas pods of type %s." % node_type)
                target = groups[i]["maxReplicas"]
            if target == groups[i].get("replicas", 1):
                continue
            payload.append({"op": "replace", "path": "/spec/workerGroupSpecs/%d/replicas" % i, "value": target})
        by_group = {}
        for name in sorted(to_delete):
            by_group.setdefault(self.nodes[name]["type"], []).append(name)
        for node_type, names in by_group.items():
            payload.append(delete_patch(index[node_type], names))
        log("Autoscaler is submitting the following patch to RayCluster %s: %s" % (self.cluster_name, json.dumps(payload)))
        self.patch("rayclusters/" + self.cluster_name, payload)
        return payload


def delete_patch(group_index, names):
    # the whole scaleStrategy object is replaced, not .../workersToDelete
    return {"op": "replace", "path": "/spec/workerGroupSpecs/%d/scaleStrategy" % group_index,
            "value": {"workersToDelete": names}}
