package io.swarmray.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A command run in a container through the Docker API: create, start with output attached, and the exit code. */
final class ContainerExec {
    private ContainerExec() {
    }

    /** Its standard output; a non-zero exit or a timeout is an IllegalStateException (see {@link SwarmClient#exec}). */
    static String run(DockerClient docker, String containerId, List<String> command, Duration timeout, Predicate<String> complete) {
        var created = docker.execCreateCmd(containerId).withCmd(command.toArray(String[]::new))
                .withAttachStdout(true).withAttachStderr(true).exec();
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        try (var cb = docker.execStartCmd(created.getId())
                .exec(new ResultCallback.Adapter<Frame>() {
                    @Override
                    public void onNext(Frame f) {
                        (f.getStreamType() == StreamType.STDERR ? err : out).writeBytes(f.getPayload());
                    }
                })) {
            if (!cb.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("no answer within " + timeout.toSeconds() + " s");
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        String answer = out.toString(StandardCharsets.UTF_8);
        if (err.size() == 0 && complete.test(answer)) {
            return answer;
        }
        Long code = docker.inspectExecCmd(created.getId()).exec().getExitCodeLong();
        if (code == null || code != 0) {
            throw new IllegalStateException("exit code " + code + ": " + err.toString(StandardCharsets.UTF_8).trim());
        }
        return answer;
    }
}
