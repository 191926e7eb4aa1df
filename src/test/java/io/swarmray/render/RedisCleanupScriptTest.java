package io.swarmray.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Redis cleanup job's script under bash, with the stand-in's Ray module, which checks its arguments as
 * Ray's gcs_utils.cleanup_redis_storage does. Without a password the job must still pass a string.
 */
class RedisCleanupScriptTest {
    @Test
    void withoutAPasswordRaysCleanupGetsAnEmptyStringAndGoesOnToRedis() throws Exception {
        Path standin = Path.of("deploy/ray-standin").toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-c", RedisCleanup.SCRIPT, "swarmray-gcs-cleanup").redirectErrorStream(true);
        pb.environment().put("PYTHONPATH", standin.resolve("python") + ":" + standin);
        pb.environment().put("SWARMRAY_HEAD_HOST", "gone-head.invalid");
        pb.environment().put("RAY_REDIS_ADDRESS", "redis://127.0.0.1:1");
        pb.environment().put("RAY_external_storage_namespace", "swarmray-x-0123456789ab");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), out);
        assertFalse(out.contains("must be a string"), out);
        assertTrue(out.contains("Connection refused"), "it reached the point of talking to Redis: " + out);
    }
}
