package io.swarmray.spec;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes resource quantities ("500m", "2", "1.5", "4Gi", "512M", "1e9"), parsed exactly as
 * BigDecimal so that a manifest means the same number here as under KubeRay.
 */
public final class Quantity {
    private static final Pattern FORM = Pattern
            .compile("^([+-]?[0-9]+(?:\\.[0-9]*)?|[+-]?\\.[0-9]+)(?:([eE][+-]?[0-9]+)|(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei))?$");
    private static final Map<String, BigDecimal> SUFFIX = Map.ofEntries(
            Map.entry("m", new BigDecimal("0.001")),
            Map.entry("k", BigDecimal.TEN.pow(3)), Map.entry("M", BigDecimal.TEN.pow(6)),
            Map.entry("G", BigDecimal.TEN.pow(9)), Map.entry("T", BigDecimal.TEN.pow(12)),
            Map.entry("P", BigDecimal.TEN.pow(15)), Map.entry("E", BigDecimal.TEN.pow(18)),
            Map.entry("Ki", BigDecimal.valueOf(2).pow(10)), Map.entry("Mi", BigDecimal.valueOf(2).pow(20)),
            Map.entry("Gi", BigDecimal.valueOf(2).pow(30)), Map.entry("Ti", BigDecimal.valueOf(2).pow(40)),
            Map.entry("Pi", BigDecimal.valueOf(2).pow(50)), Map.entry("Ei", BigDecimal.valueOf(2).pow(60)));
    /** Larger than any real machine's CPU count or memory; keeps every derived long exact. */
    private static final BigDecimal MAX = BigDecimal.valueOf(2).pow(62);

    private Quantity() {
    }

    /** Parses a quantity; throws IllegalArgumentException with a user-facing reason. */
    public static BigDecimal parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (text.length() > 64 || !m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a quantity (examples: 2, 500m, 4Gi, 512M)");
        }
        BigDecimal value = new BigDecimal(m.group(1));
        if (m.group(2) != null) {
            int exp = Integer.parseInt(m.group(2).substring(1));
            if (Math.abs(exp) > 30) {
                throw new IllegalArgumentException("'" + text + "' is out of range");
            }
            value = value.scaleByPowerOfTen(exp);
        } else if (m.group(3) != null) {
            value = value.multiply(SUFFIX.get(m.group(3)));
        }
        if (value.signum() < 0) {
            throw new IllegalArgumentException("'" + text + "' is negative");
        }
        if (value.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("'" + text + "' is out of range");
        }
        return value;
    }

    /** Whole units rounded up, as Kubernetes' Quantity.Value() does (KubeRay uses it for --num-cpus). */
    public static long ceil(BigDecimal q) {
        return q.setScale(0, RoundingMode.CEILING).longValueExact();
    }

    public static long nanos(BigDecimal cpus) {
        return cpus.movePointRight(9).setScale(0, RoundingMode.CEILING).longValueExact();
    }
}
