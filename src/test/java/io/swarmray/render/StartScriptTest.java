package io.swarmray.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real start script under bash as uid 1000:100, rayproject/ray's user (ray-2.40-audit.md F1, F5), with a
 * fake {@code ray} on PATH that records its argv. Needs root to switch user (CI runs as root).
 */
class StartScriptTest {
    @TempDir
    Path dir;
    Path record;

    record Run(int exit, String output, List<String> argv) {
    }

    @BeforeEach
    void fakeRay() throws IOException, InterruptedException {
        assumeTrue("root".equals(System.getProperty("user.name")), "switching to uid 1000 needs root");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.writeString(bin.resolve("ray"), "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + dir.resolve("argv") + "\n");
        Files.setPosixFilePermissions(bin.resolve("ray"), PosixFilePermissions.fromString("rwxr-xr-x"));
        // the head's name resolves unless the file "unresolved" exists (Swarm's DNS has a dnsrr name once its task is
        // healthy), to the address in the file "address" when there is one
        Files.writeString(bin.resolve("getent"), "#!/bin/sh\n[ -e " + dir.resolve("unresolved") + " ] && exit 2\n"
                + "[ -e " + dir.resolve("address") + " ] && cat " + dir.resolve("address") + "\nexit 0\n");
        Files.setPosixFilePermissions(bin.resolve("getent"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        record = dir.resolve("argv");
    }

    private Run run(Map<String, String> env) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=1000", "--regid=100", "--clear-groups", "/bin/bash", "-c",
                StartScript.TEXT, "swarmray-start", "--head", "--block"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", dir.resolve("bin") + ":/usr/bin:/bin");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        List<String> argv = Files.exists(record) ? Files.readAllLines(record) : List.of();
        return new Run(p.exitValue(), out, argv);
    }

    private Path secret(String value, String mode) throws IOException {
        Path f = dir.resolve("secret-" + mode);
        Files.writeString(f, value);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    /** F1: Swarm's old 0400 root-owned secret is unreadable as uid 1000; Ray must not start with no password. */
    @Test
    void anUnreadablePasswordFileStopsTheStartNamingTheFile() throws Exception {
        Path f = secret("hunter2", "r--------");
        Run r = run(Map.of(StartScript.REDIS_PASSWORD_FILE, f.toString()));
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.output().contains("cannot read the Redis password file " + f + " (Swarm secret) as uid 1000"), r.output());
        assertEquals(List.of(), r.argv(), "ray was not started");
    }

    @Test
    void theSecretAsSwarmRayMountsItReachesRay() throws Exception {
        Path f = secret("hunter2\n", "r--r--r--");
        Run r = run(Map.of(StartScript.REDIS_PASSWORD_FILE, f.toString()));
        assertEquals(0, r.exit(), r.output());
        assertEquals(List.of("start", "--head", "--block", "--redis-password=hunter2"), r.argv());
        assertTrue(!r.output().contains("hunter2"), r.output());
    }

    @Test
    void anEmptyPasswordFileStopsTheStart() throws Exception {
        Run r = run(Map.of(StartScript.REDIS_PASSWORD_FILE, secret("", "r--r--r--").toString()));
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.output().contains("is empty"), r.output());
    }

    /** F5: a fresh Docker volume is root:root 0755; without sudo the script says what is wrong, with the path. */
    @Test
    void aRootOwnedEmptyDirIsReportedWhenItCannotBeMadeWritable() throws Exception {
        Path vol = Files.createDirectories(dir.resolve("tmp-ray"));
        Files.setPosixFilePermissions(vol, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path writable = Files.createDirectories(dir.resolve("open"));
        Files.setPosixFilePermissions(writable, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.writeString(dir.resolve("bin/sudo"), "#!/bin/sh\necho 'sudo: a password is required' >&2\nexit 1\n");
        Files.setPosixFilePermissions(dir.resolve("bin/sudo"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Run r = run(Map.of(StartScript.EMPTY_DIRS, writable + "\n" + vol));
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.output().contains("emptyDir " + vol + " is not writable by uid 1000"), r.output());
        Run ok = run(Map.of(StartScript.EMPTY_DIRS, writable.toString()));
        assertEquals(0, ok.exit(), ok.output());
    }

    /** F5 with sudo as rayproject/ray has it: the mount point becomes 0777, as Kubernetes' emptyDir is. */
    @Test
    void aRootOwnedEmptyDirIsMadeWritableWithSudo() throws Exception {
        Path vol = Files.createDirectories(dir.resolve("tmp-ray"));
        Files.setPosixFilePermissions(vol, PosixFilePermissions.fromString("rwxr-xr-x"));
        // what passwordless sudo does for this one command: the chmod, as root (this test process is root)
        Path done = dir.resolve("sudo-asked");
        Files.writeString(dir.resolve("bin/sudo"), "#!/bin/sh\nprintf '%s ' \"$@\" > " + done + "\n");
        Files.setPosixFilePermissions(dir.resolve("bin/sudo"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Run refused = run(Map.of(StartScript.EMPTY_DIRS, vol.toString()));
        assertEquals(1, refused.exit(), "a sudo that did not make it writable is not taken for success: " + refused.output());
        assertEquals("-n chmod 0777 -- " + vol, Files.readString(done).trim());
        Files.setPosixFilePermissions(vol, PosixFilePermissions.fromString("rwxrwxrwx"));
        Run ok = run(Map.of(StartScript.EMPTY_DIRS, vol.toString()));
        assertEquals(0, ok.exit(), ok.output());
    }

    /** A fake ray that logs each subcommand and runs start-N.sh for its Nth start. */
    private void scriptedStarts(String... starts) throws IOException {
        Path bin = dir.resolve("bin");
        Files.writeString(bin.resolve("ray"), "#!/bin/bash\necho \"$1\" >> " + dir.resolve("calls") + "\n[ \"$1\" = start ] || exit 0\n"
                + "n=$(grep -c '^start$' " + dir.resolve("calls") + ")\nexec bash " + dir + "/start-$n.sh\n");
        for (int i = 0; i < starts.length; i++) {
            Files.writeString(dir.resolve("start-" + (i + 1) + ".sh"), starts[i]);
        }
    }

    private List<String> calls() throws IOException {
        return Files.exists(dir.resolve("calls")) ? Files.readAllLines(dir.resolve("calls")) : List.of();
    }

    /**
     * A worker whose ray start ran a while (its head was replaced) starts again in the same container after the GCS
     * answers, as the kubelet restarts a container in its pod; one that exits sooner ends the task with its status.
     */
    @Test
    void aWorkerThatRanAWhileStartsAgainInPlaceAndAQuickExitEndsTheTask() throws Exception {
        // the script counts whole seconds ($SECONDS): 2.2 s is at least 2 of them, an instant exit at most 1
        scriptedStarts("sleep 2.2; exit 1\n", "exit 3\n");
        Run r = run(Map.of(StartScript.RESTART_IN_PLACE_AFTER, "2", StartScript.WAIT_FOR_GCS, "head:6379"));
        assertEquals(3, r.exit(), r.output());
        assertEquals(List.of("health-check", "start", "health-check", "start"), calls(), r.output());
        assertTrue(r.output().contains("swarmray: ray start exited with status 1 after "), r.output());
        assertTrue(r.output().contains("starting it again in this container"), r.output());
    }

    /**
     * The head's name gives another address while Ray runs: the head was replaced, and Ray is stopped as Docker stops
     * it (SIGTERM) and started again in the container, once, without asking the GCS first. The next run's watch starts
     * from the new address, so it stops nothing; a name that does not resolve for a while is no change either.
     */
    @Test
    void aWorkerWhoseHeadWasReplacedIsStoppedOnceAndStartsAgainInPlace() throws Exception {
        Files.writeString(dir.resolve("address"), "10.0.1.7      head\n");
        Path first = dir.resolve("first-running");
        String term = "trap 'echo TERM >> " + dir.resolve("calls") + "; exit 1' TERM\n";
        scriptedStarts(term + "touch " + first + "\nwhile :; do sleep 0.1; done\n", term + "sleep 0.8; exit 3\n");
        Process p = inBackground(Map.of(StartScript.RESTART_IN_PLACE_AFTER, "2", StartScript.WAIT_FOR_GCS, "head:6379",
                StartScript.WATCH_HEAD, "0.2"));
        awaitFile(first);
        Files.createFile(dir.resolve("unresolved")); // the old head is gone, the new one not healthy yet
        Thread.sleep(2200); // the first run has run 2 whole seconds: it is started again in place
        assertEquals(List.of("health-check", "start"), calls(), "no stop while the name does not resolve");
        Files.writeString(dir.resolve("address"), "10.0.1.9      head\n");
        Files.delete(dir.resolve("unresolved"));
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        String out = Files.readString(dir.resolve("output"));
        assertEquals(3, p.exitValue(), out);
        // no health-check before the second start: the name gives the new head once Swarm found it healthy
        assertEquals(List.of("health-check", "start", "TERM", "start"), calls(), out);
        assertTrue(out.contains("swarmray: the head's name gives 10.0.1.9 now, not 10.0.1.7, whose GCS this Ray joined"), out);
    }

    /** Without the setting (the head), ray start is exec'd: its exit ends the task, whatever it ran. */
    @Test
    void withoutTheSettingRayStartIsTheContainersLastCommand() throws Exception {
        scriptedStarts("sleep 1.5; exit 1\n", "exit 3\n");
        Run r = run(Map.of());
        assertEquals(1, r.exit(), r.output());
        assertEquals(List.of("start"), calls());
    }

    /** Docker's SIGTERM reaches ray start through the bash in front of it, and nothing starts again. */
    @Test
    void aStopSignalIsPassedToRayStartAndEndsTheLoop() throws Exception {
        Path running = dir.resolve("running");
        scriptedStarts("trap 'echo TERM >> " + dir.resolve("calls") + "; exit 1' TERM\ntouch " + running
                + "\nwhile :; do sleep 0.1; done\n", "exit 0\n");
        Process p = inBackground(Map.of(StartScript.RESTART_IN_PLACE_AFTER, "0"));
        awaitFile(running);
        p.destroy(); // SIGTERM to bash (setpriv execs it)
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        String out = Files.readString(dir.resolve("output"));
        assertEquals(1, p.exitValue(), out);
        assertEquals(List.of("start", "TERM"), calls(), out);
    }

    /**
     * Stopped while it waits for the GCS between two starts: nothing runs, so the script ends at once with the
     * status of a shell ended by SIGTERM, not after its 5 s pause and not with the status of a wait on nothing.
     */
    @Test
    void aStopSignalBetweenTwoStartsEndsTheWaitAtOnce() throws Exception {
        Path down = dir.resolve("gcs-down");
        Path bin = dir.resolve("bin");
        Files.writeString(bin.resolve("ray"), "#!/bin/bash\necho \"$1\" >> " + dir.resolve("calls") + "\n"
                + "if [ \"$1\" = start ]; then sleep 1.2; touch " + down + "; exit 1; fi\n"
                + "[ -e " + down + " ] && { echo 'no GCS at head:6379'; exit 1; }\nexit 0\n");
        Process p = inBackground(Map.of(StartScript.RESTART_IN_PLACE_AFTER, "1", StartScript.WAIT_FOR_GCS, "head:6379"));
        Path log = dir.resolve("output");
        for (int i = 0; i < 200 && !Files.readString(log).contains("waiting for the Ray head"); i++) {
            Thread.sleep(50);
        }
        long stopped = System.nanoTime();
        p.destroy();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        String out = Files.readString(log);
        assertTrue(System.nanoTime() - stopped < TimeUnit.SECONDS.toNanos(3), "ended within the 5 s pause: " + out);
        assertEquals(143, p.exitValue(), out);
        assertEquals(List.of("health-check", "start", "health-check"), calls(), out);
    }

    /**
     * A worker created with its head: while the head's name does not resolve, Ray is not asked (an attempt costs real
     * Ray an interpreter start and a 5 s connect wait), and the name resolving ends the 5 s pause at once.
     */
    @Test
    void aHeadNameThatDoesNotResolveYetIsWaitedForWithoutAskingRay() throws Exception {
        Files.createFile(dir.resolve("unresolved"));
        scriptedStarts("exit 0\n");
        Process p = inBackground(Map.of(StartScript.WAIT_FOR_GCS, "head:6379"));
        Path log = dir.resolve("output");
        for (int i = 0; i < 200 && !Files.readString(log).contains("waiting for the Ray head"); i++) {
            Thread.sleep(50);
        }
        String waiting = Files.readString(log);
        assertTrue(waiting.contains("swarmray: waiting for the Ray head at head:6379: its name does not resolve yet"), waiting);
        assertEquals(List.of(), calls(), "Ray not asked while the name does not resolve: " + waiting);
        Files.delete(dir.resolve("unresolved"));
        long resolved = System.nanoTime();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        assertEquals(List.of("health-check", "start"), calls(), out);
        assertTrue(System.nanoTime() - resolved < TimeUnit.SECONDS.toNanos(4), "asked within the 5 s pause: " + out);
    }

    /** The script as a worker's container runs it, its output in {@code output}. */
    private Process inBackground(Map<String, String> env) throws IOException {
        List<String> cmd = List.of("setpriv", "--reuid=1000", "--regid=100", "--clear-groups", "/bin/bash", "-c", StartScript.TEXT,
                "swarmray-start", "--block");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("output").toFile());
        pb.environment().clear();
        pb.environment().put("PATH", dir.resolve("bin") + ":/usr/bin:/bin");
        pb.environment().putAll(env);
        return pb.start();
    }

    private static void awaitFile(Path file) throws InterruptedException {
        for (int i = 0; i < 200 && !Files.exists(file); i++) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(file), file + " appeared");
    }
}
