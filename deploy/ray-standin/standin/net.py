"""Transport of the stand-in: a newline-delimited JSON protocol in place of Ray's gRPC, a tiny HTTP
server for the dashboard and agent, and a RESP client for GCS fault tolerance."""
import http.server
import json
import socket
import socketserver
import threading
import time


def log(msg):
    print("[ray-standin %s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


def split_address(address, default_port=6379):
    host, _, port = address.rpartition(":")
    if not host:
        return address, default_port
    return host, int(port)


def call(host, port, msg, timeout):
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.settimeout(timeout)
        s.sendall((json.dumps(msg) + "\n").encode())
        buf = b""
        while not buf.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                raise OSError("connection closed")
            buf += chunk
        return json.loads(buf)


class LineServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, host, port, handle):
        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                for line in self.rfile:
                    try:
                        reply = handle(json.loads(line))
                    except Exception as e:  # a bad request must not kill the server
                        reply = {"ok": False, "error": str(e)}
                    self.wfile.write((json.dumps(reply) + "\n").encode())
        super().__init__((host, port), Handler)


def serve(server):
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def http_server(host, port, routes, dynamic=None):
    """routes: path (GET) or "METHOD path" -> fn(query dict) -> (code, body); a str body is text, anything
    else JSON. Other methods find the request body in params["_body"]. dynamic(method, path, params) answers
    paths with parameters in them, or returns None."""
    class Handler(http.server.BaseHTTPRequestHandler):
        # Ray's dashboard (aiohttp) keeps connections open. An HTTP/1.0 server closes each one after its answer, and a
        # client that pooled it could send the next request into the closing socket (EOF, no answer).
        protocol_version = "HTTP/1.1"

        def answer(self, method):
            path, _, query = self.path.partition("?")
            params = dict(p.partition("=")[::2] for p in query.split("&") if p)
            if method != "GET":
                params["_body"] = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            route = routes.get(path if method == "GET" else method + " " + path)
            answer = dynamic(method, path, params) if route is None and dynamic is not None else None
            if answer is not None:
                code, body = answer
            elif route is None:
                code, body = (404, "404: Not Found") if path in routes or method == "GET" else (405, "405: Method Not Allowed")
            else:
                code, body = route(params)
            ctype = "text/plain" if isinstance(body, str) else "application/json"
            data = (body if isinstance(body, str) else json.dumps(body)).encode()
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            self.answer("GET")

        def do_PUT(self):
            self.answer("PUT")

        def do_DELETE(self):
            self.answer("DELETE")

        def do_POST(self):
            self.answer("POST")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return serve(server)


def redis_endpoint(address):
    """RAY_REDIS_ADDRESS as Ray takes it: host:port or redis://host:port; rediss:// is TLS."""
    if address.startswith("rediss://"):
        raise OSError("rediss:// (TLS) is not implemented by the stand-in")
    if address.startswith("redis://"):
        address = address[len("redis://"):]
    return split_address(address, 6379)


class Redis:
    def __init__(self, address, password):
        self.host, self.port = redis_endpoint(address)
        self.password = password

    @staticmethod
    def _read(f):
        line = f.readline()
        if not line:
            raise OSError("redis closed the connection")
        kind, rest = line[:1], line[1:].rstrip(b"\r\n")
        if kind == b"-":
            raise OSError("redis: " + rest.decode())
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else f.read(n + 2)[:-2]
        if kind == b"*":
            return [Redis._read(f) for _ in range(int(rest))]
        return rest

    def cmd(self, *args):
        with socket.create_connection((self.host, self.port), timeout=3) as s:
            f = s.makefile("rb")
            calls = ([("AUTH", self.password)] if self.password else []) + [args]
            for call_args in calls:
                parts = [str(a).encode() for a in call_args]
                s.sendall(b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts))
                reply = self._read(f)
            return reply
