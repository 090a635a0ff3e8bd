package dev.agentguard.audit.reader;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.internal.ChronicleRuntime;
import dev.agentguard.audit.internal.EntryCursor;
import dev.agentguard.audit.internal.EventCodec;
import dev.agentguard.audit.internal.MalformedEventException;
import dev.agentguard.audit.journal.JournalCorruptException;
import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.audit.journal.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Reads a journal directory without changing it: iterate, filter, look up by id, follow new
 * events as a writer appends them.
 *
 * <p>A reader is safe to share between threads; each {@link #cursor} belongs to one thread.
 */
public final class JournalReader implements AutoCloseable {
    private final Path directory;
    private final SingleChronicleQueue queue;

    private JournalReader(Path directory, SingleChronicleQueue queue) {
        this.directory = directory;
        this.queue = queue;
    }

    /**
     * Opens {@code directory} read-only.
     *
     * @throws JournalException when it does not exist or is not a journal
     */
    public static JournalReader open(Path directory) throws JournalException {
        Path dir = directory.toAbsolutePath().normalize();
        if (!Files.exists(dir)) {
            throw new JournalException(dir + ": no such journal directory");
        }
        if (!Files.isDirectory(dir)) {
            throw new JournalException(dir + ": not a journal directory (it is a file)");
        }
        if (!ChronicleRuntime.isQueue(dir)) {
            throw new JournalException(dir + ": not an AgentGuard journal (no " + ChronicleRuntime.METADATA_FILE + ")");
        }
        ChronicleRuntime.requireJvmFlags();
        try {
            // The roll cycle of an existing queue is read from its metadata; this one is only a default.
            return new JournalReader(dir, ChronicleRuntime.open(dir, RollCycle.DAILY, Clock.systemUTC(), true));
        } catch (RuntimeException e) {
            String msg = e.getMessage();
            throw new JournalException(dir + ": cannot open journal (" + e.getClass().getSimpleName()
                    + (msg == null ? "" : ": " + msg.lines().findFirst().orElse("")) + ")", e);
        }
    }

    /** The journal directory. */
    public Path directory() {
        return directory;
    }

    /** A cursor over the events that match {@code filter}, oldest first. */
    public JournalCursor cursor(EventFilter filter) {
        return new JournalCursor(new EntryCursor(queue), filter);
    }

    /** Every event that matches {@code filter}, oldest first. */
    public List<AuditEvent> events(EventFilter filter) throws JournalException {
        List<AuditEvent> out = new ArrayList<>();
        try (JournalCursor c = cursor(filter)) {
            AuditEvent e;
            while ((e = c.next()) != null) {
                out.add(e);
            }
        }
        return out;
    }

    /** The event with id {@code eventId}, if the journal holds it. */
    public Optional<AuditEvent> find(String eventId) throws JournalException {
        try (JournalCursor c = cursor(EventFilter.all())) {
            AuditEvent e;
            while ((e = c.next()) != null) {
                if (e.eventId().equals(eventId)) {
                    return Optional.of(e);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Hands every matching event to {@code sink}, then keeps polling for new ones every
     * {@code pollInterval} until {@code keepGoing} answers false or the thread is interrupted.
     */
    public void follow(EventFilter filter, Consumer<AuditEvent> sink, Duration pollInterval, BooleanSupplier keepGoing)
            throws JournalException {
        try (JournalCursor c = cursor(filter)) {
            while (keepGoing.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
                AuditEvent e = c.next();
                if (e != null) {
                    sink.accept(e);
                } else {
                    queue.refreshDirectoryListing();
                    LockSupport.parkNanos(pollInterval.toNanos());
                }
            }
        }
    }

    @Override
    public void close() {
        queue.close();
    }

    /** Reads matching events one at a time. Not thread-safe. */
    public static final class JournalCursor implements AutoCloseable {
        private final EntryCursor entries;
        private final EventFilter filter;

        private JournalCursor(EntryCursor entries, EventFilter filter) {
            this.entries = entries;
            this.filter = filter;
        }

        /** The next matching event, or {@code null} when the journal has no more (yet). */
        public AuditEvent next() throws JournalException {
            while (entries.next()) {
                AuditEvent e;
                try {
                    e = EventCodec.decode(entries.buffer(), entries.length());
                } catch (MalformedEventException ex) {
                    throw new JournalCorruptException(entries.position(), ex.getMessage());
                }
                if (filter.test(e)) {
                    return e;
                }
            }
            return null;
        }

        /** "FILE entry N" of the event last returned. */
        public String position() {
            return entries.position();
        }

        @Override
        public void close() {
            entries.close();
        }
    }
}
