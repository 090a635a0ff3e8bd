package dev.agentguard.ship;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Hash;
import dev.agentguard.audit.internal.ChronicleRuntime;
import dev.agentguard.audit.internal.EntryCursor;
import dev.agentguard.audit.internal.EventCodec;
import dev.agentguard.audit.internal.MalformedEventException;
import dev.agentguard.audit.journal.JournalCorruptException;
import dev.agentguard.audit.journal.JournalException;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;

/**
 * Reads a journal's stored entries in order, read-only, for shipping: each event decoded and
 * with its stored bytes, which a central verifier needs to recompute the hash. Follows the
 * journal as the writer (in this JVM or another) appends. Not thread-safe.
 */
final class JournalEntries implements AutoCloseable {
    private final SingleChronicleQueue queue;
    private EntryCursor cursor;
    private final EventCodec.ChainView view = new EventCodec.ChainView();
    private ShipItem.Event pending;

    private JournalEntries(SingleChronicleQueue queue) {
        this.queue = queue;
        this.cursor = new EntryCursor(queue);
    }

    /**
     * Opens the journal in {@code dir}, or returns {@code null} when it holds no event file yet
     * (its roll cycle is told by the names of its files, so opening earlier could guess wrong).
     */
    static JournalEntries openIfWritten(Path dir) throws JournalException {
        if (!Files.isDirectory(dir) || !ChronicleRuntime.isQueue(dir)) {
            return null;
        }
        ChronicleRuntime.requireJvmFlags();
        boolean written = false;
        for (dev.agentguard.audit.journal.RollCycle c : dev.agentguard.audit.journal.RollCycle.values()) {
            if (!ChronicleRuntime.cyclesOnDisk(dir, ChronicleRuntime.toChronicle(c)).isEmpty()) {
                written = true;
                break;
            }
        }
        if (!written) {
            return null;
        }
        try {
            return new JournalEntries(ChronicleRuntime.open(dir, ChronicleRuntime.detectRollCycle(dir), Clock.systemUTC(),
                    true));
        } catch (RuntimeException e) {
            throw new JournalException(dir + ": cannot open journal (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", e);
        }
    }

    /**
     * Moves past event {@code position.sequence()}, using its journal index as a shortcut when it
     * still names that event, and returns the hash of that event as the journal holds it, or
     * {@code null} when the journal no longer holds it (retention) or never did.
     */
    Hash skipThrough(ShipPosition position) throws JournalException {
        long seq = position.sequence();
        if (seq <= 0) {
            return null;
        }
        if (position.journalIndex() >= 0) {
            if (cursor.moveTo(position.journalIndex()) && cursor.next()) {
                scan();
                if (view.sequence == seq) {
                    return storedHash();
                }
            }
            // The index names another event now (or none): start over and walk.
            cursor.close();
            cursor = new EntryCursor(queue);
        }
        Hash found = null;
        while (cursor.next()) {
            scan();
            if (view.sequence == seq) {
                found = storedHash();
            } else if (view.sequence > seq) {
                pending = decodeCurrent();
                break;
            }
        }
        return found;
    }

    /** The next event, or {@code null} when the journal has none more yet. */
    ShipItem.Event next() throws JournalException {
        if (pending != null) {
            ShipItem.Event e = pending;
            pending = null;
            return e;
        }
        if (cursor.next()) {
            return decodeCurrent();
        }
        // Cycle files created since are looked for on disk at the next call.
        queue.refreshDirectoryListing();
        return null;
    }

    /** "FILE entry N" of the entry last read. */
    String position() {
        return cursor.position();
    }

    private void scan() throws JournalCorruptException {
        try {
            EventCodec.scan(cursor.buffer(), cursor.length(), view);
        } catch (MalformedEventException e) {
            throw new JournalCorruptException(cursor.position(), e.getMessage());
        }
    }

    private Hash storedHash() {
        return Hash.of(cursor.buffer(), cursor.length() - Hash.LENGTH);
    }

    private ShipItem.Event decodeCurrent() throws JournalCorruptException {
        byte[] entry = Arrays.copyOf(cursor.buffer(), cursor.length());
        AuditEvent event;
        try {
            event = EventCodec.decode(entry, entry.length);
        } catch (MalformedEventException e) {
            throw new JournalCorruptException(cursor.position(), e.getMessage());
        }
        return new ShipItem.Event(event, entry, cursor.index());
    }

    @Override
    public void close() {
        try {
            cursor.close();
        } finally {
            queue.close();
        }
    }
}
