package io.swarmray.autoscaler;

import io.swarmray.Config;
import io.swarmray.render.SpecHash;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;

/**
 * The autoscaler API's secrets: a CA and a token key, kept in {@code swarmray.autoscaler.credentials-dir} so that an
 * operator restart keeps every running head's token and CA valid (Swarm secrets and configs cannot be read back).
 * Each cluster's token is an HMAC of its name and its network's id: a cluster made again under the same name gets a
 * new one, and no token table needs storing.
 */
@ApplicationScoped
public class Credentials {
    private static final Logger LOG = Logger.getLogger(Credentials.class);
    static final String CA_KEY = "ca.key";
    static final String CA_CERT = "ca.crt";
    static final String TOKEN_KEY = "token.key";
    static final String TOKEN_SECRET_PREFIX = "swarmray-k8s-token-";

    @Inject
    Config config;

    private Certificates.Issued ca;
    private byte[] tokenKey;
    /** Tokens of the clusters reconciled since start: the API accepts only these. */
    private final Map<String, String> clusterByToken = new ConcurrentHashMap<>();

    /** Loads the CA and token key, making them on first use. */
    synchronized void load() {
        if (ca != null) {
            return;
        }
        Path dir = config.autoscaler().credentialsDir().orElse(config.specsDir().resolve(".swarmray-autoscaler"));
        try {
            Files.createDirectories(dir);
            trySetMode(dir, "rwx------");
            Path key = dir.resolve(CA_KEY);
            Path cert = dir.resolve(CA_CERT);
            Path token = dir.resolve(TOKEN_KEY);
            if (Files.exists(key) && Files.exists(cert) && Files.exists(token)) {
                ca = Certificates.parse(Files.readString(key), Files.readString(cert));
                tokenKey = HexFormat.of().parseHex(Files.readString(token).trim());
                return;
            }
            LOG.infof("making the autoscaler API's CA and token key in %s", dir);
            ca = Certificates.newCa("SwarmRay autoscaler API CA (" + config.instance() + ")");
            tokenKey = new byte[32];
            new SecureRandom().nextBytes(tokenKey);
            writePrivate(token, HexFormat.of().formatHex(tokenKey));
            writePrivate(key, ca.keyPem());
            writePrivate(cert, ca.certificatePem());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the autoscaler API's credentials in " + dir + ": " + e.getMessage(), e);
        }
    }

    Certificates.Issued ca() {
        load();
        return ca;
    }

    /** The CA certificate, as the head mounts it at ca.crt. */
    public String caPem() {
        return ca().certificatePem();
    }

    /** The Swarm config holding the CA: named by its digest, as configs are immutable. */
    public String caConfigName() {
        return AutoscalerWiring.CA_CONFIG_PREFIX + SpecHash.of(caPem()).substring(0, 12);
    }

    /** The cluster's bearer token (64 hex digits, no newline: Ray sends the file verbatim). */
    public String token(String cluster, String networkId) {
        load();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(tokenKey, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((cluster + "\n" + networkId).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Swarm secret holding a token: named by a digest of it, as secrets are immutable. */
    public static String tokenSecretName(String token) {
        return TOKEN_SECRET_PREFIX + SpecHash.of(token).substring(0, 16);
    }

    /** From now on, {@code token} reads and patches {@code cluster} (and nothing else). */
    public void accept(String cluster, String token) {
        clusterByToken.put(token, cluster);
    }

    /** A cluster torn down: its token stops working. */
    public void forget(String cluster) {
        clusterByToken.values().removeIf(cluster::equals);
    }

    /** The cluster a bearer token belongs to, or null; compared in constant time. */
    String clusterOf(String token) {
        if (token == null) {
            return null;
        }
        for (var e : clusterByToken.entrySet()) {
            if (MessageDigest.isEqual(e.getKey().getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
                return e.getValue();
            }
        }
        return null;
    }

    private static void writePrivate(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        trySetMode(tmp, "rw-------");
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void trySetMode(Path p, String mode) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: its own permissions apply
        }
    }
}
