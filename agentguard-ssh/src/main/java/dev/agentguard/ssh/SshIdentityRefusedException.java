package dev.agentguard.ssh;

import java.io.IOException;

/**
 * No verified agent identity was available (missing, expired, or failed verification), so no
 * session was opened or no command ran. The attempt is in the audit journal (phase IDENTITY,
 * decision DENIED, PCI DSS 10.2.1.4).
 */
public class SshIdentityRefusedException extends IOException {

    private static final long serialVersionUID = 1L;

    SshIdentityRefusedException(String message) {
        super(message);
    }
}
