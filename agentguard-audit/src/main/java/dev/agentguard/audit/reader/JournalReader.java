package dev.agentguard.audit.reader;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Phase;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
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
            return new JournalReader(dir, ChronicleRuntime.open(dir, ChronicleRuntime.detectRollCycle(dir), Clock.systemUTC(), true));
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
        follow(filter, 0, sink, pollInterval, keepGoing);
    }

    /**
     * Like {@link #follow(EventFilter, Consumer, Duration, BooleanSupplier)}, but starts after
     * event {@code afterSequence}: 0 for the beginning, {@link #lastSequence()} for only what
     * is written from now on. Skipped events are passed over without being decoded.
     */
    public void follow(EventFilter filter, long afterSequence, Consumer<AuditEvent> sink, Duration pollInterval,
                       BooleanSupplier keepGoing) throws JournalException {
        try (JournalCursor c = cursor(filter)) {
            c.skipThrough(afterSequence);
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

    /** The sequence number of the last event in the journal, or 0 when it holds none. */
    public long lastSequence() throws JournalException {
        try (EntryCursor c = EntryCursor.fromEnd(queue)) {
            if (!c.next()) {
                return 0;
            }
            try {
                EventCodec.ChainView view = new EventCodec.ChainView();
                EventCodec.scan(c.buffer(), c.length(), view);
                return view.sequence;
            } catch (MalformedEventException e) {
                throw new JournalCorruptException(c.position(), e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        queue.close();
    }

    /**
     * Reads matching events one at a time. Not thread-safe.
     *
     * <p>An OUTCOME event is journaled without the fields it shares with its INTENT event (the
     * person acted for, trace, resource, action, objects, rule, approval); it names the intent by
     * {@link AuditEvent#INTENT_SEQUENCE}. The cursor remembers the intents of actions that were let
     * through until their outcome comes (at most {@value #MAX_OPEN_INTENTS}, the oldest forgotten
     * first) and hands out each outcome {@linkplain AuditEvent#withSharedFieldsOf whole}, so that
     * filters and readers see what the action was. An outcome whose intent the cursor did not read
     * (it lies before a {@link #skipThrough} by more than {@value #INTENT_LOOKBACK} events, or in a
     * file retention deleted) is handed out as journaled.
     */
    public static final class JournalCursor implements AutoCloseable {
        /** Events before a skip's end whose intents are still read, for the outcomes after it. */
        public static final int INTENT_LOOKBACK = 10_000;
        /** Intents awaiting their outcome that a cursor remembers at most (the oldest go first). */
        public static final int MAX_OPEN_INTENTS = 20_000;

        private final EntryCursor entries;
        private final EventFilter filter;
        /** The first event after a skip, read to find where the skip ends. */
        private AuditEvent pending;
        /** Intents of actions let through whose outcome has not been read yet, by sequence. */
        private final Map<Long, AuditEvent> openIntents = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, AuditEvent> eldest) {
                return size() > MAX_OPEN_INTENTS;
            }
        };

        private JournalCursor(EntryCursor entries, EventFilter filter) {
            this.entries = entries;
            this.filter = filter;
        }

        /** The next matching event, or {@code null} when the journal has no more (yet). */
        public AuditEvent next() throws JournalException {
            if (pending != null) {
                AuditEvent e = joined(pending);
                pending = null;
                if (filter.test(e)) {
                    return e;
                }
            }
            while (entries.next()) {
                AuditEvent e = joined(decode());
                if (filter.test(e)) {
                    return e;
                }
            }
            return null;
        }

        private AuditEvent decode() throws JournalException {
            try {
                return EventCodec.decode(entries.buffer(), entries.length());
            } catch (MalformedEventException ex) {
                throw new JournalCorruptException(entries.position(), ex.getMessage());
            }
        }

        /** Remembers an intent whose outcome may follow; hands out an outcome with its intent's shared fields. */
        private AuditEvent joined(AuditEvent e) {
            if (e.phase() == Phase.INTENT) {
                if (e.decision() == Decision.ALLOWED || e.decision() == Decision.APPROVED) {
                    openIntents.put(e.sequence(), e);
                }
                return e;
            }
            if (e.phase() != Phase.OUTCOME) {
                return e;
            }
            OptionalLong seq = e.intentSequence();
            AuditEvent intent = seq.isPresent() ? openIntents.remove(seq.getAsLong()) : null;
            if (e.action() != null) {
                return e; // an outcome written whole (by an earlier version) needs nothing
            }
            if (intent == null || intent.channel() != e.channel() || !Objects.equals(intent.agentId(), e.agentId())
                    || !Objects.equals(intent.sessionId(), e.sessionId())) {
                return e;
            }
            return e.withSharedFieldsOf(intent);
        }

        /**
         * Passes over the events up to and including sequence {@code sequence} without decoding
         * them; the next {@link #next()} returns the first matching event after it.
         */
        public void skipThrough(long sequence) throws JournalException {
            if (sequence <= 0) {
                return;
            }
            EventCodec.ChainView view = new EventCodec.ChainView();
            while (pending == null && entries.next()) {
                try {
                    EventCodec.scan(entries.buffer(), entries.length(), view);
                    if (view.sequence > sequence) {
                        pending = EventCodec.decode(entries.buffer(), entries.length());
                    } else if (view.sequence > sequence - INTENT_LOOKBACK && !view.system) {
                        // Read, not handed out: an outcome after the skip may belong to it.
                        joined(EventCodec.decode(entries.buffer(), entries.length()));
                    }
                } catch (MalformedEventException ex) {
                    throw new JournalCorruptException(entries.position(), ex.getMessage());
                }
            }
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
