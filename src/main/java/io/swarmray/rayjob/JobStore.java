package io.swarmray.rayjob;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmray.Config;
import io.swarmray.render.SpecHash;
import io.swarmray.swarm.SwarmRecords;
import io.swarmray.swarm.SwarmRecords.Stored;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each RayJob's {@link JobRecord}, kept in a Swarm config labelled with the job's name, so its outcome outlives its
 * cluster and the operator. A change writes generation n+1 first, then removes the older ones: a crash between the
 * two leaves both, and the newest wins. The operator instance is the records' only writer, so what it read or wrote
 * last is kept in memory: a pass over a finished job reads no config.
 */
@ApplicationScoped
public class JobStore {
    /** The label naming the RayJob a record belongs to. */
    public static final String JOB_LABEL = "swarmray.io/rayjob";
    static final String GENERATION_LABEL = "swarmray.io/record-generation";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    SwarmRecords records;
    @Inject
    Config config;
    private final Map<String, JobRecord> known = new ConcurrentHashMap<>();

    /** The job's newest record, or null when it has none. */
    public JobRecord read(String job) {
        JobRecord cached = known.get(job);
        if (cached != null) {
            return cached;
        }
        Stored newest = newest(records.list(JOB_LABEL, job));
        if (newest == null) {
            return null;
        }
        JobRecord rec = decode(newest.data());
        known.put(job, rec);
        return rec;
    }

    /** Stores {@code rec} as the job's record unless it is already the newest. */
    public void write(String job, JobRecord rec) {
        List<Stored> all = records.list(JOB_LABEL, job);
        Stored newest = newest(all);
        if (newest != null && rec.equals(decode(newest.data()))) {
            known.put(job, rec);
            return;
        }
        long generation = newest == null ? 1 : generation(newest) + 1;
        records.create(configName(config.instance(), job, generation),
                Map.of(JOB_LABEL, job, GENERATION_LABEL, String.valueOf(generation)), encode(rec));
        known.put(job, rec);
        all.forEach(records::remove);
    }

    /** Forgets the job (its file is gone and its cluster with it). */
    public void remove(String job) {
        known.remove(job);
        records.list(JOB_LABEL, job).forEach(records::remove);
    }

    /** The names of the jobs that have a record. */
    public Set<String> jobs() {
        Set<String> names = new TreeSet<>();
        records.list(JOB_LABEL, null).forEach(r -> names.add(r.labels().get(JOB_LABEL)));
        return names;
    }

    /**
     * Config names are global to the swarm and at most 64 characters: the job's name (cut to 30) for people, and a
     * digest of instance and name for uniqueness.
     */
    static String configName(String instance, String job, long generation) {
        return "swarmray-rayjob-" + job.substring(0, Math.min(30, job.length())) + "-"
                + SpecHash.of(instance + "/" + job).substring(0, 8) + "-" + generation;
    }

    private static Stored newest(List<Stored> all) {
        return all.stream().max(Comparator.comparingLong(JobStore::generation)).orElse(null);
    }

    private static long generation(Stored s) {
        try {
            return Long.parseLong(Objects.requireNonNullElse(s.labels().get(GENERATION_LABEL), "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static byte[] encode(JobRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jobId", r.jobId());
        m.put("rayClusterName", r.clusterName());
        m.put("jobDeploymentStatus", r.deploymentStatus());
        m.put("jobStatus", r.jobStatus());
        m.put("reason", r.reason());
        m.put("message", r.message());
        m.put("startTime", r.startTime() == null ? null : r.startTime().toString());
        m.put("endTime", r.endTime() == null ? null : r.endTime().toString());
        m.put("succeeded", r.succeeded());
        m.put("failed", r.failed());
        try {
            return JSON.writeValueAsBytes(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JobRecord decode(byte[] data) {
        try {
            Map<String, Object> m = JSON.readValue(data, new TypeReference<Map<String, Object>>() {
            });
            return new JobRecord((String) m.get("jobId"), (String) m.get("rayClusterName"), text(m, "jobDeploymentStatus"),
                    text(m, "jobStatus"), text(m, "reason"), text(m, "message"), time(m, "startTime"), time(m, "endTime"),
                    ((Number) m.getOrDefault("succeeded", 0)).intValue(), ((Number) m.getOrDefault("failed", 0)).intValue());
        } catch (IOException | ClassCastException e) {
            throw new IllegalStateException("a stored RayJob record is not readable: " + e.getMessage());
        }
    }

    private static String text(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? "" : v.toString();
    }

    private static Instant time(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? null : Instant.parse(v.toString());
    }
}
