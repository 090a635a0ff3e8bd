package dev.agentguard.core.identity;

/**
 * No verified identity is available: the token is missing, expired or fails verification.
 * Every channel refuses the action (fail closed) and journals the attempt.
 */
public class IdentityException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param message says why, never the token itself */
    public IdentityException(String message) {
        super(message);
    }

    /** @param message says why, never the token itself */
    public IdentityException(String message, Throwable cause) {
        super(message, cause);
    }
}
