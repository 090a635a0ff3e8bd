package dev.agentguard.ship.verify;

/** The topics could not be read at all (unreachable cluster, missing topic); not an integrity finding. */
public class VerificationException extends Exception {
    private static final long serialVersionUID = 1L;

    public VerificationException(String message) {
        super(message);
    }

    public VerificationException(String message, Throwable cause) {
        super(message, cause);
    }
}
