package dev.agentguard.audit.integrity;

import dev.agentguard.audit.journal.JournalException;

/**
 * Verification found the journal changed: the message names the first bad position (a file
 * and entry, or a checkpoint file and line) and what is wrong there.
 */
public final class JournalIntegrityException extends JournalException {
    private final String position;

    public JournalIntegrityException(String position, String reason) {
        super(position + ": " + reason);
        this.position = position;
    }

    /** The first bad position: "FILE entry N" or "checkpoints.log line N". */
    public String position() {
        return position;
    }
}
