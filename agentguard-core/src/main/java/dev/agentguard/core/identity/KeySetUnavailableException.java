package dev.agentguard.core.identity;

/**
 * The issuer's key set could not be read (the JWKS endpoint is down, slow or rate-limited), so
 * a token was neither accepted nor found wrong. Token sources try such a token again on the next
 * call instead of remembering the failure.
 */
final class KeySetUnavailableException extends IdentityException {

    private static final long serialVersionUID = 1L;

    KeySetUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
