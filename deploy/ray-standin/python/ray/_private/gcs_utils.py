"""ray._private.gcs_utils.cleanup_redis_storage, as KubeRay's Redis cleanup job calls it: deletes every key of
one GCS storage namespace (Ray's prefix RAY<namespace>@) and returns True when that worked."""
import sys

sys.path.insert(0, "/usr/local/lib/ray-standin")
from standin.net import Redis  # noqa: E402


def cleanup_redis_storage(host, port, password, use_ssl, storage_namespace):
    # Ray's own argument checks (python/ray/_private/gcs_utils.py)
    if not isinstance(host, str):
        raise ValueError("Host must be a string")
    if not isinstance(password, str):
        raise ValueError("Password must be a string")
    if port < 0:
        raise ValueError("Invalid port: %s" % port)
    if not isinstance(use_ssl, bool):
        raise TypeError("use_ssl must be a boolean")
    if not isinstance(storage_namespace, str):
        raise ValueError("storage namespace must be a string")
    if use_ssl:
        raise ValueError("rediss:// (TLS) is not implemented by the stand-in")
    if not storage_namespace:
        raise ValueError("storage_namespace must not be empty")
    redis = Redis("%s:%d" % (host, port), password or None)
    cursor, deleted = b"0", 0
    while True:
        cursor, keys = redis.cmd("SCAN", cursor.decode(), "MATCH", "RAY%s@*" % storage_namespace, "COUNT", 1000)
        if keys:
            deleted += int(redis.cmd("DEL", *[k.decode() for k in keys]))
        if cursor == b"0":
            break
    print("deleted %d keys of namespace %s" % (deleted, storage_namespace), file=sys.stderr)
    return True

