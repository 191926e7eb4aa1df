package io.swarmray.head;

import io.swarmray.spec.FieldReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Many heads' dashboards asked over the gateway bridge in one exec, in a container on the engine's host network (the
 * stack's {@code bridge} service; {@link BridgeContainer}): the client of {@link HeadProbe#EXEC_CLIENT}, one per head,
 * all at once, each with the same deadline. What each came to is printed on a line of its own, the answer in base64,
 * and the output ends with {@link #END}, so that it shows by itself that all of it arrived.
 */
final class BridgeBatch {
    static final String END = "@end";

    private BridgeBatch() {
    }

    /** A dashboard to ask: its address on the bridge, its port, and the path with its query. */
    record Target(String address, int port, String path) {
    }

    enum State {
        /** Connected: the answer is what came before the server closed or the deadline (it may be cut). */
        CONNECTED,
        /** Nothing listens there (the dashboard not up yet, or on localhost only). */
        REFUSED,
        /** No connection within the deadline, or no route: the address may be a dead container's. */
        UNREACHABLE,
        /** The client did not get to connect before the deadline (a starved container): nothing is known. */
        LATE
    }

    /** What came of one target. */
    record Outcome(State state, String answer) {
    }

    /**
     * Arguments: seconds each target may take, then address, port and path of each. The answers are in files of a
     * temporary directory until all are in, so that they are printed whole, one after the other.
     */
    static final String CLIENT = String.join("\n",
            "wait=$1; shift",
            "dir=$(mktemp -d) || exit 1",
            "trap 'rm -rf \"$dir\"' EXIT",
            "one=': > \"$4.trying\"; exec 3<>\"/dev/tcp/$1/$2\" || exit 1",
            ": > \"$4.connected\"",
            "printf \"GET %s HTTP/1.0\\r\\nHost: %s:%s\\r\\n\\r\\n\" \"$3\" \"$1\" \"$2\" >&3",
            "exec cat <&3 > \"$4.answer\"'",
            "n=0",
            "while [ $# -ge 3 ]; do",
            "  LC_ALL=C timeout \"$wait\" bash -c \"$one\" swarmray-bridge \"$1\" \"$2\" \"$3\" \"$dir/$n\" 2> \"$dir/$n.err\" &",
            "  shift 3; n=$((n + 1))",
            "done",
            "wait",
            "i=0",
            "while [ $i -lt $n ]; do",
            "  if [ -e \"$dir/$i.connected\" ]; then state=connected",
            "  elif grep -q refused \"$dir/$i.err\"; then state=refused",
            "  elif [ -e \"$dir/$i.trying\" ]; then state=unreachable",
            "  else state=late; fi",
            "  printf '%s %s ' \"$i\" \"$state\"",
            "  [ ! -e \"$dir/$i.answer\" ] || base64 -w 0 < \"$dir/$i.answer\"",
            "  echo",
            "  i=$((i + 1))",
            "done",
            "echo " + END);

    /** The command that asks {@code targets}, each within {@code wait} (whole seconds, at least one). */
    static List<String> command(List<Target> targets, Duration wait) {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", CLIENT, "swarmray-bridge", String.valueOf(Math.max(1, wait.toSeconds()))));
        for (Target t : targets) {
            cmd.add(t.address());
            cmd.add(String.valueOf(t.port()));
            cmd.add(t.path());
        }
        return cmd;
    }

    /** Whether {@code out} is all the client prints. */
    static boolean complete(String out) {
        return out.endsWith(END + "\n");
    }

    /** The outcomes of the {@code count} targets, in order; IllegalStateException when {@code out} is not the client's. */
    static List<Outcome> parse(String out, int count) {
        if (!complete(out)) {
            throw new IllegalStateException("the bridge client's output ends early: " + FieldReader.abbreviate(out));
        }
        List<String> lines = out.lines().toList();
        if (lines.size() != count + 1) {
            throw new IllegalStateException("the bridge client answered " + (lines.size() - 1) + " of " + count + " targets");
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String[] fields = lines.get(i).split(" ", 3);
            if (fields.length < 2 || !fields[0].equals(String.valueOf(i))) {
                throw new IllegalStateException("not a line of the bridge client: " + FieldReader.abbreviate(lines.get(i)));
            }
            State state = switch (fields[1]) {
                case "connected" -> State.CONNECTED;
                case "refused" -> State.REFUSED;
                case "unreachable" -> State.UNREACHABLE;
                case "late" -> State.LATE;
                default -> throw new IllegalStateException("not a state of the bridge client: " + fields[1]);
            };
            String encoded = fields.length == 3 ? fields[2].trim() : "";
            outcomes.add(new Outcome(state, new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8)));
        }
        return outcomes;
    }
}
