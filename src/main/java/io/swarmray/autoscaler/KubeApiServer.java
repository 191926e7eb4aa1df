package io.swarmray.autoscaler;

import io.quarkus.runtime.ShutdownEvent;
import io.swarmray.Config;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The HTTPS listener of {@link KubeApi}, on {@code swarmray.autoscaler.api-port}, with a server certificate for
 * {@link #API_HOST} signed by the operator's CA (made at each start; the CA stays). TLS only: Ray's provider refuses
 * plain HTTP, and the token must not cross a network in clear.
 * <p>
 * It listens from the first pass over a cluster with Ray's autoscaler, before that cluster's head is made or checked:
 * an operator without one pays nothing for it. TLS is a sixth of the start-up's CPU (0.35 of 2.1 s) and 14 MB, and a
 * restarted operator with many running clusters starts on a machine their healthchecks keep busy.
 */
@ApplicationScoped
public class KubeApiServer {
    private static final Logger LOG = Logger.getLogger(KubeApiServer.class);
    /** The API's name in a head task: the operator's alias on the cluster network, or an /etc/hosts entry. */
    public static final String API_HOST = "swarmray-k8s";
    /** Bodies are a few hundred bytes of JSON Patch. */
    static final int MAX_BODY = 64 * 1024;

    @Inject
    Vertx vertx;
    @Inject
    KubeApi api;
    @Inject
    Credentials credentials;
    @Inject
    Config config;

    private HttpServer server;
    /** Made once: a retry while the port is still taken (an operator stopping beside) uses it again. */
    private Certificates.Issued cert;
    private boolean failing;

    /**
     * Listens unless it does already. A failure is logged once until it listens, and tried again at the next call (a
     * port still held by an operator that is stopping frees soon).
     */
    synchronized void ensureListening() {
        if (server != null) {
            return;
        }
        int port = config.autoscaler().apiPort();
        try {
            if (cert == null) {
                cert = Certificates.newServer(credentials.ca(), API_HOST);
            }
        } catch (RuntimeException failed) {
            // Clusters without autoscaling must not suffer from it: the operator runs on without the API.
            failedOnce("the autoscaler API has no certificate: " + failed.getMessage(), failed);
            return;
        }
        var options = new HttpServerOptions().setSsl(true).setPort(port).setHost("0.0.0.0")
                .setKeyCertOptions(new PemKeyCertOptions().addKeyValue(Buffer.buffer(cert.keyPem()))
                        .addCertValue(Buffer.buffer(cert.certificatePem() + credentials.caPem())))
                .setIdleTimeout((int) Duration.ofMinutes(5).toSeconds());
        HttpServer created = vertx.createHttpServer(options).requestHandler(this::serve);
        try {
            created.listen().toCompletionStage().toCompletableFuture().join();
        } catch (RuntimeException bindFailed) {
            // as above: autoscalers fail their calls (and their logs say so); nothing else is affected
            failedOnce("the autoscaler API cannot listen on port " + port + ": " + bindFailed.getMessage(), null);
            return;
        }
        server = created;
        failing = false;
        LOG.infof("autoscaler API (Kubernetes subset) listening on https://0.0.0.0:%d as %s", server.actualPort(), API_HOST);
    }

    private void failedOnce(String message, Throwable cause) {
        if (!failing) {
            LOG.error(message, cause);
            failing = true;
        }
    }

    void onStop(@Observes ShutdownEvent e) {
        if (server != null) {
            server.close();
        }
    }

    private void serve(HttpServerRequest req) {
        String method = req.method().name();
        String path = req.path();
        String query = req.query();
        String auth = req.getHeader("Authorization");
        String type = req.getHeader("Content-Type");
        if (tooLarge(req.getHeader("Content-Length"))) {
            // refused before a byte of it is read
            reply(req, KubeApi.status(413, "RequestEntityTooLarge", "the body is larger than " + MAX_BODY + " bytes"));
            return;
        }
        req.body().onSuccess(body -> {
            if (body.length() > MAX_BODY) {
                reply(req, KubeApi.status(413, "RequestEntityTooLarge", "the body is larger than " + MAX_BODY + " bytes"));
                return;
            }
            vertx.<KubeApi.Answer>executeBlocking(() -> api.handle(method, path, query, auth, type, body.getBytes()), false)
                    .onSuccess(answer -> reply(req, answer))
                    .onFailure(err -> {
                        LOG.warnf(err, "autoscaler API: %s %s failed", method, path);
                        reply(req, KubeApi.status(500, "InternalError", String.valueOf(err.getMessage())));
                    });
        }).onFailure(err -> req.response().setStatusCode(400).end());
    }

    private static boolean tooLarge(String contentLength) {
        try {
            return contentLength != null && Long.parseLong(contentLength.trim()) > MAX_BODY;
        } catch (NumberFormatException e) {
            return false; // the HTTP server refuses a malformed length itself
        }
    }

    private static void reply(HttpServerRequest req, KubeApi.Answer answer) {
        req.response().setStatusCode(answer.status()).putHeader("Content-Type", "application/json")
                .end(Buffer.buffer(KubeApi.json(answer.body())));
    }
}
