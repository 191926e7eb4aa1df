"""Ray Serve's HTTP proxy on a node (serve/_private/proxy.py), as the operator and its endpoint meet it
(ray-serve-contract.md C5): on http_options.port, on the head once Serve runs, on a worker only while it holds a
replica; /-/healthz and /-/routes answer 503 with Ray's texts until then, or while the node drains."""
import http.server
import json
import os
import threading
import time

from .net import log
from .serve import app_version


class Proxy:
    """One node's Serve HTTP proxy (serve/_private/proxy.py); details() is the latest snapshot."""

    def __init__(self, node, details):
        self.node, self.details = node, details
        self.port = None

    def holds_replica(self, d):
        return self.node.node_id in d.get("proxies", {}) and d["proxies"][self.node.node_id]["has_replicas"]

    def routes(self, d):
        return {a["route_prefix"]: n for n, a in d.get("applications", {}).items()
                if a.get("_serving") is not None and a["route_prefix"]}

    def not_ready(self, d):
        """The 503 text of /-/healthz and /-/routes, or None (proxy.py:311-345, 798-840)."""
        if os.path.exists(os.path.join(self.node.temp_dir, "standin-serve-draining")):
            return "This node is being drained."
        if not self.routes(d):
            return "Route table is not populated yet."
        if not self.node.head and not self.holds_replica(d):
            return "No replicas are available yet."
        return None

    def start(self, port):
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def send(self, code, body, ctype="text/plain; charset=utf-8"):
                data = body.encode()
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def stream(self, body):
                """Server-sent events, chunked, as a token stream of an LLM app would be."""
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for i in range(5):
                    chunk = ("data: %s token=%d\n\n" % (body, i)).encode()
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.flush()
                    time.sleep(0.2)
                self.wfile.write(b"0\r\n\r\n")

            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                d = proxy.details()
                path = self.path.partition("?")[0]
                if path in ("/-/healthz", "/-/routes"):
                    problem = proxy.not_ready(d)
                    if problem:
                        return self.send(503, problem)
                    if path == "/-/healthz":
                        return self.send(200, "success")
                    return self.send(200, json.dumps(proxy.routes(d), separators=(",", ":")), "application/json")
                routes = proxy.routes(d)
                match = max((p for p in routes if path == p or path.startswith(p.rstrip("/") + "/")), key=len,
                            default=None)
                if match is None:
                    return self.send(404, "Path '%s' not found. Ping http://.../-/routes for available routes." % path)
                name = routes[match]
                app = d["applications"][name]
                body = json.dumps({"app": name, "version": app_version(app["_serving"]),
                                   "cluster": os.environ.get("RAY_CLUSTER_NAME", ""),
                                   "node": proxy.node.node_id[:8]}, sort_keys=True)
                if path.endswith("/stream"):
                    return self.stream(body)
                self.send(200, body, "application/json")

            do_GET = do_POST = do_PUT = do_DELETE = handle_any

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("0.0.0.0", port), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.port = port
        log("serve proxy listening on :%d" % port)


def run_proxy(node, stop):
    """Polls the GCS for Serve's state and runs this node's proxy once Serve places one here."""
    latest = {"d": {}}
    proxy = Proxy(node, lambda: latest["d"])
    while not stop.wait(0.5):
        try:
            latest["d"] = node.gcs_call({"op": "serve_details"}, 2)["details"]
        except (OSError, ValueError, KeyError):
            continue
        d = latest["d"]
        if proxy.port is None and node.node_id in d.get("proxies", {}):
            try:
                proxy.start(int(d["http_options"]["port"]))
            except OSError as e:
                log("cannot start the serve proxy: %s" % e)
