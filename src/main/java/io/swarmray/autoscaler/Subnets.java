package io.swarmray.autoscaler;

import java.util.List;

/** IPv4 subnet membership, for finding a task's address on the cluster network among its addresses. */
final class Subnets {
    private Subnets() {
    }

    /** The first of {@code addresses} inside {@code cidr} ("10.0.1.0/24"), or null. */
    static String addressIn(List<String> addresses, String cidr) {
        if (addresses == null || cidr == null || !cidr.contains("/")) {
            return null;
        }
        String[] parts = cidr.split("/");
        Long net = ipv4(parts[0]);
        int bits = Integer.parseInt(parts[1]);
        if (net == null || bits < 0 || bits > 32) {
            return null;
        }
        long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
        for (String a : addresses) {
            Long ip = ipv4(a);
            if (ip != null && (ip & mask) == (net & mask)) {
                return a;
            }
        }
        return null;
    }

    private static Long ipv4(String text) {
        String[] octets = text.split("\\.");
        if (octets.length != 4) {
            return null;
        }
        long v = 0;
        for (String o : octets) {
            try {
                int n = Integer.parseInt(o);
                if (n < 0 || n > 255) {
                    return null;
                }
                v = (v << 8) | n;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return v;
    }
}
