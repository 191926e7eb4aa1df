#!/usr/bin/env python3
# The floor for the status API's latency: a trivial HTTP/1.1 keep-alive server in its own process that answers every
# GET with the same 1 KB of JSON in one write. bench/lib.sh's status_latency asks it in turn with the operator, so the
# two wait alike for the scheduler on a busy machine; what the operator takes beyond this is its own.
# Usage: floor-server.py PORT (0: any free port, printed on the first line of stdout)
import json
import socket
import sys
import threading

BODY = json.dumps({"status": {"state": "ready"}, "padding": "x" * 1000}).encode()
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(BODY), BODY)


def serve(conn):
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    pending = b""
    while True:
        data = conn.recv(65536)
        if not data:
            return
        pending += data
        while b"\r\n\r\n" in pending:  # a GET has no body: each header block is a request
            _, pending = pending.split(b"\r\n\r\n", 1)
            conn.sendall(ANSWER)


listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", int(sys.argv[1])))
listener.listen(16)
print(listener.getsockname()[1], flush=True)
while True:
    connection, _ = listener.accept()
    threading.Thread(target=serve, args=(connection,), daemon=True).start()
