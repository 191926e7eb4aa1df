package io.swarmray.render;

/**
 * Swarm expands Go templates ({{.Task.ID}}, {{.Node.Hostname}}) in a service's Env, hostname and
 * mounts. A spec value is data, never a template: every "{{" is written so that the template
 * engine prints it back as "{{".
 */
public final class SwarmTemplates {
    private SwarmTemplates() {
    }

    public static String escape(String value) {
        return value.replace("{{", "{{\"{{\"}}");
    }
}
