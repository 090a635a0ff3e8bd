package dev.agentguard.audit.journal;

import java.io.IOException;

/**
 * The journal could not do what was asked: open, write, sweep or read.
 *
 * <p>A checked exception on purpose (PCI DSS 10.7.2): a caller that cannot journal must not
 * go on as if it had. AgentGuard's channel adapters turn it into a refusal of the action.
 */
public class JournalException extends IOException {
    public JournalException(String message) {
        super(message);
    }

    public JournalException(String message, Throwable cause) {
        super(message, cause);
    }
}
