package dev.agentguard.ship;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Hash;
import dev.agentguard.audit.integrity.Checkpoint;
import dev.agentguard.audit.integrity.CheckpointLog;
import dev.agentguard.audit.integrity.MalformedCheckpointException;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.audit.reader.JournalReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Ships one journal to one target, without loss: every event and every signed checkpoint, in
 * order, resuming after a crash of the agent, the shipper or the far end from the last position
 * the target acknowledged (the durable {@link ShipCursor}).
 *
 * <p>The same shipper runs inside the agent's JVM, as a background thread beside the journal,
 * or in a process of its own ({@code agentguard ship}); it only reads the journal, so the
 * agent's appends never wait for it. While the target is slow or down, the journal absorbs the
 * lag ({@link #lag()}); pair the journal's retention with a {@link RetentionHold} so that no
 * unshipped event is deleted.
 *
 * <pre>{@code
 * KafkaTarget kafka = KafkaTarget.builder("kafka-1:9092,kafka-2:9092").topic("agentguard.events")
 *         .agentId("payments-agent").build();
 * Shipper shipper = Shipper.builder(journal.directory()).target(kafka).start();
 * ...
 * shipper.close();   // before journal.close() ships the journal's close event too, if given time
 * }</pre>
 */
public final class Shipper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Shipper.class);

    private final Run run;
    private final Thread thread;
    private final ObjectName mbeanName;
    private volatile JournalReader lagReader;

    private Shipper(Builder b) {
        this.run = new Run(b);
        this.thread = new Thread(() -> run.loop(() -> !run.stopping, null), "agentguard-ship-" + b.target.name());
        this.thread.setDaemon(true);
        this.mbeanName = b.registerMBean ? register(b) : null;
        this.thread.start();
    }

    /** Starts configuring a shipper of the journal in {@code journalDirectory}. */
    public static Builder builder(Path journalDirectory) {
        return new Builder(journalDirectory);
    }

    /** Starts configuring a shipper of {@code journal}, running in the journal's JVM. */
    public static Builder builder(Journal journal) {
        return new Builder(journal.directory());
    }

    /** The position the target last acknowledged (what the durable cursor holds), or empty before the first. */
    public Optional<ShipPosition> acknowledged() {
        return Optional.ofNullable(run.acked);
    }

    /**
     * Waits until the target has acknowledged event {@code sequence} (and the checkpoints up to
     * it that the journal had written by then), or until {@code timeout} passes.
     *
     * @return true when acknowledged
     */
    public boolean awaitAcknowledged(long sequence, Duration timeout) throws InterruptedException {
        return run.await(sequence, timeout);
    }

    /** How far shipping is behind the journal. */
    public ShippingLag lag() {
        long journalSeq = run.readSequence;
        try {
            JournalReader r = lagReader;
            if (r == null) {
                r = JournalReader.open(run.journalDir);
                lagReader = r;
            }
            journalSeq = Math.max(journalSeq, r.lastSequence());
        } catch (JournalException | RuntimeException e) {
            // Not written yet, or unreadable: what the shipper has read is the best answer.
        }
        return run.lag(journalSeq);
    }

    /**
     * Stops shipping: waits up to 10 s for the batch in flight, then interrupts it, and closes the
     * target. What was not acknowledged is shipped by the next shipper from the cursor.
     */
    @Override
    public void close() {
        run.stopping = true;
        run.wakeUp();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(TimeUnit.SECONDS.toMillis(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            run.target.close();
            JournalReader r = lagReader;
            if (r != null) {
                r.close();
            }
            if (mbeanName != null) {
                try {
                    ManagementFactory.getPlatformMBeanServer().unregisterMBean(mbeanName);
                } catch (JMException ignored) {
                    // already gone
                }
            }
        }
    }

    private ObjectName register(Builder b) {
        try {
            ObjectName name = new ObjectName("dev.agentguard", new java.util.Hashtable<>(java.util.Map.of(
                    "type", "Shipper", "journal", ObjectName.quote(b.journalDirectory.toString()),
                    "target", ObjectName.quote(b.target.name()))));
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            server.registerMBean(new Metrics(), name);
            return name;
        } catch (JMException e) {
            LOG.warn("shipping lag of {} to {} is not published over JMX: {}", b.journalDirectory, b.target.name(),
                    e.toString());
            return null;
        }
    }

    private final class Metrics implements ShipperMXBean {
        @Override
        public String getTarget() {
            return run.target.name();
        }

        @Override
        public long getJournalSequence() {
            return lag().journalSequence();
        }

        @Override
        public long getAcknowledgedSequence() {
            return lag().acknowledgedSequence();
        }

        @Override
        public long getEventsBehind() {
            return lag().eventsBehind();
        }

        @Override
        public double getSecondsBehind() {
            return lag().secondsBehind();
        }

        @Override
        public String getLastError() {
            return run.lastError;
        }
    }

    /**
     * The shipping loop and its state, shared by the background thread and the one-shot
     * {@link Builder#shipAvailable}.
     */
    private static final class Run {
        final Path journalDir;
        final ShipTarget target;
        final ShipCursor cursor;
        final int maxBatch;
        final Duration pollInterval;
        final Duration minBackoff;
        final Duration maxBackoff;
        final Clock clock;
        private final Object monitor = new Object();

        volatile boolean stopping;
        volatile ShipPosition acked;
        volatile long readSequence;
        volatile Instant oldestUnacknowledged;
        volatile Instant lastAckAt;
        volatile Instant caughtUpAt;
        volatile String lastError;
        /** Events sent but not acknowledged, oldest first (only the shipping thread touches it). */
        private final ArrayDeque<AuditEvent> inFlight = new ArrayDeque<>();

        Run(Builder b) {
            this.journalDir = b.journalDirectory;
            this.target = b.target;
            this.cursor = ShipCursor.in(b.cursorDirectory, b.target.name());
            this.maxBatch = b.maxBatchEvents;
            this.pollInterval = b.pollInterval;
            this.minBackoff = b.minBackoff;
            this.maxBackoff = b.maxBackoff;
            this.clock = b.clock;
            this.caughtUpAt = b.clock.instant();
        }

        /** A goal that ends a one-shot run; the background thread has none. */
        interface Goal {
            boolean reached(ShipPosition acked);
        }

        /**
         * Ships until {@code keepGoing} says stop or {@code goal} is reached; failures are
         * retried with a growing pause. Returns the failure that was current when it stopped.
         */
        String loop(java.util.function.BooleanSupplier keepGoing, Goal goal) {
            Duration backoff = minBackoff;
            while (keepGoing.getAsBoolean()) {
                try {
                    if (session(keepGoing, goal)) {
                        return null;
                    }
                    backoff = minBackoff;
                } catch (ShippingException | IOException | RuntimeException e) {
                    String msg = describe(e);
                    if (!msg.equals(lastError)) {
                        LOG.warn("shipping {} to {} failed, retrying from the last acknowledged event {}: {}", journalDir,
                                target.name(), acked == null ? 0 : acked.sequence(), msg);
                    }
                    lastError = msg;
                    inFlight.clear();
                    if (Thread.currentThread().isInterrupted()) {
                        return lastError;
                    }
                    pause(backoff);
                    backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
                }
            }
            return lastError;
        }

        /**
         * One connection: resume from the cursor and ship until told to stop (true when the goal
         * was reached, false when stopped or the journal holds no event yet).
         */
        private boolean session(java.util.function.BooleanSupplier keepGoing, Goal goal)
                throws ShippingException, IOException {
            Optional<ShipPosition> stored = cursor.read();
            ShipPosition pos;
            if (stored.isPresent()) {
                pos = stored.get();
                String journalId = firstJournalId();
                if (journalId == null) {
                    pause(pollInterval);
                    return false;
                }
                if (!journalId.equals(pos.journalId())) {
                    throw new ShippingException(journalDir + " holds journal " + journalId + ", but the shipping cursor "
                            + cursor.file() + " belongs to journal " + pos.journalId() + "; was the journal replaced? "
                            + "Move the cursor away to ship this journal from its start");
                }
            } else {
                String journalId = firstJournalId();
                if (journalId == null) {
                    pause(pollInterval);
                    return false;
                }
                pos = ShipPosition.start(journalId);
            }
            if (acked == null) {
                publish(pos);
            }
            pos = resume(pos, target.connect(pos));
            try (JournalEntries entries = JournalEntries.openIfWritten(journalDir)) {
                if (entries == null) {
                    throw new ShippingException(journalDir + ": the journal is gone");
                }
                Hash h = entries.skipThrough(pos);
                if (pos.sequence() > 0 && h != null && !h.equals(pos.hash())) {
                    throw new ShippingException("the journal does not continue the shipped chain: event "
                            + pos.sequence() + " has hash " + h.toHex() + " in the journal but " + pos.hash().toHex()
                            + " was shipped; was the journal replaced or rewritten? (run 'agentguard verify')");
                }
                return ship(pos, entries, keepGoing, goal);
            }
        }

        /** The journal id of the first event, or null when the journal holds none yet. */
        private String firstJournalId() throws ShippingException, IOException {
            try (JournalEntries entries = JournalEntries.openIfWritten(journalDir)) {
                ShipItem.Event first = entries == null ? null : entries.next();
                return first == null ? null : journalIdOf(first.event());
            }
        }

        /**
         * Where to resume, given the cursor and what the target answered on connecting. A target
         * may know of more acknowledged events than the cursor (a crash between a commit and the
         * cursor write); that is trusted only when the journal holds the same event.
         */
        private ShipPosition resume(ShipPosition stored, ShipPosition resumed) throws ShippingException, IOException {
            if (!resumed.journalId().equals(stored.journalId())) {
                throw new ShippingException("target " + target.name() + " resumed journal " + resumed.journalId()
                        + " instead of " + stored.journalId());
            }
            ShipPosition pos = new ShipPosition(stored.journalId(), stored.sequence(), stored.hash(),
                    Math.max(stored.checkpointSequence(), resumed.checkpointSequence()), stored.journalIndex(),
                    resumed.targetState());
            if (resumed.sequence() > stored.sequence()) {
                Hash h;
                try (JournalEntries check = JournalEntries.openIfWritten(journalDir)) {
                    h = check == null ? null : check.skipThrough(resumed);
                }
                if (resumed.hash().equals(h)) {
                    LOG.info("shipping {} to {}: the target holds events up to {}, beyond the cursor at {}; resuming "
                            + "after them", journalDir, target.name(), resumed.sequence(), stored.sequence());
                    pos = resumed;
                } else {
                    LOG.error("shipping {} to {}: the target claims event {} with hash {}, which the journal does not "
                                    + "hold; resuming from the cursor at event {} instead", journalDir, target.name(),
                            resumed.sequence(), resumed.hash().toHex(), stored.sequence());
                }
            }
            if (!pos.equals(stored)) {
                cursor.store(pos);
            }
            publish(pos);
            return pos;
        }

        /** Reads, sends and moves the cursor until stopped or the goal is reached. */
        private boolean ship(ShipPosition start, JournalEntries entries, java.util.function.BooleanSupplier keepGoing,
                             Goal goal) throws ShippingException, IOException {
            String journalId = start.journalId();
            CheckpointTail checkpoints = new CheckpointTail(journalDir);
            ShipPosition sent = start;
            long lastRead = start.sequence();
            Hash lastHash = start.sequence() == 0 ? Hash.ZERO : start.hash();
            inFlight.clear();
            while (keepGoing.getAsBoolean()) {
                List<ShipItem> items = new ArrayList<>();
                int events = 0;
                ShipItem.Event e;
                while (events < maxBatch && (e = entries.next()) != null) {
                    AuditEvent ev = e.event();
                    if (!ev.eventId().equals(journalId + "-" + ev.sequence())) {
                        throw new ShippingException(entries.position() + ": event " + ev.eventId()
                                + " does not belong to journal " + journalId);
                    }
                    long expected = lastRead + 1;
                    if (ev.sequence() == expected) {
                        if (lastHash != null && !ev.previousHash().equals(lastHash)) {
                            throw new ShippingException(entries.position() + ": event " + ev.sequence()
                                    + " does not chain to event " + lastRead + " in the journal; nothing after it is"
                                    + " shipped (run 'agentguard verify')");
                        }
                    } else if (ev.sequence() > expected) {
                        LOG.error("shipping {} to {}: events {} to {} are not in the journal (deleted before they were "
                                        + "shipped?); the central copy will show the gap", journalDir, target.name(),
                                expected, ev.sequence() - 1);
                    } else {
                        throw new ShippingException(entries.position() + ": event " + ev.sequence() + " comes after event "
                                + lastRead + " in the journal");
                    }
                    lastRead = ev.sequence();
                    lastHash = ev.hash();
                    readSequence = Math.max(readSequence, lastRead);
                    if (inFlight.isEmpty() && oldestUnacknowledged == null) {
                        oldestUnacknowledged = ev.timestamp();
                    }
                    inFlight.addLast(ev);
                    items.add(e);
                    events++;
                }
                boolean journalDrained = events < maxBatch;
                checkpoints.poll(journalId, sent.checkpointSequence());
                for (Checkpoint cp : checkpoints.takeThrough(lastRead)) {
                    items.add(new ShipItem.CheckpointLine(cp));
                }
                for (String bad : checkpoints.takeRejected()) {
                    LOG.error("shipping {} to {}: {} (not shipped)", journalDir, target.name(), bad);
                    lastError = bad;
                }
                ShipBatch batch = new ShipBatch(sent, items);
                ShipPosition ack = target.send(batch);
                sent = batch.end();
                advance(ack);
                if (journalDrained && ack.equals(sent) && !checkpoints.hasWaiting()) {
                    caughtUpAt = clock.instant();
                }
                if (goal != null && goal.reached(acked)) {
                    return true;
                }
                if (items.isEmpty() || journalDrained) {
                    pause(pollInterval);
                }
            }
            return false;
        }

        /** Moves the durable cursor (and what {@link #lag()} reports) to {@code ack}, never backwards. */
        private void advance(ShipPosition ack) throws ShippingException {
            ShipPosition previous = acked;
            if (ack.sequence() < previous.sequence() || ack.checkpointSequence() < previous.checkpointSequence()) {
                throw new ShippingException("target " + target.name() + " acknowledged event " + ack.sequence()
                        + " after having acknowledged event " + previous.sequence());
            }
            boolean moved = ack.isAfter(previous);
            if (!moved && Objects.equals(ack.targetState(), previous.targetState())) {
                return;
            }
            cursor.store(ack);
            if (moved) {
                lastAckAt = clock.instant();
                lastError = null;
            }
            publish(ack);
        }

        /** Makes {@code ack} the acknowledged position for {@link #lag()} and waiters. */
        private void publish(ShipPosition ack) {
            while (!inFlight.isEmpty() && inFlight.peekFirst().sequence() <= ack.sequence()) {
                inFlight.pollFirst();
            }
            if (!inFlight.isEmpty()) {
                oldestUnacknowledged = inFlight.peekFirst().timestamp();
            } else if (ack.sequence() >= readSequence) {
                oldestUnacknowledged = null;
            }
            synchronized (monitor) {
                acked = ack;
                monitor.notifyAll();
            }
        }

        boolean await(long sequence, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (monitor) {
                while (acked == null || acked.sequence() < sequence) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(monitor, left);
                }
                return true;
            }
        }

        void wakeUp() {
            synchronized (monitor) {
                monitor.notifyAll();
            }
        }

        private void pause(Duration d) {
            synchronized (monitor) {
                if (stopping) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(monitor, d.toNanos());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopping = true;
                }
            }
        }

        ShippingLag lag(long journalSequence) {
            ShipPosition a = acked;
            long ackSeq = a == null ? 0 : a.sequence();
            long behind = Math.max(0, journalSequence - ackSeq);
            Duration time = Duration.ZERO;
            if (behind > 0) {
                Instant now = clock.instant();
                Instant oldest = oldestUnacknowledged;
                time = Duration.between(oldest != null ? oldest : caughtUpAt, now);
                if (time.isNegative()) {
                    time = Duration.ZERO;
                }
            }
            return new ShippingLag(target.name(), Math.max(journalSequence, ackSeq), ackSeq, behind, time, lastAckAt,
                    lastError);
        }

        private static String journalIdOf(AuditEvent e) throws ShippingException {
            int dash = e.eventId().indexOf('-');
            if (dash != 12) {
                throw new ShippingException("event id '" + e.eventId() + "' is not '<journal id>-<sequence>'");
            }
            return e.eventId().substring(0, dash);
        }

        private static String describe(Throwable e) {
            String msg = e.getMessage();
            return e instanceof ShippingException || e instanceof JournalException ? String.valueOf(msg)
                    : e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
        }
    }

    /** Configures a {@link Shipper}. */
    public static final class Builder {
        private final Path journalDirectory;
        private ShipTarget target;
        private Path cursorDirectory;
        private int maxBatchEvents = 5_000;
        private Duration pollInterval = Duration.ofMillis(200);
        private Duration minBackoff = Duration.ofMillis(250);
        private Duration maxBackoff = Duration.ofSeconds(15);
        private boolean registerMBean = true;
        private Clock clock = Clock.systemUTC();

        private Builder(Path journalDirectory) {
            this.journalDirectory = Objects.requireNonNull(journalDirectory, "journalDirectory").toAbsolutePath().normalize();
            this.cursorDirectory = this.journalDirectory;
        }

        /** Where to ship (required). */
        public Builder target(ShipTarget target) {
            this.target = Objects.requireNonNull(target, "target");
            ShipCursor.requireTargetName(target.name());
            return this;
        }

        /**
         * Where the durable cursor lives (default: the journal directory, where a
         * {@link RetentionHold} looks for it).
         */
        public Builder cursorDirectory(Path directory) {
            this.cursorDirectory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
            return this;
        }

        /** At most this many events per batch (default 5,000; 1 to 1,000,000). */
        public Builder maxBatchEvents(int events) {
            if (events < 1 || events > 1_000_000) {
                throw new IllegalArgumentException("maxBatchEvents must be 1 to 1,000,000, got " + events);
            }
            this.maxBatchEvents = events;
            return this;
        }

        /** How often to look for new events once caught up (default 200 ms; 1 ms to 1 min). */
        public Builder pollInterval(Duration interval) {
            if (interval == null || interval.compareTo(Duration.ofMillis(1)) < 0 || interval.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("pollInterval must be 1 ms to 1 minute, got " + interval);
            }
            this.pollInterval = interval;
            return this;
        }

        /** The pause after a failure, doubling up to {@code max} (default 250 ms to 15 s). */
        public Builder retryBackoff(Duration min, Duration max) {
            if (min == null || max == null || min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
                throw new IllegalArgumentException("retryBackoff needs 0 < min <= max, got " + min + " and " + max);
            }
            this.minBackoff = min;
            this.maxBackoff = max;
            return this;
        }

        /** Publishes the lag over JMX ({@link ShipperMXBean}; default on). */
        public Builder registerMBean(boolean register) {
            this.registerMBean = register;
            return this;
        }

        /** The clock for the lag's ages and the cursor's time stamp (default: system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Starts shipping on a background thread; it follows the journal until {@link Shipper#close()}. */
        public Shipper start() {
            requireTarget();
            return new Shipper(this);
        }

        /**
         * Ships everything the journal holds now (events and checkpoints) on the calling thread,
         * retrying failures, and returns once the target has acknowledged it all. Does not close
         * the target.
         *
         * @throws ShippingException when that did not happen within {@code timeout}, with the last failure
         */
        public ShipPosition shipAvailable(Duration timeout) throws ShippingException, JournalException {
            requireTarget();
            Objects.requireNonNull(timeout, "timeout");
            long goalSeq;
            try (JournalReader reader = JournalReader.open(journalDirectory)) {
                goalSeq = reader.lastSequence();
            }
            long goalCheckpoint = lastCheckpoint(journalDirectory);
            Run run = new Run(this);
            long deadline = System.nanoTime() + timeout.toNanos();
            String failure = run.loop(() -> System.nanoTime() < deadline && !Thread.currentThread().isInterrupted(),
                    acked -> acked.sequence() >= goalSeq && acked.checkpointSequence() >= goalCheckpoint);
            ShipPosition acked = run.acked;
            // A run that ended on a failure did not finish, even when the cursor already stood at the goal.
            if (failure == null && acked != null && acked.sequence() >= goalSeq
                    && acked.checkpointSequence() >= goalCheckpoint) {
                return acked;
            }
            throw new ShippingException("not everything was acknowledged by " + target.name() + " within " + timeout
                    + " (acknowledged through event " + (acked == null ? 0 : acked.sequence()) + " of " + goalSeq + ")"
                    + (failure == null ? "" : ": " + failure));
        }

        private static long lastCheckpoint(Path dir) throws JournalException {
            try {
                Checkpoint last = CheckpointLog.read(dir.resolve(CheckpointLog.FILE_NAME)).last();
                return last == null ? 0 : last.sequence();
            } catch (IOException | MalformedCheckpointException e) {
                throw new JournalException("cannot read " + dir.resolve(CheckpointLog.FILE_NAME) + ": " + e.getMessage(), e);
            }
        }

        private void requireTarget() {
            if (target == null) {
                throw new IllegalStateException("no target: call target(KafkaTarget…) or target(SyslogTarget…) first");
            }
        }
    }
}
