package io.swarmray.rayjob;

import io.swarmray.render.Labels;
import io.swarmray.spec.RayCluster;
import io.swarmray.spec.RayJob;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The cluster a RayJob made for itself, as a pure function of its spec and record: whether it is wanted now, and
 * what it is. A job on a {@code clusterSelector} cluster owns none.
 */
public final class JobClusters {
    /** The letters of Kubernetes' utilrand.String, which KubeRay's names use: no vowels, no 0 1 3. */
    static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    private JobClusters() {
    }

    /**
     * The job's own cluster while it is wanted: from Initializing until the job ends, and after the end until the
     * TTL deletes it (only with shutdownAfterJobFinishes). Retrying and Suspending want it gone.
     */
    public static Map<String, RayCluster> wanted(RayJob spec, JobRecord rec, Instant now) {
        if (spec.cluster() == null || rec.clusterName() == null) {
            return Map.of();
        }
        boolean wanted = switch (rec.deploymentStatus()) {
            case JobRecord.INITIALIZING, JobRecord.WAITING, JobRecord.RUNNING -> true;
            case JobRecord.COMPLETE, JobRecord.FAILED -> !spec.shutdownAfterJobFinishes() || rec.endTime() == null
                    || now.isBefore(rec.endTime().plusSeconds(spec.ttlSecondsAfterFinished()));
            default -> false;
        };
        return wanted ? Map.of(rec.clusterName(), derive(spec, rec.clusterName())) : Map.of();
    }

    /** {@code rayClusterSpec} under the cluster's name, labelled with its owner as KubeRay labels it. */
    static RayCluster derive(RayJob spec, String name) {
        Map<String, String> labels = new TreeMap<>(spec.cluster().labels() == null ? Map.of() : spec.cluster().labels());
        labels.put(Labels.ORIGINATED_FROM_CRD, RayJob.KIND);
        labels.put(Labels.ORIGINATED_FROM_CR_NAME, spec.name());
        return spec.cluster().derived(name, labels, null);
    }

    /**
     * Five random characters, as KubeRay's {@code utilrand.String(5)}. No generator in a static field: native-image
     * would build it into the image with a fixed seed (and refuses to).
     */
    static String suffix() {
        StringBuilder b = new StringBuilder(RayJob.SUFFIX_LENGTH);
        for (int i = 0; i < RayJob.SUFFIX_LENGTH; i++) {
            b.append(ALPHABET.charAt(ThreadLocalRandom.current().nextInt(ALPHABET.length())));
        }
        return b.toString();
    }
}
