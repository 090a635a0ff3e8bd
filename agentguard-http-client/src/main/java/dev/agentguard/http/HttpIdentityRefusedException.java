package dev.agentguard.http;

import java.io.IOException;

/**
 * No verified agent identity was available (missing, expired, or the identity source failed), so
 * the request was not sent. The attempt is in the audit journal (phase IDENTITY, decision DENIED,
 * PCI DSS 10.2.1.4).
 */
public class HttpIdentityRefusedException extends IOException {

    private static final long serialVersionUID = 1L;

    HttpIdentityRefusedException(String message) {
        super(message);
    }
}
