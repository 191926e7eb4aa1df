package io.swarmray.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swarmray.spec.RayCluster.EnvVar;
import io.swarmray.spec.RayCluster.Port;
import io.swarmray.spec.RayCluster.Probe;
import io.swarmray.spec.RayCluster.Resources;
import io.swarmray.spec.RayCluster.VolumeMount;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Ray container's livenessProbe, as KubeRay users write it, read as Swarm's healthcheck. */
class ProbeReaderTest {
    /** The head container of the sample with {@code probe} (YAML lines at the container's indentation) added. */
    static String withHeadProbe(String probe) {
        String anchor = "            ports:\n              - {containerPort: 8266, hostPort: 18266, name: dashboard}\n";
        String yaml = Specs.SAMPLE.replace(anchor, anchor + probe.indent(12));
        assertTrue(yaml.contains(probe.lines().findFirst().orElseThrow()), "probe placed");
        return yaml;
    }

    static SpecFile parse(String probe) {
        return Specs.parse(withHeadProbe(probe));
    }

    static Probe headProbe(String probe) {
        SpecFile f = parse(probe);
        assertEquals(List.of(), f.allErrors());
        return f.clusters().get(0).cluster().head().template().container().liveness();
    }

    static List<String> errors(String probe) {
        return parse(probe).allErrors().stream().map(SpecIssue::toString).toList();
    }

    static List<String> warnings(String probe) {
        return parse(probe).allWarnings().stream().map(SpecIssue::toString).toList();
    }

    @Test
    void anExecProbeRunsWithoutAShellWithItsTimings() {
        Probe p = headProbe("""
                livenessProbe:
                  exec: {command: [bash, -c, "wget -T 2 -q -O- http://localhost:8266/api/gcs_healthz | grep success"]}
                  periodSeconds: 2
                  timeoutSeconds: 3
                  failureThreshold: 300
                  initialDelaySeconds: 30
                """);
        assertEquals(new Probe(List.of("CMD", "bash", "-c", "wget -T 2 -q -O- http://localhost:8266/api/gcs_healthz | grep success"), 2, 3,
                300, 30), p);
    }

    @Test
    void kubernetesDefaultsApplyWhereTheProbeIsSilent() {
        Probe p = headProbe("livenessProbe: {exec: {command: [\"true\"]}}");
        assertEquals(new Probe(List.of("CMD", "true"), 10, 1, 3, 0), p);
    }

    @Test
    void httpGetAsksLocalhostWithWgetAndANamedPortIsTheContainersPort() {
        Probe p = headProbe("livenessProbe: {httpGet: {path: /api/gcs_healthz, port: dashboard}, timeoutSeconds: 4}");
        assertEquals(List.of("CMD", "wget", "--tries=1", "-q", "-O", "/dev/null", "-T", "4", "http://localhost:8266/api/gcs_healthz"),
                p.test());
        Probe https = headProbe("livenessProbe: {httpGet: {port: 8443, scheme: HTTPS}}");
        assertEquals(
                List.of("CMD", "wget", "--tries=1", "-q", "-O", "/dev/null", "-T", "1", "--no-check-certificate",
                        "https://localhost:8443/"),
                https.test());
    }

    @Test
    void tcpSocketConnectsWithBashAndThePortAsAnArgument() {
        Probe p = headProbe("livenessProbe: {tcpSocket: {port: 6379}}");
        assertEquals(List.of("CMD", "bash", "-c", "exec 3<>\"/dev/tcp/127.0.0.1/$1\"", "swarmray-probe", "6379"), p.test());
    }

