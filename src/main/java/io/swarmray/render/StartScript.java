package io.swarmray.render;

/**
 * The container's fixed start-up, run by bash with the ray start flags as "$@" (never parsed as shell
 * text), before {@code exec ray start}. Its inputs are the SWARMRAY_* variables below; spec values reach it
 * only as data.
 */
final class StartScript {
    /** The cluster network's subnet: the task's address in it becomes --node-ip-address. */
    static final String NODE_SUBNET = "SWARMRAY_NODE_SUBNET";
    /** The Swarm secret file holding the Redis password of GCS fault tolerance. */
    static final String REDIS_PASSWORD_FILE = "SWARMRAY_REDIS_PASSWORD_FILE";
    /** Workers: the head's GCS address to wait for. */
    static final String WAIT_FOR_GCS = "SWARMRAY_WAIT_FOR_GCS";
    /** emptyDir mount points, one a line, that the container's user must be able to write. */
    static final String EMPTY_DIRS = "SWARMRAY_EMPTY_DIRS";
    /** The head of an autoscaled cluster: run Ray's autoscaler beside Ray, restarted whenever it exits. */
    static final String AUTOSCALER = "SWARMRAY_AUTOSCALER";
    /**
     * Workers: after how many seconds of running an exited {@code ray start} is started again in the same
     * container (see {@link #RESTART_IN_PLACE_AFTER_SECONDS}) instead of ending the task.
     */
    static final String RESTART_IN_PLACE_AFTER = "SWARMRAY_RESTART_IN_PLACE_AFTER";
    /**
     * The kubelet restarts a Ray container that exits inside its pod (backing off when it keeps exiting:
     * CrashLoopBackOff). A worker whose head was replaced exits by itself (Ray's 5 s self-check)
     * and is back in a second this way, where a new Swarm task costs a new container and network attachment,
     * seconds each on a busy node. A {@code ray start} that ran less than this (bad flags, wrong version, a head
     * that never answered) ends the task instead, so a failing group still shows in Swarm's task history and in
     * the cluster's ReplicaFailure condition, as a crash loop does in Kubernetes.
     */
    static final int RESTART_IN_PLACE_AFTER_SECONDS = 10;
    /**
     * Workers without GCS fault tolerance: every how many seconds the head's name is looked up while Ray runs. Once
     * it gives another address than the one this Ray joined, the head was replaced: a new GCS, of another cluster, that
     * will never know this node. Ray finds that out at its next self-check, up to 5 s after the new head answers
     * ({@code raylet_liveness_self_check_interval_ms}); the script stops it (SIGTERM, as Docker's stop: Ray unregisters
     * and exits 1) as soon as the name moves, and starts it again in the container. The watch belongs to one run of
     * ray start and ends with it, before the next run starts: it can stop no Ray but the one that joined the old head.
     * Ray then starts again without the wait for the GCS: the name gives the new head only once Swarm found its task
     * healthy, and its healthcheck asks the GCS.
     */
    static final String WATCH_HEAD = "SWARMRAY_WATCH_HEAD";
    static final String WATCH_HEAD_SECONDS = "1";

