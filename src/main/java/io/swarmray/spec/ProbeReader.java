package io.swarmray.spec;

import io.swarmray.spec.RayCluster.Port;
import io.swarmray.spec.RayCluster.Probe;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The Ray container's {@code livenessProbe}, which becomes Swarm's healthcheck of the group's tasks in place of Ray's
 * health URLs: KubeRay too keeps a probe its user wrote and injects its own only where there is none. Swarm has one
 * healthcheck where Kubernetes has liveness and readiness: it replaces a task that fails it, and a task is in its
 * service's DNS name only once it passed it. So the liveness probe sets it (with its period, timeout, failure
 * threshold and initial delay), and readiness and startup probes have no meaning of their own.
 */
final class ProbeReader {
    private static final List<String> HANDLERS = List.of("exec", "httpGet", "tcpSocket", "grpc");
    private static final List<String> FIELDS = List.of("exec", "httpGet", "tcpSocket", "grpc", "periodSeconds", "timeoutSeconds",
            "failureThreshold", "successThreshold", "initialDelaySeconds", "terminationGracePeriodSeconds");
    private static final Pattern HTTP_PATH = Pattern.compile("/[\\x21-\\x7e]*");
    private static final int DAY = 86_400;

    private ProbeReader() {
    }

    /** The probe at {@code path} (the container's livenessProbe), or null when there is none or it cannot apply. */
    static Probe liveness(FieldReader r, Object v, String path, List<Port> ports) {
        Map<String, Object> p = r.map(v, path);
        if (p == null) {
            return null;
        }
        r.ignoreOthers(p, path, FIELDS, "unknown field; ignored");
        List<String> handlers = HANDLERS.stream().filter(p::containsKey).toList();
        if (handlers.size() != 1) {
            r.error(path, handlers.isEmpty()
                    ? "needs one of exec, httpGet or tcpSocket"
                    : "may have only one of exec, httpGet, tcpSocket and grpc, has " + String.join(", ", handlers));
            return null;
        }
        int period = r.integer(p.get("periodSeconds"), path + ".periodSeconds", 10, 1, DAY);
        int timeout = r.integer(p.get("timeoutSeconds"), path + ".timeoutSeconds", 1, 1, DAY);
        int failures = r.integer(p.get("failureThreshold"), path + ".failureThreshold", 3, 1, 100_000);
        int delay = r.integer(p.get("initialDelaySeconds"), path + ".initialDelaySeconds", 0, 0, DAY);
        if (p.get("successThreshold") != null) {
            r.integer(p.get("successThreshold"), path + ".successThreshold", 1, 1, 1); // Kubernetes: 1 for liveness
        }
        if (p.containsKey("terminationGracePeriodSeconds")) {
            r.warn(path + ".terminationGracePeriodSeconds", "has no meaning on Docker Swarm (a failing task is stopped with the "
                    + "service's grace period); ignored");
        }
        String handler = handlers.get(0);
        List<String> test = switch (handler) {
            case "exec" -> exec(r, p.get("exec"), path + ".exec");
            case "httpGet" -> httpGet(r, p.get("httpGet"), path + ".httpGet", ports, timeout);
            case "tcpSocket" -> tcpSocket(r, p.get("tcpSocket"), path + ".tcpSocket", ports);
            default -> {
                r.warn(path + ".grpc", "Docker's healthcheck has no gRPC probe; Ray's health URLs are checked instead");
                yield null;
            }
        };
        return test == null ? null : new Probe(test, period, timeout, failures, delay);
    }