    @Test
    void withoutALivenessProbeRaysHealthUrlsStayAndOtherProbesAreSaidToBeIgnored() {
        SpecFile f = parse("readinessProbe: {httpGet: {path: /, port: 8266}}\nstartupProbe: {tcpSocket: {port: 8266}}");
        assertEquals(List.of(), f.allErrors());
        assertNull(f.clusters().get(0).cluster().head().template().container().liveness());
        List<String> w = warnings("readinessProbe: {httpGet: {path: /, port: 8266}}");
        assertTrue(
                w.contains("specs/t.yaml[0] spec.headGroupSpec.template.spec.containers[0].readinessProbe: Swarm has one healthcheck per "
                        + "task, which livenessProbe sets (else Ray's health URLs); ignored"),
                w.toString());
    }

    @Test
    void aGrpcProbeFallsBackToRaysHealthUrlsWithAWarning() {
        SpecFile f = parse("livenessProbe: {grpc: {port: 9000}}");
        assertEquals(List.of(), f.allErrors());
        assertNull(f.clusters().get(0).cluster().head().template().container().liveness());
        assertTrue(warnings("livenessProbe: {grpc: {port: 9000}}").stream()
                .anyMatch(w -> w.contains("livenessProbe.grpc: Docker's healthcheck "
                        + "has no gRPC probe")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            livenessProbe: {periodSeconds: 2}                                        | : needs one of exec, httpGet or tcpSocket
            livenessProbe: {exec: {command: [x]}, tcpSocket: {port: 1}}              | : may have only one of exec, httpGet, tcpSocket and grpc, has exec, tcpSocket
            livenessProbe: {exec: {command: [x]}, periodSeconds: 0}                  | .periodSeconds: 0 must be at least 1
            livenessProbe: {exec: {command: [x]}, successThreshold: 2}               | .successThreshold: 2 must be at most 1
            livenessProbe: {exec: {command: []}}                                     | .exec.command: needs the command to run, as a list
            livenessProbe: {exec: [x]}                                               | .exec: must be a map, got a list
            livenessProbe: {exec: {command: x}}                                      | .exec.command: must be a list, got a string
            livenessProbe: {exec: {command: [x, {a: 1}]}}                            | .exec.command[1]: must be a string, got a map
            livenessProbe: {exec: {command: [x, null]}}                              | .exec.command[1]: must be a string
            livenessProbe: {httpGet: {port: metrics}}                                | .httpGet.port: 'metrics' names none of the container's ports
            livenessProbe: {httpGet: {port: 80, path: health z}}                     | .httpGet.path: 'health z' is not an absolute URL path (printable, no spaces)
            livenessProbe: {httpGet: {port: 80, scheme: FTP}}                        | .httpGet.scheme: 'FTP' is neither HTTP nor HTTPS
            livenessProbe: {tcpSocket: {}}                                           | .tcpSocket.port: is required
            livenessProbe: yes please                                                | : must be a map, got a string
            """)
    void badProbesNameFileDocumentAndField(String probe, String error) {
        assertEquals(List.of("specs/t.yaml[0] spec.headGroupSpec.template.spec.containers[0].livenessProbe" + error), errors(probe));
    }

    /** The spec's text is hashed into RayService cluster names: a container without a probe reads as it did before. */
    @Test
    void aContainerWithoutAProbeHasTheTextItHadBeforeProbes() {
        record Container(String image, List<EnvVar> env, List<Port> ports, Resources resources, List<VolumeMount> volumeMounts,
                List<String> capabilities) {
        }
        var resources = new Resources(new TreeMap<>(), new TreeMap<>());
        var env = List.of(new EnvVar("A", "b"));
        var ports = List.of(new Port("dashboard", 8265, 0, "TCP"));
        assertEquals(new Container("img", env, ports, resources, List.of(), List.of("CAP_X")).toString(),
                new RayCluster.Container("img", env, ports, resources, List.of(), List.of("CAP_X"), null).toString());
        assertTrue(new RayCluster.Container("img", env, ports, resources, List.of(), List.of(),
                new Probe(List.of("CMD", "true"), 1, 1, 1, 0))
                .toString().endsWith(
                        ", liveness=Probe[test=[CMD, true], periodSeconds=1, timeoutSeconds=1, failureThreshold=1, initialDelaySeconds=0]]"));
    }
}
