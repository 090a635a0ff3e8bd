package dev.agentguard.audit.integrity;

import java.security.GeneralSecurityException;

/** A checkpoint's signature is missing, made with another key, or wrong. */
public final class CheckpointSignatureException extends GeneralSecurityException {
    public CheckpointSignatureException(String message) {
        super(message);
    }
}
