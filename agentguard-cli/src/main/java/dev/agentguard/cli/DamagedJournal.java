package dev.agentguard.cli;

import dev.agentguard.audit.reader.EventFilter;
import dev.agentguard.audit.reader.JournalReader;

import java.nio.file.Path;

/**
 * Explains a failure that Chronicle Queue raised without naming a file (a file truncated
 * under its memory mapping, a cycle file with a damaged header): it finds how far the journal
 * can be read, so the one-line error can say where the damage starts.
 */
final class DamagedJournal {
    private DamagedJournal() {
    }

    /**
     * True when {@code e} came out of Chronicle Queue rather than from AgentGuard or the tool.
     * An InternalError is the JVM reporting a fault on a memory-mapped page (a file cut short
     * under Chronicle's mapping); it may come without a stack trace.
     */
    static boolean raisedByChronicle(Throwable e) {
        if (e instanceof InternalError) {
            return true;
        }
        for (StackTraceElement frame : e.getStackTrace()) {
            if (frame.getClassName().startsWith("net.openhft.")) {
                return true;
            }
        }
        return false;
    }

    /** "after FILE entry N", or "at its first entry" when nothing can be read. */
    static String whereReadingStops(Path journal) {
        String last = null;
        try (JournalReader reader = JournalReader.open(journal);
             JournalReader.JournalCursor cursor = reader.cursor(EventFilter.all())) {
            while (cursor.next() != null) {
                last = cursor.position();
            }
            return last == null ? "at its first entry" : "after " + last;
        } catch (Exception | InternalError | LinkageError stillDamaged) {
            // Expected: this walk fails where the command failed.
            return last == null ? "at its first entry" : "after " + last;
        }
    }

    /** The one-line explanation: "JOURNAL: cannot be read after FILE entry N (Cause: text); ...". */
    static String describe(Path journal, Throwable e) {
        return journal + ": cannot be read " + whereReadingStops(journal) + " (" + Failure.describe(e)
                + "); a journal file is truncated or damaged";
    }
}
