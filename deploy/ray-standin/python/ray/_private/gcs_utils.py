"""ray._private.gcs_utils.cleanup_redis_storage, as KubeRay's Redis cleanup job calls it: deletes every key of
one GCS storage namespace (Ray's prefix RAY<namespace>@) and returns True when that worked."""
import sys

sys.path.insert(0, "/usr/local/lib/ray-standin")
from standin.net import Redis  # noqa: E402


def cleanup_redis_storage(host, port, password, use_ssl, storage_namespace):
    if use_ssl:
        raise ValueError("rediss:// (TLS) is not implemented by the stand-in")
    if not storage_namespace:
        raise ValueError("storage_namespace must not be empty")
    redis = Redis("%s:%d" % (host, port), password)
    cursor, deleted = b"0", 0
    while True:
        cursor, keys = redis.cmd("SCAN", cursor.decode(), "MATCH", "RAY%s@*" % storage_namespace, "COUNT", 1000)
        if keys:
            deleted += int(redis.cmd("DEL", *[k.decode() for k in keys]))
        if cursor == b"0":
            break
    print("deleted %d keys of namespace %s" % (deleted, storage_namespace), file=sys.stderr)
    return True

