package dev.agentguard.audit.journal;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Hash;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.integrity.Checkpoint;
import dev.agentguard.audit.integrity.CheckpointLog;
import dev.agentguard.audit.integrity.CheckpointSigner;
import dev.agentguard.audit.integrity.MalformedCheckpointException;
import dev.agentguard.audit.internal.ChronicleRuntime;
import dev.agentguard.audit.internal.EntryCursor;
import dev.agentguard.audit.internal.EventCodec;
import dev.agentguard.audit.internal.MalformedEventException;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The append-only, tamper-evident audit journal of one agent JVM: a Chronicle Queue directory
 * plus its {@code checkpoints.log}.
 *
 * <p>Every appended event gets the next sequence number and a SHA-256 over its canonical
 * encoding, which includes the hash of the event before it, so changing, removing, reordering
 * or inserting an event breaks the chain. Every {@link Builder#checkpointEvery N events},
 * every {@link Builder#checkpointInterval interval} and at close, the journal appends a
 * checkpoint (signed with Ed25519 when a {@link Builder#signer signer} is configured) naming
 * the latest sequence number and hash; shipped off the host, checkpoints make the chain hard
 * to rewrite and expose a truncated tail.
 *
 * <p>Thread-safe. {@link #append} either writes the event or throws {@link JournalException}:
 * nothing is silently dropped (PCI DSS 10.7.2). The journal writes its own start
 * ({@code journal.open}), stop ({@code journal.close}) and crash recovery
 * ({@code journal.restart}) events (PCI DSS 10.2.1.6).
 *
 * <p>Only already-redacted text may be appended; see {@link EventDraft}.
 */
public final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final long SPACE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final Path directory;
    private final Builder config;
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private final CheckpointLog checkpointLog;
    private final FileStore fileStore;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ReentrantLock lock = new ReentrantLock();
    private final EventCodec.Encoder encoder = new EventCodec.Encoder();
    private final MessageDigest sha256;
    private final String journalId;
    private final byte[] eventIdPrefix;

    // Guarded by lock.
    private long lastSequence;
    private byte[] lastHash = new byte[Hash.LENGTH];
    private byte[] nextHash = new byte[Hash.LENGTH];
    private int lastCycle;
    private long lastPosition;
    private long checkpointRequestedSequence;
    private long lastCheckpointNanos;

    // Checkpoint I/O (a queue fsync and a forced line, ~0.1-1 ms) runs outside the append lock,
    // on the scheduler thread or in close(); checkpointLock orders it.
    private final Object checkpointLock = new Object();
    /** Checkpoints the append path asked for that the scheduler has not written yet; guarded by itself. */
    private final List<Head> pendingCheckpoints = new ArrayList<>();
    private boolean checkpointsScheduled; // guarded by pendingCheckpoints
    /** Syncs the head cycle file up to the checkpointed event; guarded by checkpointLock. */
    private final CycleFileSync headFileSync = new CycleFileSync();
    private final Object sweepLock = new Object();
    /** The cycle files the last sweep held back for the retention guard; guarded by sweepLock. */
    private List<String> lastHeldBack = List.of();
    private long checkpointWrittenSequence; // guarded by checkpointLock
    /** When the last checkpoint batch was written (System.nanoTime); read by the append path to space batches. */
    private volatile long checkpointBatchNanos;
    private int checkpointWrittenCycle = Integer.MIN_VALUE; // guarded by checkpointLock
    private volatile JournalException checkpointFailure;
    private long lastSpaceCheckNanos;
    private long bytesSinceSpaceCheck;
    private int appendsSinceClockLook = 15; // the first append looks
    private boolean closed;
    /** Faults in the pages ahead of the write position; null until the journal is open. */
    private Pretoucher pretoucher;

    private Journal(Builder b, SingleChronicleQueue queue, CheckpointLog log, FileStore store) throws JournalException {
        this.directory = b.directory;
        this.config = b;
        this.queue = queue;
        this.checkpointLog = log;
        this.fileStore = store;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new JournalException("this JDK has no SHA-256", e);
        }
        this.appender = queue.createAppender();
        // Appends are serialised by this journal's lock, so the appender is never used by two
        // threads at once; Chronicle's per-thread ownership check would reject the hand-over.
        this.appender.singleThreadedCheckDisabled(true);

        LastEntry last = readLastEntry(queue);
        String openAction;
        if (last == null) {
            byte[] id = new byte[6];
            new SecureRandom().nextBytes(id);
            this.journalId = HexFormat.of().formatHex(id);
            this.lastSequence = 0;
            openAction = SystemEvents.OPEN;
        } else {
            this.journalId = journalIdOf(last.event.eventId(), last.position);
            this.lastSequence = last.event.sequence();
            last.event.hash().copyTo(this.lastHash, 0);
            boolean cleanClose = last.event.phase() == Phase.SYSTEM
                    && SystemEvents.CLOSE.equals(last.event.action());
            openAction = cleanClose ? SystemEvents.OPEN : SystemEvents.RESTART;
        }
        this.eventIdPrefix = (journalId + "-").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        this.checkpointWrittenSequence = lastCheckpointSequenceIn(log.file(), journalId);
        this.checkpointRequestedSequence = checkpointWrittenSequence;
        this.lastCheckpointNanos = System.nanoTime();
        this.lastSpaceCheckNanos = System.nanoTime() - SPACE_CHECK_NANOS;

        EventDraft open = systemEvent(openAction);
        if (last != null && openAction.equals(SystemEvents.RESTART)) {
            open.count("journal.last-sequence-before-restart", last.event.sequence());
            LOG.warn("journal {} was not closed cleanly; continuing the chain after event {}",
                    directory, last.event.sequence());
        }
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "agentguard-journal-" + journalId);
            t.setDaemon(true);
            return t;
        });
        // A batch still waiting out its window at close is written by close() itself, at once.
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.checkpointBatchNanos = System.nanoTime() - b.checkpointBatchWindow.toNanos();
        long checkpointMillis = b.checkpointInterval.toMillis();
        scheduler.scheduleWithFixedDelay(this::timedCheckpoint, checkpointMillis, checkpointMillis, TimeUnit.MILLISECONDS);
        long sweepMillis = b.retentionSweepInterval.toMillis();
        scheduler.scheduleWithFixedDelay(this::scheduledSweep, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
        lock.lock();
        try {
            appendLocked(open, true);
            pretoucher = new Pretoucher(queue, journalId);
            pretoucher.written(lastCycle, lastPosition);
        } finally {
            lock.unlock();
        }
    }

    /** Starts configuring a journal in {@code directory} (created if missing). */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /**
     * Appends one event.
     *
     * @return the event's sequence number
     * @throws JournalException when the event could not be written (closed journal, disk full,
     *                          file system error); the event is then not in the journal and the
     *                          action it describes must not run
     */
    public long append(EventDraft draft) throws JournalException {
        Objects.requireNonNull(draft, "draft");
        lock.lock();
        try {
            return appendLocked(draft, false);
        } finally {
            lock.unlock();
        }
    }

    /** Appends under {@link #lock}; {@code own} marks the journal's own events (no safety net). */
    private long appendLocked(EventDraft draft, boolean own) throws JournalException {
        if (closed) {
            throw new JournalException("journal " + directory + " is closed; event not written");
        }
        JournalException cpFailure = checkpointFailure;
        if (cpFailure != null) {
            throw new JournalException("journal " + directory + " could not write its last checkpoint ("
                    + cpFailure.getMessage() + "); event not written", cpFailure);
        }
        checkFreeSpace();
        long seq = lastSequence + 1;
        Instant now = config.clock.instant();
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        encoder.encode(eventIdPrefix, seq, nanos, lastHash, draft, !own);
        // The stored entry is the encoding followed by its hash: hash it into the same buffer and
        // hand Chronicle one array.
        byte[] buf = encoder.bufferWithRoom(Hash.LENGTH);
        int len = encoder.length();
        sha256.update(buf, 0, len);
        try {
            sha256.digest(buf, len, Hash.LENGTH);
        } catch (DigestException e) {
            throw new JournalException("SHA-256 failed", e);
        }
        System.arraycopy(buf, len, nextHash, 0, Hash.LENGTH);
        lastPosition = write(buf, len + Hash.LENGTH);
        bytesSinceSpaceCheck += len + Hash.LENGTH + 8;
        lastSequence = seq;
        byte[] swap = lastHash;
        lastHash = nextHash;
        nextHash = swap;
        lastCycle = appender.cycle();
        if (pretoucher != null) {
            pretoucher.written(lastCycle, lastPosition);
        }
        if (encoder.scrubbed() > 0) {
            LOG.warn("journal {}: event {} carried {} card-number-like value(s) that were not redacted "
                    + "upstream; the journal masked them", directory, seq, encoder.scrubbed());
        }
        if (seq - checkpointRequestedSequence >= config.checkpointEvery) {
            requestCheckpoint();
        }
        return seq;
    }

    /** Writes one entry (encoding and hash); returns the file position after it. */
    private long write(byte[] entry, int length) throws JournalException {
        try (DocumentContext dc = appender.writingDocument()) {
            try {
                Bytes<?> bytes = dc.wire().bytes();
                bytes.write(entry, 0, length);
                return bytes.writePosition();
            } catch (RuntimeException | Error e) {
                dc.rollbackOnClose();
                throw e;
            }
        } catch (RuntimeException | InternalError e) {
            // InternalError is how the JVM reports a fault (SIGBUS) on a mapped page, for
            // example when the disk filled up under a memory-mapped file.
            throw new JournalException("cannot write to journal " + directory + ": " + describe(e), e);
        }
    }

    private void checkFreeSpace() throws JournalException {
        if (config.minFreeBytes <= 0) {
            return;
        }
        // Look at the disk every 250 ms, and sooner once this journal alone has written a quarter
        // of the reserve since the last look, so a fast writer cannot run past the reserve. The
        // clock is read every 16th append only: at most 16 events (256 KiB) between looks at it.
        boolean quarterWritten = bytesSinceSpaceCheck >= config.minFreeBytes / 4;
        if (!quarterWritten && ++appendsSinceClockLook < 16) {
            return;
        }
        appendsSinceClockLook = 0;
        long now = System.nanoTime();
        if (now - lastSpaceCheckNanos < SPACE_CHECK_NANOS && !quarterWritten) {
            return;
        }
        lastSpaceCheckNanos = now;
        bytesSinceSpaceCheck = 0;
        long free;
        try {
            free = fileStore.getUsableSpace();
        } catch (IOException e) {
            throw new JournalException("cannot tell the free space of the journal disk " + directory + ": "
                    + e.getMessage(), e);
        }
        if (free < config.minFreeBytes) {
            // Make the next append look again rather than trusting this reading.
            lastSpaceCheckNanos = now - SPACE_CHECK_NANOS;
            bytesSinceSpaceCheck = config.minFreeBytes;
            throw new JournalException("journal disk is full: " + free + " bytes free under " + directory
                    + ", the journal keeps at least " + config.minFreeBytes + "; event not written");
        }
    }

    /** The chain head to checkpoint, captured under the append lock: its event, and where that event ends in its file. */
    private record Head(long sequence, Hash hash, int cycle, long position) {
    }

    private Head head() {
        return new Head(lastSequence, Hash.of(lastHash), lastCycle, lastPosition);
    }

    /**
     * Under the append lock: hands a checkpoint of the current head to the scheduler thread.
     * Checkpoints asked for within {@link Builder#checkpointBatchWindow} of the last batch wait
     * for the window to end and are written together (one sync, one forced write of their
     * lines), each line still naming the event it was asked for: a busy journal syncs its disk a
     * few times a second instead of every few hundred microseconds, and loses no checkpoint line.
     */
    private void requestCheckpoint() {
        checkpointRequestedSequence = lastSequence;
        long now = System.nanoTime();
        lastCheckpointNanos = now;
        Head head = head();
        synchronized (pendingCheckpoints) {
            pendingCheckpoints.add(head);
            if (checkpointsScheduled) {
                return;
            }
            checkpointsScheduled = true;
        }
        schedulePendingCheckpoints(now);
    }

    /**
     * Hands the waiting checkpoints to the scheduler thread, to be written when the batch window
     * that began with the last write has passed. The caller has set {@link #checkpointsScheduled}.
     */
    private void schedulePendingCheckpoints(long now) {
        long wait = config.checkpointBatchWindow.toNanos() - (now - checkpointBatchNanos);
        try {
            if (wait > 0) {
                scheduler.schedule(this::writePendingCheckpoints, wait, TimeUnit.NANOSECONDS);
            } else {
                scheduler.execute(this::writePendingCheckpoints);
            }
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            synchronized (pendingCheckpoints) {
                checkpointsScheduled = false; // close() writes the waiting checkpoints itself
            }
        }
    }

    /**
     * On the scheduler thread: writes the checkpoints the append path asked for, oldest first.
     * Those asked for while it writes wait for the next window: {@link #checkpointsScheduled}
     * stays set until the write is done, and a batch is never written sooner than the window
     * after the one before, whatever wrote that one.
     */
    private void writePendingCheckpoints() {
        long now = System.nanoTime();
        if (now - checkpointBatchNanos < config.checkpointBatchWindow.toNanos()) {
            schedulePendingCheckpoints(now); // an explicit or timed checkpoint was written since
            return;
        }
        List<Head> heads = takeWaiting();
        try {
            writeCheckpoints(heads);
        } catch (JournalException e) {
            // Keep the lines for the retry (the timed checkpoint, or close), in their order.
            synchronized (pendingCheckpoints) {
                pendingCheckpoints.addAll(0, heads);
                checkpointsScheduled = false;
            }
            LOG.error("journal {}: {}; appends are refused until a checkpoint succeeds", directory, e.getMessage());
            return;
        }
        boolean more;
        synchronized (pendingCheckpoints) {
            more = !pendingCheckpoints.isEmpty();
            checkpointsScheduled = more;
        }
        if (more) {
            schedulePendingCheckpoints(System.nanoTime());
        }
    }

    /** Takes the checkpoints still waiting for their batch window, oldest first. */
    private List<Head> takeWaiting() {
        synchronized (pendingCheckpoints) {
            List<Head> heads = new ArrayList<>(pendingCheckpoints);
            pendingCheckpoints.clear();
            return heads;
        }
    }

    /** {@code head} after the checkpoints still waiting for their batch window, which are taken. */
    private List<Head> waitingAnd(Head head) {
        List<Head> heads = takeWaiting();
        heads.add(head);
        return heads;
    }

    /**
     * Writes a checkpoint for the latest event now, on the calling thread, and returns once it
     * is on disk; so are the checkpoints still waiting for their batch window, each naming its event.
     */
    public void checkpoint() throws JournalException {
        Head head;
        lock.lock();
        try {
            if (closed) {
                throw new JournalException("journal " + directory + " is closed");
            }
            checkpointRequestedSequence = lastSequence;
            lastCheckpointNanos = System.nanoTime();
            head = head();
        } finally {
            lock.unlock();
        }
        writeCheckpoints(waitingAnd(head));
    }

    /**
     * Makes the events up to the last of {@code heads} durable (fsync of their cycle files), then
     * appends and forces a checkpoint line for each head not written yet, so that after a power
     * loss no checkpoint names an event the disk does not hold.
     */
    private void writeCheckpoints(List<Head> heads) throws JournalException {
        synchronized (checkpointLock) {
            List<Head> due = new ArrayList<>(heads.size());
            for (Head h : heads) {
                if (h.sequence > checkpointWrittenSequence && (due.isEmpty() || h.sequence > due.get(due.size() - 1).sequence)) {
                    due.add(h);
                }
            }
            if (due.isEmpty()) {
                return;
            }
            Head head = due.get(due.size() - 1);
            try {
                int from = checkpointWrittenCycle == Integer.MIN_VALUE ? head.cycle : checkpointWrittenCycle;
                for (int cycle = from; cycle <= head.cycle; cycle++) {
                    Path file = directory.resolve(ChronicleRuntime.fileName(queue.rollCycle(), cycle));
                    if (!Files.exists(file)) {
                        continue;
                    }
                    if (cycle == head.cycle) {
                        // Up to the head only: the pages prepared ahead stay unwritten (see CycleFileSync).
                        headFileSync.syncUpTo(file, head.position);
                    } else {
                        CycleFileSync.syncWhole(file);
                    }
                }
                List<Checkpoint> lines = new ArrayList<>(due.size());
                for (Head h : due) {
                    lines.add(Checkpoint.create(journalId, h.sequence, h.hash, config.clock.instant(), config.signer));
                }
                checkpointLog.appendAll(lines);
            } catch (IOException | RuntimeException e) {
                JournalException failure = new JournalException("cannot write checkpoint for event " + head.sequence
                        + " to " + checkpointLog.file() + ": " + describe(e), e);
                checkpointFailure = failure;
                throw failure;
            }
            checkpointWrittenSequence = head.sequence;
            checkpointWrittenCycle = head.cycle;
            checkpointFailure = null;
            checkpointBatchNanos = System.nanoTime();
        }
    }

    private void writeCheckpointLogged(List<Head> heads) {
        try {
            writeCheckpoints(heads);
        } catch (JournalException e) {
            LOG.error("journal {}: {}; appends are refused until a checkpoint succeeds", directory, e.getMessage());
        }
    }

    private void timedCheckpoint() {
        Head head = null;
        lock.lock();
        try {
            boolean retry = checkpointFailure != null;
            // Half the interval: the scheduler's delay runs from the end of the previous run.
            boolean due = lastSequence > checkpointRequestedSequence
                    && System.nanoTime() - lastCheckpointNanos >= config.checkpointInterval.toNanos() / 2;
            if (!closed && (retry || due)) {
                checkpointRequestedSequence = lastSequence;
                lastCheckpointNanos = System.nanoTime();
                head = head();
            }
        } finally {
            lock.unlock();
        }
        if (head != null) {
            writeCheckpointLogged(waitingAnd(head));
        }
    }

    private void scheduledSweep() {
        try {
            sweepRetention();
        } catch (JournalException e) {
            LOG.error("journal {}: retention sweep failed: {}", directory, e.getMessage());
        }
    }

    /**
     * Deletes the whole, closed cycle files whose every event is older than the retention period
     * (PCI DSS 10.5.1), oldest first, and journals the deletion with the hash of the last deleted
     * event and of each deleted file, so that {@code verify} still passes across the gap.
     * Runs on its own every {@link Builder#retentionSweepInterval}; call it to sweep now.
     *
     * @return the files deleted (empty when none were due)
     */
    public List<String> sweepRetention() throws JournalException {
        synchronized (sweepLock) {
            if (!isOpen()) {
                return List.of();
            }
            return sweep();
        }
    }

    /**
     * Reads the due (closed, immutable) cycles without the append lock, so a long sweep does not
     * stall the agent; only the deletion and its record take the lock.
     */
    private List<String> sweep() throws JournalException {
        net.openhft.chronicle.queue.RollCycle rc = queue.rollCycle();
        queue.refreshDirectoryListing();
        java.util.NavigableSet<Integer> cycles = ChronicleRuntime.cyclesOnDisk(directory, rc);
        if (cycles.size() < 2) {
            return List.of();
        }
        long cutoffMillis = config.clock.millis() - config.retention.toMillis();
        // The newest cycle holds the chain's head and stays, whatever its age.
        List<Integer> due = new ArrayList<>();
        for (int cycle : cycles.headSet(cycles.last(), false)) {
            long cycleEndMillis = (cycle + 1L) * rc.lengthInMillis();
            if (cycleEndMillis > cutoffMillis) {
                break;
            }
            due.add(cycle);
        }
        if (due.isEmpty()) {
            return List.of();
        }
        int lastDue = due.get(due.size() - 1);
        // Per due cycle: its first and last sequence, the hash of its last event, its event count.
        java.util.TreeMap<Integer, long[]> stats = new java.util.TreeMap<>();
        java.util.Map<Integer, Hash> lastHash = new java.util.HashMap<>();
        try (EntryCursor cursor = new EntryCursor(queue)) {
            while (cursor.next() && rc.toCycle(cursor.index()) <= lastDue) {
                AuditEvent e = decodeOrFail(cursor);
                int cycle = rc.toCycle(cursor.index());
                long[] s = stats.computeIfAbsent(cycle, c -> new long[] {e.sequence(), 0, 0});
                s[1] = e.sequence();
                s[2]++;
                lastHash.put(cycle, e.hash());
            }
        }
        List<Integer> deletable = heldBackBy(due, stats);
        long firstSeq = -1;
        long lastSeq = -1;
        Hash anchor = null;
        long events = 0;
        for (int cycle : deletable) {
            long[] s = stats.get(cycle);
            if (s == null) {
                continue;
            }
            if (firstSeq < 0) {
                firstSeq = s[0];
            }
            lastSeq = s[1];
            anchor = lastHash.get(cycle);
            events += s[2];
        }
        if (anchor == null) {
            return List.of();
        }
        TreeMap<String, String> fileHashes = new TreeMap<>();
        for (int cycle : deletable) {
            String name = ChronicleRuntime.fileName(rc, cycle);
            fileHashes.put(name, sha256Of(directory.resolve(name)));
        }
        lock.lock();
        try {
            if (closed) {
                return List.of();
            }
            return deleteAndRecord(fileHashes, events, firstSeq, lastSeq, anchor);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The leading due cycles the retention guard lets go: those whose every event is at or below
     * what it answers (for example, what a shipper had acknowledged). A guard that fails lets
     * nothing go. When cycles are held back, and they differ from the last sweep's, a
     * {@link SystemEvents#RETENTION_HELD_BACK} event says which and why.
     */
    private List<Integer> heldBackBy(List<Integer> due, java.util.TreeMap<Integer, long[]> stats)
            throws JournalException {
        if (config.retentionGuard == null) {
            return due;
        }
        long deletableThrough;
        String why = null;
        try {
            deletableThrough = config.retentionGuard.getAsLong();
        } catch (RuntimeException e) {
            deletableThrough = -1;
            why = "the retention guard failed (" + e.getClass().getName() + ")";
        }
        List<Integer> deletable = new ArrayList<>();
        for (int cycle : due) {
            long[] s = stats.get(cycle);
            if (s != null && s[1] > deletableThrough) {
                break;
            }
            deletable.add(cycle);
        }
        List<String> held = new ArrayList<>();
        long firstHeld = -1;
        for (int cycle : due.subList(deletable.size(), due.size())) {
            held.add(ChronicleRuntime.fileName(queue.rollCycle(), cycle));
            long[] s = stats.get(cycle);
            if (firstHeld < 0 && s != null) {
                firstHeld = s[0];
            }
        }
        if (!held.equals(lastHeldBack)) {
            lastHeldBack = List.copyOf(held);
            if (!held.isEmpty()) {
                EventDraft record = systemEvent(SystemEvents.RETENTION_HELD_BACK)
                        .objects(held)
                        .count("retention.held-back-files", held.size())
                        .count("retention.deletable-through", Math.max(-1, deletableThrough))
                        .count("retention.first-held-seq", firstHeld)
                        .extension("retention.held-back-by", why != null ? why
                                : "the retention guard: events after " + deletableThrough + " are not yet released "
                                + "(for example, not yet acknowledged by a shipper)")
                        .succeeded();
                lock.lock();
                try {
                    if (!closed) {
                        appendLocked(record, true);
                    }
                } finally {
                    lock.unlock();
                }
                LOG.warn("journal {}: retention held back {} ({})", directory, held,
                        why != null ? why : "not released through sequence " + (firstHeld));
            }
        }
        return deletable;
    }

    private List<String> deleteAndRecord(TreeMap<String, String> fileHashes, long events, long firstSeq, long lastSeq,
                                         Hash anchor) throws JournalException {
        List<String> deleted = new ArrayList<>();
        for (String name : fileHashes.keySet()) {
            try {
                Files.deleteIfExists(directory.resolve(name));
                deleted.add(name);
            } catch (IOException e) {
                throw new JournalException("retention could not delete " + directory.resolve(name) + ": "
                        + e.getMessage() + " (deleted before it: " + deleted + ")", e);
            }
        }
        queue.refreshDirectoryListing();
        StringBuilder files = new StringBuilder();
        fileHashes.forEach((k, v) -> files.append(files.length() == 0 ? "" : ",").append(k).append('=').append(v));
        EventDraft record = systemEvent(SystemEvents.RETENTION_DELETE)
                .objects(deleted)
                .count("retention.events-deleted", events)
                .count("retention.first-deleted-seq", firstSeq)
                .count("retention.last-deleted-seq", lastSeq)
                .extension(SystemEvents.FIRST_RETAINED, Long.toString(lastSeq + 1))
                .extension(SystemEvents.ANCHOR, anchor.toHex())
                .extension(SystemEvents.DELETED_FILES, files.toString())
                .succeeded();
        appendLocked(record, true);
        LOG.info("journal {}: retention deleted {} ({} events, up to sequence {})", directory, deleted, events, lastSeq);
        return deleted;
    }

    private static String sha256Of(Path file) throws JournalException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] b = new byte[1 << 16];
            int n;
            while ((n = in.read(b)) > 0) {
                md.update(b, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new JournalException("cannot hash " + file + " before deleting it: " + e.getMessage(), e);
        }
    }

    /** The sequence number of the newest event. */
    public long lastSequence() {
        lock.lock();
        try {
            return lastSequence;
        } finally {
            lock.unlock();
        }
    }

    /** The hash of the newest event. */
    public Hash lastHash() {
        lock.lock();
        try {
            return Hash.of(lastHash);
        } finally {
            lock.unlock();
        }
    }

    /** This journal's id: the prefix of every event id. */
    public String journalId() {
        return journalId;
    }

    /** The journal directory. */
    public Path directory() {
        return directory;
    }

    /** True until {@link #close()}. */
    public boolean isOpen() {
        lock.lock();
        try {
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes the {@code journal.close} event and a final checkpoint, then releases the files.
     * Idempotent.
     */
    @Override
    public void close() throws JournalException {
        // An interrupted caller (an executor shutting down, say) must still get its final
        // checkpoint: an interrupt closes any FileChannel the checkpoint touches. Clear the
        // flag for the duration of close and restore it afterwards.
        boolean[] interrupted = {Thread.interrupted()};
        try {
            closeUninterrupted(interrupted);
        } finally {
            if (interrupted[0]) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void closeUninterrupted(boolean[] interrupted) throws JournalException {
        JournalException failure = null;
        Head head;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            try {
                appendLocked(systemEvent(SystemEvents.CLOSE).succeeded(), true);
            } catch (JournalException e) {
                failure = e;
            } catch (RuntimeException e) {
                failure = new JournalException("cannot write the close event to " + directory + ": " + describe(e), e);
            }
            closed = true;
            head = head();
        } finally {
            lock.unlock();
        }
        if (pretoucher != null) {
            pretoucher.stop(); // before the queue closes under its mapping
        }
        try {
            // Let a checkpoint already being written finish; those still waiting for their
            // batch window are written now, with the final one.
            interrupted[0] |= awaitScheduler();
            checkpointFailure = null; // the final checkpoint gets its own chance
            writeCheckpoints(waitingAnd(head));
        } catch (JournalException e) {
            if (failure == null) {
                failure = e;
            }
        } finally {
            // Whatever failed above, the files are released: a journal never stays half open.
            try {
                appender.close();
                queue.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = new JournalException("cannot close the queue in " + directory + ": " + describe(e), e);
                }
            }
            synchronized (checkpointLock) {
                try {
                    headFileSync.close();
                } catch (IOException e) {
                    if (failure == null) {
                        failure = new JournalException("cannot close " + directory + ": " + e.getMessage(), e);
                    }
                }
            }
            try {
                checkpointLog.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = new JournalException("cannot close " + checkpointLog.file() + ": " + e.getMessage(), e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Waits for the scheduler to finish; returns whether the wait was interrupted. */
    private boolean awaitScheduler() {
        scheduler.shutdown();
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
            while (true) {
                try {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || scheduler.awaitTermination(left, TimeUnit.NANOSECONDS)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true; // keep waiting; close() restores the flag at the end
                }
            }
        } finally {
            if (!scheduler.isTerminated()) {
                scheduler.shutdownNow();
            }
        }
        return interrupted;
    }

    @Override
    public String toString() {
        return "Journal[" + directory + ", id=" + journalId + "]";
    }

    private EventDraft systemEvent(String action) {
        return EventDraft.of(Phase.SYSTEM, Channel.JOURNAL)
                .agent(SystemEvents.JOURNAL_AGENT)
                .resource(directory.toString())
                .action(action);
    }

    private record LastEntry(AuditEvent event, String position) {
    }

    private static LastEntry readLastEntry(SingleChronicleQueue queue) throws JournalException {
        try (EntryCursor cursor = EntryCursor.fromEnd(queue)) {
            if (!cursor.next()) {
                return null;
            }
            AuditEvent e = decodeOrFail(cursor);
            return new LastEntry(e, cursor.position());
        }
    }

    private static AuditEvent decodeOrFail(EntryCursor cursor) throws JournalException {
        try {
            return EventCodec.decode(cursor.buffer(), cursor.length());
        } catch (MalformedEventException e) {
            throw new JournalCorruptException(cursor.position(), e.getMessage());
        }
    }

    private static String journalIdOf(String eventId, String position) throws JournalException {
        int dash = eventId.indexOf('-');
        if (dash != 12) {
            throw new JournalCorruptException(position, "event id '" + eventId + "' is not '<journal id>-<sequence>'");
        }
        return eventId.substring(0, dash);
    }

    private static long lastCheckpointSequenceIn(Path file, String journalId) throws JournalException {
        try {
            Checkpoint last = CheckpointLog.read(file).last();
            return last != null && last.journalId().equals(journalId) ? last.sequence() : 0;
        } catch (IOException e) {
            throw new JournalException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (MalformedCheckpointException e) {
            throw new JournalException(e.getMessage() + "; refusing to append to a journal whose checkpoints are damaged");
        }
    }

    private static String describe(Throwable e) {
        String msg = e.getMessage();
        return e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }

    /** Configures and opens a {@link Journal}. Every setting has a safe default. */
    public static final class Builder {
        private final Path directory;
        private RollCycle rollCycle = RollCycle.DAILY;
        private int checkpointEvery = 1_000;
        private Duration checkpointInterval = Duration.ofSeconds(60);
        private Duration checkpointBatchWindow = Duration.ofMillis(100);
        private CheckpointSigner signer;
        private Duration retention = Duration.ofDays(365);
        private Duration retentionSweepInterval = Duration.ofHours(1);
        private java.util.function.LongSupplier retentionGuard;
        private Clock clock = Clock.systemUTC();
        private long minFreeBytes = 64L * 1024 * 1024;

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
        }

        /** How often a new file starts (default {@link RollCycle#DAILY}). */
        public Builder rollCycle(RollCycle cycle) {
            this.rollCycle = Objects.requireNonNull(cycle, "rollCycle");
            return this;
        }

        /** Writes a checkpoint after this many events (default 1000; 1 to 10,000,000). */
        public Builder checkpointEvery(int events) {
            if (events < 1 || events > 10_000_000) {
                throw new IllegalArgumentException("checkpointEvery must be 1 to 10,000,000 events, got " + events);
            }
            this.checkpointEvery = events;
            return this;
        }

        /** Writes a checkpoint at least this often while events arrive (default 60 s; 1 s to 1 day). */
        public Builder checkpointInterval(Duration interval) {
            if (interval == null || interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("checkpointInterval must be 1 s to 1 day, got " + interval);
            }
            this.checkpointInterval = interval;
            return this;
        }

        /**
         * The shortest time between two checkpoint writes (default 100 ms; 0 to 10 s). A
         * checkpoint is a disk sync: a journal taking 100,000 events a second would otherwise
         * sync every 10 ms at the default {@link #checkpointEvery}. Checkpoints asked for within
         * the window are still each written, naming the event they were asked for, together at
         * its end; so an event is synced and checkpointed within about this long after the
         * {@code checkpointEvery} rule asks for it (plus the sync itself, and any retention sweep
         * running on the journal's thread). {@link Journal#checkpoint()}, the timed checkpoint and
         * {@link Journal#close()} write at once, with any checkpoint still waiting. The price of a
         * wider window: a disk that fails a sync is noticed (and appends refused) that much later.
         */
        public Builder checkpointBatchWindow(Duration window) {
            if (window == null || window.isNegative() || window.compareTo(Duration.ofSeconds(10)) > 0) {
                throw new IllegalArgumentException("checkpointBatchWindow must be 0 to 10 s, got " + window);
            }
            this.checkpointBatchWindow = window;
            return this;
        }

        /**
         * Signs checkpoints with this Ed25519 key. Without a signer checkpoints still record the
         * chain head, but only a signature stops someone who can write the disk from forging them.
         */
        public Builder signer(CheckpointSigner signer) {
            this.signer = Objects.requireNonNull(signer, "signer");
            return this;
        }

        /**
         * Keeps events at least this long (default 365 days, PCI DSS 10.5.1; at least 1 minute).
         */
        public Builder retention(Duration retention) {
            if (retention == null || retention.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new IllegalArgumentException("retention must be at least 1 minute, got " + retention
                        + "; PCI DSS 10.5.1 asks for 12 months, 3 of them immediately available");
            }
            this.retention = retention;
            return this;
        }

        /**
         * What the retention sweep may delete at most: it deletes a due cycle file only when every
         * event in it has a sequence at or below what {@code deletableThrough} answers, asked at
         * every sweep. A shipper passes what it had acknowledged
         * ({@code RetentionHold.untilShipped(dir, target)}), so a cycle no central store holds yet
         * is never deleted. A guard that throws lets nothing be deleted. Held-back cycles are
         * journaled ({@link SystemEvents#RETENTION_HELD_BACK}). Default: no guard.
         */
        public Builder retentionGuard(java.util.function.LongSupplier deletableThrough) {
            this.retentionGuard = Objects.requireNonNull(deletableThrough, "deletableThrough");
            return this;
        }

        /** How often the retention sweep runs on its own (default 1 hour; at least 1 minute). */
        public Builder retentionSweepInterval(Duration interval) {
            if (interval == null || interval.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new IllegalArgumentException("retentionSweepInterval must be at least 1 minute, got " + interval);
            }
            this.retentionSweepInterval = interval;
            return this;
        }

        /** The clock for event timestamps and file rolling (default: the system UTC clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Refuses writes (with {@link JournalException}) once the journal's disk has less than
         * this many bytes free (default 64 MiB; 0 turns the check off). Chronicle maps its files
         * into memory; running out of space under a mapping would otherwise surface as a fault.
         */
        public Builder minFreeSpace(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("minFreeSpace must be 0 or more bytes, got " + bytes);
            }
            this.minFreeBytes = bytes;
            return this;
        }

        /**
         * Opens the journal, creating the directory if needed, and writes its
         * {@code journal.open} (or, after a crash, {@code journal.restart}) event.
         */
        public Journal open() throws JournalException {
            ChronicleRuntime.requireJvmFlags();
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new JournalException("cannot create journal directory " + directory + ": " + describe(e), e);
            }
            if (!Files.isWritable(directory)) {
                throw new JournalException("journal directory " + directory + " is not writable");
            }
            if (!ChronicleRuntime.isQueue(directory) && containsOtherFiles(directory)) {
                throw new JournalException(directory + " is not an AgentGuard journal (it has files but no "
                        + ChronicleRuntime.METADATA_FILE + "); choose an empty or new directory");
            }
            FileStore store;
            try {
                store = Files.getFileStore(directory);
            } catch (IOException e) {
                throw new JournalException("cannot inspect the disk of " + directory + ": " + describe(e), e);
            }
            SingleChronicleQueue queue;
            try {
                queue = ChronicleRuntime.open(directory, rollCycle, clock, false);
            } catch (RuntimeException e) {
                throw new JournalException("cannot open journal " + directory + ": " + describe(e), e);
            }
            CheckpointLog log = null;
            try {
                log = CheckpointLog.openForAppend(directory.resolve(CheckpointLog.FILE_NAME));
                return new Journal(this, queue, log, store);
            } catch (IOException | RuntimeException e) {
                queue.close();
                closeQuietly(log);
                if (e instanceof JournalException je) {
                    throw je;
                }
                throw new JournalException("cannot open journal " + directory + ": " + describe(e), e);
            }
        }

        private static void closeQuietly(CheckpointLog log) {
            if (log != null) {
                try {
                    log.close();
                } catch (IOException ignored) {
                    // already failing; the first error is the one to report
                }
            }
        }

        private static boolean containsOtherFiles(Path dir) throws JournalException {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
                for (Path p : s) {
                    if (!p.getFileName().toString().equals(CheckpointLog.FILE_NAME)) {
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                throw new JournalException("cannot list " + dir + ": " + describe(e), e);
            }
        }
    }
}
