package io.swarmray.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.swarmray.render.Labels;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator keeps no state of its own: SIGKILL it at random points while it creates, scales,
 * updates and deletes clusters, or while Ray's autoscaler scales one, restart it, and it must converge with no
 * duplicate or orphan object and without restarting a healthy cluster. Runs the packaged operator as a process
 * ({@link CrashingOperator}); OperatorCrashServeJobIT does the same to RayServices and RayJobs.
 */
class OperatorCrashIT {
    static final int KILLS = 32;
    @RegisterExtension
    final CrashingOperator operator = new CrashingOperator();

    private static String spec(String name, int replicas, String image) {
        return SwarmFixture.cluster(name, image, Map.of("w", replicas));
    }

    private Map<String, String> taskIds(String cluster) {
        return operator.docker.listTasksCmd().withLabelFilter(Map.of(Labels.CLUSTER, cluster)).exec().stream()
                .filter(t -> t.getDesiredState() != null && t.getDesiredState().getValue().equals("running"))
                .collect(Collectors.toMap(t -> t.getServiceId() + "/" + t.getSlot(), t -> t.getId(), (a, b) -> a, TreeMap::new));
    }

    @Test
    void sigkillAtRandomPointsLeavesNoDuplicateNoOrphanAndNoRestartOfHealthyClusters() throws Exception {
        operator.writeSpec("crashstable.yaml", spec("crashstable", 1, SwarmFixture.IMAGE));
        SwarmFixture.await("crashstable ready", SwarmFixture.READY_TIMEOUT, () -> CrashingOperator.state("crashstable"), "ready"::equals);
        var stableVersions = operator.owned().stream().filter(s -> s.getSpec().getName().startsWith("crashstable"))
                .collect(Collectors.toMap(s -> s.getSpec().getName(), s -> s.getVersion().getIndex()));
        var stableTasks = taskIds("crashstable");

        // The intended end state, updated by every operation.
        Map<String, String> declared = new HashMap<>();
        List<String> log = new ArrayList<>(List.of("seed " + operator.seed));
        String[] names = {"crasha", "crashb", "crashc"};
        for (int i = 0; i < KILLS; i++) {
            String name = names[operator.random.nextInt(names.length)];
            String op;
            if (!declared.containsKey(name)) {
                op = "create";
                declared.put(name, spec(name, 1, SwarmFixture.IMAGE));
            } else {
                switch (operator.random.nextInt(3)) {
                    case 0 -> {
                        op = "scale";
                        declared.put(name, spec(name, 1 + operator.random.nextInt(2), SwarmFixture.IMAGE));
                    }
                    case 1 -> {
                        op = "update";
                        declared.put(name, spec(name, 1, operator.random.nextBoolean() ? SwarmFixture.IMAGE : SwarmFixture.IMAGE + "2"));
                    }
                    default -> {
                        op = "delete";
                        declared.remove(name);
                    }
                }
            }
            if (declared.containsKey(name)) {
                operator.writeSpec(name + ".yaml", declared.get(name));
            } else {
                Files.deleteIfExists(CrashingOperator.SPECS.resolve(name + ".yaml"));
            }
            int delay = operator.random.nextInt(1500);
            log.add(op + " " + name + " +" + delay + "ms");
            Thread.sleep(delay);
            operator.restart();
            Thread.sleep(operator.random.nextInt(1500)); // sometimes killed again while starting up
        }

        // Converge: every declared cluster ready, nothing else left.
        for (String name : declared.keySet()) {
            SwarmFixture.await(name + " ready after " + log, SwarmFixture.READY_TIMEOUT, () -> CrashingOperator.state(name),
                    "ready"::equals);
        }
        Set<String> expected = new TreeSet<>();
        for (String name : declared.keySet()) {
            expected.add(name + "-head");
            expected.add(name + "-worker-w");
        }
        expected.add("crashstable-head");
        expected.add("crashstable-worker-w");
        SwarmFixture.await("only declared services after " + log, Duration.ofSeconds(60),
                () -> operator.owned().stream().map(s -> s.getSpec().getName()).collect(Collectors.toCollection(TreeSet::new)),
                expected::equals);
        List<String> services = operator.owned().stream().map(s -> s.getSpec().getName()).toList();
        assertEquals(services.size(), new TreeSet<>(services).size(), "no duplicate: " + services);
        Set<String> expectedNetworks = new TreeSet<>();
        declared.keySet().forEach(n -> expectedNetworks.add(n + "-net"));
        expectedNetworks.add("crashstable-net");
        SwarmFixture.await("only declared networks", Duration.ofSeconds(60), () -> operator.docker.listNetworksCmd().exec().stream()
                .map(n -> n.getName()).filter(n -> n.startsWith("crash")).collect(Collectors.toCollection(TreeSet::new)),
                expectedNetworks::equals);
        var stableAfter = operator.owned().stream().filter(s -> s.getSpec().getName().startsWith("crashstable"))
                .collect(Collectors.toMap(s -> s.getSpec().getName(), s -> s.getVersion().getIndex()));
        assertEquals(stableVersions, stableAfter, "the healthy cluster's services were never updated");
        assertEquals(stableTasks, taskIds("crashstable"), "the healthy cluster's tasks were never restarted");

        // Tear down through the operator itself.
        operator.deleteSpecs();
        SwarmFixture.await("all removed", Duration.ofSeconds(90), operator::owned, List::isEmpty);
    }

