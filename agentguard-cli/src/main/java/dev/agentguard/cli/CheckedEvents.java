package dev.agentguard.cli;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.audit.reader.EventFilter;
import dev.agentguard.audit.reader.JournalReader;

import java.util.ArrayDeque;

/**
 * The events of a journal that match a filter, oldest first, read so that a gap in the
 * sequence numbers is an error rather than a silent omission (see {@link SequenceCheck}).
 */
final class CheckedEvents implements AutoCloseable {
    private final JournalReader.JournalCursor cursor;
    private final EventFilter filter;
    private final SequenceCheck sequence = new SequenceCheck();

    CheckedEvents(JournalReader reader, EventFilter filter) {
        // Every event is read (and checked); the filter is applied here.
        this.cursor = reader.cursor(EventFilter.all());
        this.filter = filter;
    }

    /** The next matching event, or {@code null} at the end of the journal. */
    AuditEvent next() throws JournalException {
        AuditEvent e;
        while ((e = cursor.next()) != null) {
            sequence.check(e, cursor.position());
            if (filter.test(e)) {
                return e;
            }
        }
        return null;
    }

    /**
     * The last {@code n} matching events, oldest first, reading to the end of the journal and
     * holding no more than {@code n} events at a time.
     */
    ArrayDeque<AuditEvent> last(int n) throws JournalException {
        ArrayDeque<AuditEvent> last = new ArrayDeque<>(Math.min(n, 1024));
        AuditEvent e;
        while ((e = next()) != null) {
            if (n == 0) {
                continue;
            }
            if (last.size() == n) {
                last.removeFirst();
            }
            last.addLast(e);
        }
        return last;
    }

    /** The sequence number of the last event read, matching or not (0 for an empty journal). */
    long lastSequence() {
        return sequence.last();
    }

    @Override
    public void close() {
        cursor.close();
    }
}
