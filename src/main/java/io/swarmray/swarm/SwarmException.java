package io.swarmray.swarm;

/** A Docker API call failed; the message says which call and why. */
public class SwarmException extends RuntimeException {
    public SwarmException(String message, Throwable cause) {
        super(message, cause);
    }
}