    /** The worker group's replicas in the spec file, as the autoscaler's patches leave them. */
    private static int fileReplicas(String file) {
        try {
            Matcher m = Pattern.compile("replicas: (\\d+)\\n\\s+minReplicas")
                    .matcher(Files.readString(CrashingOperator.SPECS.resolve(file)));
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void sigkillWhileTheAutoscalerScalesEndsWithExactlyTheWorkersAsked() throws Exception {
        String name = "crashas";
        operator.writeSpec(name + ".yaml", AutoscalingSwarmTest.cluster(name, 4, "Default"));
        SwarmFixture.await(name + " ready", SwarmFixture.READY_TIMEOUT, () -> CrashingOperator.state(name), "ready"::equals);
        String head = AutoscalingSwarmTest.headContainer(name);
        AutoscalingSwarmTest.demand(head, "add", "job", "{\"CPU\": 1}", "3");
        // killed as soon as the autoscaler's patch is in the file: the replica services are being made
        SwarmFixture.await("the autoscaler's replicas 3", AutoscalingSwarmTest.SCALE_TIMEOUT, () -> fileReplicas(name + ".yaml"),
                n -> n == 3);
        operator.restart();
        Thread.sleep(operator.random.nextInt(2000));
        operator.restart();
        Set<String> three = new TreeSet<>(Set.of(name + "-head", name + "-worker-cpu-0", name + "-worker-cpu-1", name + "-worker-cpu-2"));
        SwarmFixture.await("exactly three replica services", AutoscalingSwarmTest.SCALE_TIMEOUT, () -> operator.ownedNames(name),
                three::equals);
        SwarmFixture.await("three workers ALIVE", AutoscalingSwarmTest.SCALE_TIMEOUT, () -> CrashingOperator.state(name), "ready"::equals);

        // killed as soon as the autoscaler named idle workers: the services it named still go (their label is in Swarm)
        for (int i = 0; i < 3; i++) {
            AutoscalingSwarmTest.demand(head, "finish", "job-" + i);
        }
        SwarmFixture.await("the autoscaler's first removal", AutoscalingSwarmTest.SCALE_TIMEOUT, () -> fileReplicas(name + ".yaml"),
                n -> n < 3);
        operator.restart();
        SwarmFixture.await("back to minReplicas 0, the head alone", AutoscalingSwarmTest.SCALE_TIMEOUT, () -> operator.ownedNames(name),
                Set.of(name + "-head")::equals);
        SwarmFixture.await("replicas 0 in the file", AutoscalingSwarmTest.SCALE_TIMEOUT, () -> fileReplicas(name + ".yaml"), n -> n == 0);
        operator.deleteSpecs();
        SwarmFixture.await("all removed", Duration.ofSeconds(90), () -> operator.ownedNames(name), Set::isEmpty);
    }
}