    /**
     * (1) Raise the open-files limit as KubeRay does. (2) Pass this task's address on the cluster network as
     * --node-ip-address: Ray's own guess inside a Swarm task is the docker_gwbridge address that no other
     * node can reach. (3) Make emptyDir mount points writable as Kubernetes' are (0777): Docker creates a new
     * volume root-owned 0755 where the image has no such directory, and rayproject/ray runs as uid 1000 with
     * passwordless sudo. (4) Read the Redis password from its Swarm secret, so it is never in the service
     * spec, and fail naming the file rather than start Ray with an empty password. (5) On workers, wait for
     * the head's GCS as KubeRay's init container does (ray health-check, 5 s apart), saying why each attempt failed.
     * The head's name resolves only once Swarm found its task healthy (dnsrr; the head's healthcheck asks the GCS):
     * while it does not, no attempt is made (one costs real Ray an interpreter start and a 5 s connect wait), and a
     * name that starts to resolve ends the pause, so a worker created with its head joins when the head is up and
     * not up to 10 s later. (6) On an autoscaled head,
     * run KubeRay's autoscaler command beside Ray: it dials this task's own address, so it cannot be a service of
     * its own; it is restarted 5 s after it exits, as the kubelet restarts KubeRay's sidecar. (7) On workers,
     * start Ray again in the container when it exits after running a while (see {@link #RESTART_IN_PLACE_AFTER_SECONDS}),
     * waiting for the GCS first; bash stays in front of it then and passes Docker's SIGTERM on. (8) On workers without
     * GCS fault tolerance, stop Ray once the head's name gives another address (see {@link #WATCH_HEAD}).
     */
    static final String TEXT = """
            ulimit -n "${RAY_START_ULIMIT_OPEN_FILES:-65536}" 2>/dev/null || true
            if [ -n "${SWARMRAY_NODE_SUBNET:-}" ]; then
              py=$(command -v python3 || command -v python) || { echo "swarmray: no python in the image to find the node address" >&2; exit 1; }
              node_ip=$("$py" -c '
            import ipaddress, socket, sys
            net = ipaddress.ip_network(sys.argv[1], strict=False)
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.connect((str(net.network_address + 1), 9))
            ip = s.getsockname()[0]
            if ipaddress.ip_address(ip) not in net:
                sys.exit("swarmray: this task has no address in the cluster network " + sys.argv[1])
            print(ip)
            ' "$SWARMRAY_NODE_SUBNET") || exit 1
              set -- "$@" "--node-ip-address=$node_ip"
            fi
            if [ -n "${SWARMRAY_EMPTY_DIRS:-}" ]; then
              while IFS= read -r dir; do
                if [ -z "$dir" ] || [ -w "$dir" ]; then continue; fi
                if sudo -n chmod 0777 -- "$dir" 2>/dev/null && [ -w "$dir" ]; then continue; fi
                echo "swarmray: emptyDir $dir is not writable by uid $(id -u) (Docker made it root-owned) and 'sudo -n chmod' is not possible in this image; give the image a user that may write there, or passwordless sudo as rayproject/ray has" >&2
                exit 1
              done <<< "$SWARMRAY_EMPTY_DIRS"
            fi
            if [ -n "${SWARMRAY_REDIS_PASSWORD_FILE:-}" ]; then
              if ! redis_password=$(cat -- "$SWARMRAY_REDIS_PASSWORD_FILE" 2>&1); then
                echo "swarmray: cannot read the Redis password file $SWARMRAY_REDIS_PASSWORD_FILE (Swarm secret) as uid $(id -u): $redis_password" >&2
                exit 1
              fi
              if [ -z "$redis_password" ]; then
                echo "swarmray: the Redis password file $SWARMRAY_REDIS_PASSWORD_FILE (Swarm secret) is empty" >&2
                exit 1
              fi
              set -- "$@" "--redis-password=$redis_password"
              unset redis_password
            fi
            if [ -n "${SWARMRAY_RESTART_IN_PLACE_AFTER:-}" ]; then
              # bash stays in front of ray start: Docker's stop signal goes to ray start when it runs, else ends the wait
              stop() {
                if [ -n "${watcher:-}" ]; then kill "$watcher" 2>/dev/null; fi
                if [ -n "${ray_pid:-}" ]; then kill -TERM "$ray_pid" 2>/dev/null; wait "$ray_pid"; exit $?; fi
                exit "$1"
              }
              trap 'stop 143' TERM
              trap 'stop 130' INT
            fi
            head_resolves() {
              ! command -v getent >/dev/null || getent hosts "${SWARMRAY_WAIT_FOR_GCS%:*}" >/dev/null
            }
            head_address() {
              command -v getent >/dev/null && getent hosts "${SWARMRAY_WAIT_FOR_GCS%:*}" | { read -r ip _ && echo "$ip"; }
            }
            watch_head() { # $1: the address this run of Ray joined (empty: the first one seen), $2: ray start's pid
              local joined=$1 now
              while sleep "$SWARMRAY_WATCH_HEAD"; do
                now=$(head_address)
                if [ -z "$now" ]; then continue; fi
                if [ -z "$joined" ]; then joined=$now; continue; fi
                if [ "$now" != "$joined" ]; then
                  echo "swarmray: the head's name gives $now now, not $joined, whose GCS this Ray joined: the head was replaced; stopping this Ray to join the new one" >&2
                  kill -TERM "$2" 2>/dev/null
                  return 10
                fi
              done
            }
            gcs_answers() {
              if ! head_resolves; then
                why="its name does not resolve yet (Swarm gives it once the head's task is healthy)"
                return 1
              fi
              why=$(ray health-check --address "$SWARMRAY_WAIT_FOR_GCS" 2>&1)
            }
            wait_for_gcs() {
              if [ -n "${SWARMRAY_WAIT_FOR_GCS:-}" ]; then
                until gcs_answers; do
                  echo "swarmray: waiting for the Ray head at $SWARMRAY_WAIT_FOR_GCS: ${why##*$'\\n'}"
                  resolved=0; head_resolves && resolved=1
                  for _ in 1 2 3 4 5; do
                    sleep 1 & wait $!
                    if [ "$resolved" = 0 ] && head_resolves; then break; fi
                  done
                done
              fi
            }
            wait_for_gcs
            if [ -n "${SWARMRAY_AUTOSCALER:-}" ]; then
              (
                while :; do
                  ray kuberay-autoscaler --cluster-name "$RAY_CLUSTER_NAME" --cluster-namespace "$RAY_CLUSTER_NAMESPACE"
                  echo "swarmray: the autoscaler exited with status $?; restarting it in 5 s" >&2
                  sleep 5
                done
              ) &
            fi
            if [ -n "${SWARMRAY_RESTART_IN_PLACE_AFTER:-}" ]; then
              while :; do
                began=$SECONDS
                ray start "$@" &
                ray_pid=$!
                watcher=
                if [ -n "${SWARMRAY_WATCH_HEAD:-}" ]; then
                  watch_head "$(head_address)" "$ray_pid" &
                  watcher=$!
                fi
                wait "$ray_pid"
                status=$?
                replaced=0
                if [ -n "$watcher" ]; then
                  kill "$watcher" 2>/dev/null
                  wait "$watcher" 2>/dev/null
                  if [ $? = 10 ]; then replaced=1; fi # it stopped Ray (10), or was ended with this run
                fi
                ray_pid= watcher=
                ran=$((SECONDS - began))
                if [ "$ran" -lt "$SWARMRAY_RESTART_IN_PLACE_AFTER" ]; then
                  exit "$status"
                fi
                echo "swarmray: ray start exited with status $status after $ran s; starting it again in this container, as the kubelet restarts a Ray container in its pod" >&2
                # the name moved to a head Swarm found healthy (its check asks the GCS): no need to ask again, which
                # costs real Ray an interpreter start and its imports (as the kubelet runs no init container again)
                if [ "$replaced" = 0 ]; then wait_for_gcs; fi
              done
            fi
            exec ray start "$@"
            """;

    private StartScript() {
    }
}
