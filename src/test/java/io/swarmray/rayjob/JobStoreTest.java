package io.swarmray.rayjob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.swarmray.Config;
import io.swarmray.swarm.SwarmException;
import io.swarmray.swarm.SwarmRecords;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The job records in Swarm configs, and what the store keeps in memory so that idle passes read nothing. */
class JobStoreTest {
    /** Swarm's configs in memory; counts the listings. */
    static final class MemoryRecords extends SwarmRecords {
        final List<Stored> configs = new ArrayList<>();
        int lists;
        boolean createFails;

        @Override
        public List<Stored> list(String key, String value) {
            lists++;
            return configs.stream().filter(c -> value == null ? c.labels().containsKey(key) : value.equals(c.labels().get(key))).toList();
        }

        @Override
        public void create(String name, Map<String, String> labels, byte[] data) {
            if (createFails) {
                throw new SwarmException("POST /configs/create: 500", null);
            }
            configs.add(new Stored("id-" + name, name, labels, data));
        }

        @Override
        public void remove(Stored record) {
            configs.remove(record);
        }
    }

    private final MemoryRecords records = new MemoryRecords();
    private final JobStore store = store(records);

    private static JobStore store(SwarmRecords records) {
        JobStore s = new JobStore();
        s.records = records;
        s.config = (Config) Proxy.newProxyInstance(Config.class.getClassLoader(), new Class<?>[]{Config.class},
                (proxy, method, args) -> method.getName().equals("instance") ? "test" : null);
        return s;
    }

    @Test
    void aRecordReadOrWrittenOnceIsNotListedAgainUntilTheJobIsForgotten() {
        JobRecord done = JobPartsTest.rec(JobRecord.COMPLETE, JobPartsTest.T0.plusSeconds(30));
        store.write("job", JobRecord.fresh());
        store.write("job", done);
        assertEquals(1, records.configs.size(), "the older generation removed");
        records.lists = 0;
        for (int i = 0; i < 5; i++) {
            assertEquals(done, store.read("job"));
        }
        assertEquals(0, records.lists, "what this store wrote is what it reads");
        // a restarted operator reads the record from Swarm once
        JobStore restarted = store(records);
        assertEquals(done, restarted.read("job"));
        assertEquals(done, restarted.read("job"));
        assertEquals(1, records.lists);
        restarted.remove("job");
        assertNull(restarted.read("job"));
        assertEquals(List.of(), records.configs);
    }

    @Test
    void aWriteThatFailedIsNotTakenForOne() {
        store.write("job", JobRecord.fresh());
        records.createFails = true;
        assertThrows(SwarmException.class, () -> store.write("job", JobPartsTest.rec(JobRecord.RUNNING, null)));
        assertEquals(JobRecord.fresh(), store.read("job"), "the stored record, not the one that failed");
    }
}
