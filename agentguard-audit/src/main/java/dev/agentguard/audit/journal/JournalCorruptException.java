package dev.agentguard.audit.journal;

/**
 * A journal file holds bytes that are not a well-formed event. The message names the file and
 * the entry: {@code "20261125F.cq4 entry 42: field 'seq' is not an 8-byte number"}.
 */
public final class JournalCorruptException extends JournalException {
    private final String position;

    public JournalCorruptException(String position, String reason) {
        super(position + ": " + reason);
        this.position = position;
    }

    /** The file and entry, as "FILE entry N". */
    public String position() {
        return position;
    }
}
