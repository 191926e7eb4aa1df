#!/usr/bin/env python3
"""Counts the HTTP requests a client makes to the Docker API: a Unix-socket proxy in front of the engine's socket.

    docker-proxy.py LISTEN_SOCKET COUNTS_FILE [ENGINE_SOCKET]

Every request line the client sends ("GET /v1.41/services?... HTTP/1.1") is counted, several per connection when it
keeps the connection open. COUNTS_FILE is rewritten every second as "reads N", "writes N" and "execs N" lines: an
exec (create, start, inspect) is counted apart from writes, since it changes nothing on the swarm. Then one line per
kind of request, "GET /services N", the path without its API version, query and ids: where the requests go.
"""
import os
import re
import socket
import sys
import threading
import time

LISTEN, COUNTS = sys.argv[1], sys.argv[2]
ENGINE = sys.argv[3] if len(sys.argv) > 3 else "/var/run/docker.sock"
REQUEST = re.compile(rb"(?:^|\r\n)(GET|HEAD|POST|PUT|DELETE) (\S+) HTTP/1\.[01]\r\n")
counts = {"reads": 0, "writes": 0, "execs": 0}
by_path = {}
ID = re.compile(rb"/[0-9a-f]{12,}|/[0-9a-z]{25}(?=/|$)")
lock = threading.Lock()


def kind(method, path):
    if b"/exec" in path:
        return "execs"
    return "reads" if method in (b"GET", b"HEAD") else "writes"


def pump(src, dst, count):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if count:
                # a request line never spans two reads in practice: clients write the head in one piece
                for m in REQUEST.finditer(data):
                    path = ID.sub(b"/{id}", re.sub(rb"^/v[0-9.]+", b"", m.group(2).split(b"?")[0]))
                    key = (m.group(1) + b" " + path).decode("latin-1")
                    with lock:
                        counts[kind(m.group(1), m.group(2))] += 1
                        by_path[key] = by_path.get(key, 0) + 1
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(client):
    engine = socket.socket(socket.AF_UNIX)
    engine.connect(ENGINE)
    threading.Thread(target=pump, args=(engine, client, False), daemon=True).start()
    pump(client, engine, True)


def report():
    while True:
        with lock:
            text = "".join("%s %d\n" % kv for kv in counts.items())
            text += "".join("%s %d\n" % kv for kv in sorted(by_path.items()))
        with open(COUNTS + ".tmp", "w") as f:
            f.write(text)
        os.replace(COUNTS + ".tmp", COUNTS)
        time.sleep(1)


if os.path.exists(LISTEN):
    os.unlink(LISTEN)
server = socket.socket(socket.AF_UNIX)
server.bind(LISTEN)
server.listen(64)
threading.Thread(target=report, daemon=True).start()
while True:
    conn, _ = server.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
