package io.swarmray.reconcile;

import io.swarmray.Config;
import io.swarmray.spec.SpecDirectory;
import io.swarmray.spec.SpecParser;
import io.swarmray.spec.SpecRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The spec side's plain objects, as beans: one registry, one parser, one watched directory. */
public class SpecSources {

    @Produces
    @Singleton
    SpecRegistry registry() {
        return new SpecRegistry();
    }

    @Produces
    @Singleton
    SpecParser parser(Config config) {
        return new SpecParser(config.maxSpecBytes(), config.specPolicy());
    }

    @Produces
    @Singleton
    SpecDirectory directory(Config config, SpecParser parser, SpecRegistry registry) {
        return new SpecDirectory(config.specsDir(), parser, registry);
    }
}
