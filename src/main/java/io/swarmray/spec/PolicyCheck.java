package io.swarmray.spec;

import io.swarmray.spec.RayCluster.GroupSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The policy rules that need more than one field: privileges, host namespaces, per-cluster ceilings. */
final class PolicyCheck {
    private static final Pattern CAPABILITY = Pattern.compile("[A-Za-z_]{1,64}");

    private PolicyCheck() {
    }

    /** Host namespaces: Swarm services cannot have them, and a spec that asks must not pass silently. */
    static void pod(FieldReader r, Map<String, Object> spec, String path) {
        for (String k : List.of("hostNetwork", "hostPID", "hostIPC")) {
            if (Boolean.TRUE.equals(spec.get(k))) {
                r.error(path + "." + k, "is not allowed by policy: Ray services never share the host's namespaces");
            }
        }
        privileges(r, spec.get("securityContext"), path + ".securityContext");
    }

    /**
     * The container's privileges; returns the capabilities it adds (Docker's names, CAP_ prefixed) when the
     * policy allows every one of them (KubeRay's py-spy sample adds SYS_PTRACE).
     */
    static List<String> container(FieldReader r, Policy policy, Map<String, Object> c, String path) {
        privileges(r, c.get("securityContext"), path + ".securityContext");
        if (!(c.get("securityContext") instanceof Map<?, ?> sc) || !(sc.get("capabilities") instanceof Map<?, ?> caps)
                || caps.get("add") == null) {
            return List.of();
        }
        String p = path + ".securityContext.capabilities.add";
        if (!(caps.get("add") instanceof List<?> add)
                || !add.stream().allMatch(a -> a instanceof String s && CAPABILITY.matcher(s).matches())) {
            r.error(p, "must be a list of capability names (like SYS_PTRACE)");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Object a : add) {
            String name = Policy.capability((String) a);
            if (policy.capabilityAllowed(name)) {
                out.add("CAP_" + name);
            } else {
                r.error(p, name + " is not allowed by policy: Ray services get no added capabilities but those in "
                        + "swarmray.policy.allowed-capabilities (" + (policy.capabilities().isEmpty() ? "none" : policy.capabilities())
                        + ")");
            }
        }
        return out.stream().distinct().sorted().toList();
    }

    private static void privileges(FieldReader r, Object v, String path) {
        if (!(v instanceof Map<?, ?> sc)) {
            return;
        }
        if (Boolean.TRUE.equals(sc.get("privileged"))) {
            r.error(path + ".privileged", "is not allowed by policy: Ray services never run privileged");
        }
        if (Boolean.TRUE.equals(sc.get("allowPrivilegeEscalation"))) {
            r.error(path + ".allowPrivilegeEscalation", "is not allowed by policy");
        }
    }

    /** Per-cluster ceilings on CPU and memory: limits (else requests) times replicas, head included. */
    static void ceilings(FieldReader r, Policy policy, GroupSpec head, List<GroupSpec> workers) {
        List<GroupSpec> all = new ArrayList<>(workers);
        all.add(0, head);
        check(r, all, "cpu", policy.maxCpus(), "swarmray.policy.max-cpus-per-cluster");
        check(r, all, "memory", policy.maxMemory(), "swarmray.policy.max-memory-per-cluster");
    }

    private static void check(FieldReader r, List<GroupSpec> groups, String resource, BigDecimal max, String key) {
        if (max == null) {
            return;
        }
        BigDecimal total = BigDecimal.ZERO;
        for (GroupSpec g : groups) {
            var res = g.template().container().resources();
            BigDecimal each = res.limits().getOrDefault(resource, res.requests().getOrDefault(resource, BigDecimal.ZERO));
            total = total.add(each.multiply(BigDecimal.valueOf(g.effectiveReplicas())));
        }
        if (total.compareTo(max) > 0) {
            r.error("spec", "the cluster asks for " + amount(total, resource) + " " + resource
                    + " in all, more than the policy allows (" + amount(max, resource) + ", " + key + ")");
        }
    }

    /** Memory as people write it (48Gi, 512Mi) when it is a whole number of those; else as is. */
    private static String amount(BigDecimal q, String resource) {
        if (resource.equals("memory")) {
            for (var unit : List.of(Map.entry("Gi", 1L << 30), Map.entry("Mi", 1L << 20))) {
                BigDecimal[] qr = q.divideAndRemainder(BigDecimal.valueOf(unit.getValue()));
                if (qr[1].signum() == 0 && qr[0].signum() > 0) {
                    return qr[0].toPlainString() + unit.getKey();
                }
            }
        }
        return q.stripTrailingZeros().toPlainString();
    }
}
