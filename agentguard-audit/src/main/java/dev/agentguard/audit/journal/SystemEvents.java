package dev.agentguard.audit.journal;

/**
 * The agent id, actions and extension names of the journal's own events (phase SYSTEM,
 * channel JOURNAL), for readers and tests that look for them. Described in
 * docs/journal-format.md.
 */
public final class SystemEvents {
    /** The agent id the journal writes its own events under. */
    public static final String JOURNAL_AGENT = "agentguard-journal";

    /** A writer opened the journal after a clean close (or created it). */
    public static final String OPEN = "journal.open";
    /** A writer opened the journal after the previous writer stopped without closing it. */
    public static final String RESTART = "journal.restart";
    /** A writer closed the journal cleanly. */
    public static final String CLOSE = "journal.close";
    /** A retention sweep deleted whole cycle files. */
    public static final String RETENTION_DELETE = "retention.delete";
    /**
     * A retention sweep kept due cycle files because the journal's retention guard (for example
     * a shipper that has not had them acknowledged) did not release them yet.
     */
    public static final String RETENTION_HELD_BACK = "retention.held-back";

    /** On a retention event: the first sequence number still in the journal. */
    public static final String FIRST_RETAINED = "retention.first-retained-seq";
    /** On a retention event: the hash of the last deleted event, the first kept event's "prev". */
    public static final String ANCHOR = "retention.anchor-hash";
    /** On a retention event: "file=sha256,…" for every deleted file. */
    public static final String DELETED_FILES = "retention.deleted-files-sha256";

    private SystemEvents() {
    }
}
