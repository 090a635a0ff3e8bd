package dev.agentguard.ssh;

import java.io.IOException;

/**
 * The host presented a key the target's {@link HostKeys} do not list (an unknown host, a changed
 * key, a revoked key). The connection was closed during the key exchange, before any credential
 * was sent. The attempt is in the audit journal.
 */
public class HostKeyRejectedException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String fingerprint;

    HostKeyRejectedException(String message, String fingerprint) {
        super(message);
        this.fingerprint = fingerprint;
    }

    /** The SHA-256 fingerprint of the key the host presented ({@code SHA256:…}), or null if none was seen. */
    public String fingerprint() {
        return fingerprint;
    }
}
