package dev.agentguard.benchmarks;

import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Hash;
import dev.agentguard.audit.internal.EventCodec;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.JournalException;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The append cases, measured for throughput by {@link JournalAppendBenchmark} and for latency
 * percentiles by {@link JournalAppendLatencyBenchmark}. One operation appends one event,
 * alternately the INTENT and the OUTCOME of {@link SampleEvents}.
 *
 * <ul>
 *   <li>{@code chained}: {@link Journal#append}, the product path: encode, PAN safety net,
 *       SHA-256 chain step under the journal's lock, Chronicle write, checkpoint line every
 *       1000 events, free-space check.</li>
 *   <li>{@code unchained}: the same encoding of the same event written to a Chronicle queue
 *       with {@code writingDocument()}: no SHA-256, no lock, no checkpoints. The difference to
 *       {@code chained} is what tamper evidence costs.</li>
 *   <li>{@code rawChronicle}: pre-encoded bytes of the same sizes written to Chronicle: the
 *       floor set by the storage library alone.</li>
 * </ul>
 *
 * Each iteration gets a fresh journal (or queue) in a new temp directory, deleted after the
 * iteration, so disk usage and page-cache pressure stay bounded over a long run. Drafts are
 * built once per thread and reused, as {@link EventDraft} allows: building them is the channel
 * adapter's cost, not the journal's.
 */
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 3, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {ForkedJvm.OPEN_REFLECT, ForkedJvm.EXPORT_NIO, ForkedJvm.EXPORT_REF,
        ForkedJvm.NO_DISK_MONITOR, ForkedJvm.NO_BANNER, ForkedJvm.HEAP_MIN, ForkedJvm.HEAP_MAX})
public abstract class JournalAppendCases {
    private static final Clock CLOCK = Clock.systemUTC();
    private static final byte[] ZERO_HASH = new byte[Hash.LENGTH];

    /** The real journal, shared by all benchmark threads. */
    @State(Scope.Benchmark)
    public static class ChainedJournal {
        /**
         * Events between checkpoints: the product default. Each checkpoint appends a line to
         * {@code checkpoints.log} and forces it to disk under the journal's lock; to see what
         * that costs, run with {@code -p checkpointEvery=1000,10000000}.
         */
        @Param("1000")
        public int checkpointEvery;

        ScratchDirectory dir;
        Journal journal;

        @Setup(Level.Iteration)
        public void open() throws JournalException {
            dir = ScratchDirectory.create("agentguard-bench-journal-");
            journal = SampleEvents.openJournal(dir.path(), checkpointEvery);
        }

        @TearDown(Level.Iteration)
        public void close() throws JournalException {
            try {
                journal.close();
            } finally {
                dir.close();
            }
        }
    }

    /**
     * A bare Chronicle queue configured like the journal's (binary wire, daily files). Chronicle
     * appenders belong to one thread, so each benchmark thread gets its own, as an application
     * using Chronicle directly would do.
     */
    @State(Scope.Benchmark)
    public static class RawQueue {
        ScratchDirectory dir;
        SingleChronicleQueue queue;
        private final List<ExcerptAppender> appenders = new ArrayList<>();
        private ThreadLocal<ExcerptAppender> perThread;

        @Setup(Level.Iteration)
        public void open() {
            dir = ScratchDirectory.create("agentguard-bench-queue-");
            queue = SingleChronicleQueueBuilder.binary(dir.path())
                    .rollCycle(RollCycles.FAST_DAILY)
                    .timeoutMS(2_000)
                    .build();
            perThread = ThreadLocal.withInitial(this::newAppender);
        }

        private synchronized ExcerptAppender newAppender() {
            ExcerptAppender a = queue.createAppender();
            // Closed by the thread running the tear-down, not the one that wrote with it.
            a.singleThreadedCheckDisabled(true);
            appenders.add(a);
            return a;
        }

        ExcerptAppender appender() {
            return perThread.get();
        }

        @TearDown(Level.Iteration)
        public synchronized void close() {
            try {
                appenders.forEach(ExcerptAppender::close);
                appenders.clear();
                queue.close();
            } finally {
                dir.close();
            }
        }
    }

    /** What one benchmark thread writes: its drafts, its encoder and the matching raw entries. */
    @State(Scope.Thread)
    public static class Writer {
        final EventDraft intent = SampleEvents.intent();
        final EventDraft outcome = SampleEvents.outcome();
        final byte[] intentEntry = SampleEvents.storedEntry(intent);
        final byte[] outcomeEntry = SampleEvents.storedEntry(outcome);
        final EventCodec.Encoder encoder = new EventCodec.Encoder();
        long count;

        EventDraft nextDraft() {
            return (count++ & 1) == 0 ? intent : outcome;
        }

        byte[] nextEntry() {
            return (count++ & 1) == 0 ? intentEntry : outcomeEntry;
        }
    }

    @Benchmark
    public long chained(ChainedJournal j, Writer w) throws JournalException {
        return j.journal.append(w.nextDraft());
    }

    @Benchmark
    @Threads(2)
    public long chainedTwoThreads(ChainedJournal j, Writer w) throws JournalException {
        return j.journal.append(w.nextDraft());
    }

    @Benchmark
    public long unchained(RawQueue q, Writer w) {
        return appendUnchained(q, w);
    }

    @Benchmark
    @Threads(2)
    public long unchainedTwoThreads(RawQueue q, Writer w) {
        return appendUnchained(q, w);
    }

    @Benchmark
    public long rawChronicle(RawQueue q, Writer w) {
        return appendRaw(q, w);
    }

    @Benchmark
    @Threads(2)
    public long rawChronicleTwoThreads(RawQueue q, Writer w) {
        return appendRaw(q, w);
    }

    /** Everything {@link Journal#append} does to build the entry, minus the chain, lock and checkpoints. */
    private static long appendUnchained(RawQueue q, Writer w) {
        EventDraft draft = w.nextDraft();
        long seq = w.count;
        Instant now = CLOCK.instant();
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        EventCodec.Encoder encoder = w.encoder;
        encoder.encode(SampleEvents.EVENT_ID_PREFIX + seq, seq, nanos, Hash.ZERO, draft);
        try (DocumentContext dc = q.appender().writingDocument()) {
            Bytes<?> bytes = dc.wire().bytes();
            bytes.write(encoder.buffer(), 0, encoder.length());
            bytes.write(ZERO_HASH, 0, Hash.LENGTH);
        }
        return seq;
    }

    private static long appendRaw(RawQueue q, Writer w) {
        byte[] entry = w.nextEntry();
        try (DocumentContext dc = q.appender().writingDocument()) {
            dc.wire().bytes().write(entry, 0, entry.length);
        }
        return w.count;
    }
}