    /** Kubernetes runs the command without a shell: Docker's CMD form does the same. */
    private static List<String> exec(FieldReader r, Object v, String path) {
        Map<String, Object> m = r.map(v, path);
        List<Object> command = m == null ? null : r.list(m.get("command"), path + ".command");
        if (command == null) {
            return null; // of another type: the reader said so
        }
        if (command.isEmpty()) {
            r.error(path + ".command", "needs the command to run, as a list");
            return null;
        }
        List<String> test = new ArrayList<>(List.of("CMD"));
        for (int i = 0; i < command.size(); i++) {
            String at = path + ".command[" + i + "]";
            String arg = r.string(command.get(i), at);
            if (arg == null) {
                if (command.get(i) == null) {
                    r.error(at, "must be a string"); // a non-string the reader has named already
                }
                return null;
            }
            if (arg.indexOf('\0') >= 0) {
                r.error(at, "contains a NUL character");
                return null;
            }
            test.add(arg);
        }
        return test;
    }

    /** wget, as KubeRay's own probes use (rayproject/ray has it, not curl); it fails on 4xx and 5xx, as Kubernetes does. */
    private static List<String> httpGet(FieldReader r, Object v, String path, List<Port> ports, int timeout) {
        Map<String, Object> m = r.map(v, path);
        if (m == null) {
            return null;
        }
        r.ignoreOthers(m, path, List.of("path", "port", "scheme", "host", "httpHeaders"), "unknown field; ignored");
        if (m.containsKey("host")) {
            r.warn(path + ".host", "the check runs inside the container and asks localhost; ignored");
        }
        if (m.containsKey("httpHeaders")) {
            r.warn(path + ".httpHeaders", "not sent by SwarmRay's check; ignored");
        }
        String urlPath = m.get("path") == null ? "/" : r.string(m.get("path"), path + ".path");
        if (urlPath != null && !HTTP_PATH.matcher(urlPath).matches()) {
            r.error(path + ".path", "'" + FieldReader.abbreviate(urlPath) + "' is not an absolute URL path (printable, no spaces)");
            return null;
        }
        String scheme = m.get("scheme") == null ? "HTTP" : r.string(m.get("scheme"), path + ".scheme");
        if (scheme != null && !scheme.equals("HTTP") && !scheme.equals("HTTPS")) {
            r.error(path + ".scheme", "'" + FieldReader.abbreviate(scheme) + "' is neither HTTP nor HTTPS");
            return null;
        }
        Integer port = port(r, m.get("port"), path + ".port", ports);
        if (urlPath == null || scheme == null || port == null) {
            return null;
        }
        List<String> test = new ArrayList<>(List.of("CMD", "wget", "--tries=1", "-q", "-O", "/dev/null", "-T", String.valueOf(timeout)));
        if (scheme.equals("HTTPS")) {
            test.add("--no-check-certificate"); // the kubelet does not verify a probe's certificate either
        }
        test.add(scheme.toLowerCase() + "://localhost:" + port + urlPath);
        return test;
    }

    private static List<String> tcpSocket(FieldReader r, Object v, String path, List<Port> ports) {
        Map<String, Object> m = r.map(v, path);
        if (m == null) {
            return null;
        }
        r.ignoreOthers(m, path, List.of("port", "host"), "unknown field; ignored");
        if (m.containsKey("host")) {
            r.warn(path + ".host", "the check runs inside the container and connects to localhost; ignored");
        }
        Integer port = port(r, m.get("port"), path + ".port", ports);
        return port == null
                ? null
                : List.of("CMD", "bash", "-c", "exec 3<>\"/dev/tcp/127.0.0.1/$1\"", "swarmray-probe", String.valueOf(port));
    }

    /** A port number, or the name of one of the container's ports. */
    private static Integer port(FieldReader r, Object v, String path, List<Port> ports) {
        if (v == null) {
            r.error(path, "is required");
            return null;
        }
        if (v instanceof String name) {
            return ports.stream().filter(p -> name.equals(p.name())).map(Port::containerPort).findFirst().orElseGet(() -> {
                r.error(path, "'" + FieldReader.abbreviate(name) + "' names none of the container's ports");
                return null;
            });
        }
        int port = r.integer(v, path, 0, 1, 65535);
        return port == 0 ? null : port;
    }
}
