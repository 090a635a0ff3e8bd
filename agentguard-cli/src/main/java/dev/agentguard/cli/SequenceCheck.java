package dev.agentguard.cli;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.journal.JournalCorruptException;

/**
 * Refuses to pass silently over missing events. A reader that cannot read a cycle file may
 * skip it, so a damaged file could otherwise just vanish from 'list' and 'export'; consecutive
 * sequence numbers show that nothing was left out. (Events removed from the start by retention
 * are accounted for by 'verify', not here.)
 */
final class SequenceCheck {
    private long last;

    /**
     * Takes {@code e} as the next event read.
     *
     * @return what is missing before {@code e} ("events 3 to 5 are missing before event 6 (…)"),
     *         or {@code null} when {@code e} follows the event before it
     */
    String gapBefore(AuditEvent e) {
        long expected = last + 1;
        boolean first = last == 0;
        last = e.sequence();
        if (first || e.sequence() == expected) {
            return null;
        }
        String what;
        if (e.sequence() < expected) {
            what = "event " + e.sequence() + " comes after event " + (expected - 1);
        } else if (e.sequence() == expected + 1) {
            what = "event " + expected + " is missing before event " + e.sequence();
        } else {
            what = "events " + expected + " to " + (e.sequence() - 1) + " are missing before event " + e.sequence();
        }
        return what + " (a journal file is damaged or was removed; run 'agentguard verify')";
    }

    /** Takes {@code e}, found at {@code position}, as the next event; throws when events are missing before it. */
    void check(AuditEvent e, String position) throws JournalCorruptException {
        String gap = gapBefore(e);
        if (gap != null) {
            throw new JournalCorruptException(position, gap);
        }
    }

    /** The sequence number of the last event taken, 0 before the first. */
    long last() {
        return last;
    }
}
