package io.swarmray;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import io.swarmray.render.ImageRewrites;

/**
 * The operator's settings (application.properties, or environment variables such as
 * SWARMRAY_SPECS_DIR). Every key is documented in the README.
 */
@ConfigMapping(prefix = "swarmray")
public interface Config {

    /** The watched directory of RayCluster spec files. */
    @WithDefault("specs")
    Path specsDir();

    /** Where status files go; default: {@code .status} inside the specs directory (the watcher ignores it). */
    @WithName("status-dir")
    Optional<Path> statusDirSetting();

    /** How often every cluster is reconciled even without events. */
    @WithDefault("30s")
    Duration resyncInterval();

    /** How soon a cluster that is not yet where its spec wants it is looked at again. */
    @WithDefault("2s")
    Duration convergingInterval();

    /** This operator's name on the swarm; it manages only objects labelled with it. */
    @WithDefault("default")
    String instance();

    /**
     * A file holding the bearer token of the write API (e.g. a Swarm secret: /run/secrets/swarmray-api-token).
     * Without it the write endpoints are off; read endpoints and health stay open.
     */
    @WithName("api-token-file")
    Optional<Path> apiTokenFile();

    /** Largest spec file read, in bytes. */
    @WithDefault("1048576")
    int maxSpecBytes();

    /** Image rewrite rules FROM=TO (see ImageRewrites), comma-separated. */
    @WithName("image-rewrites")
    Optional<List<String>> imageRewriteRules();

    default ImageRewrites images() {
        return imageRewriteRules().map(ImageRewrites::parse).orElse(ImageRewrites.NONE);
    }

    default Path statusDir() {
        return statusDirSetting().orElse(specsDir().resolve(".status"));
    }
}
