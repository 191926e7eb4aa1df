package io.swarmray.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Duration;

/** The Docker client, configured as the Docker CLI is: DOCKER_HOST, else the local Unix socket. */
public class DockerClientProducer {

    @Produces
    @Singleton
    DockerClientConfig config() {
        return DefaultDockerClientConfig.createDefaultConfigBuilder().build();
    }

    /** The raw transport, for the few calls whose answers docker-java's model lacks (task addresses). */
    @Produces
    @Singleton
    DockerHttpClient http(DockerClientConfig config) {
        return new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(16)
                .connectionTimeout(Duration.ofSeconds(5))
                // no call the loop makes should take longer; a hung engine must not hang the loop.
                // The event stream is long-lived but sends data continuously only when things happen:
                // it is reopened when this timeout closes it (see SwarmObserver).
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    @Produces
    @Singleton
    DockerClient dockerClient(DockerClientConfig config, DockerHttpClient http) {
        return DockerClientImpl.getInstance(config, http);
    }

    void close(@Disposes DockerClient client) throws IOException {
        client.close();
    }
}
