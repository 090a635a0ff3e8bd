package dev.agentguard.benchmarks;

import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.integrity.JournalVerifier;
import dev.agentguard.audit.integrity.VerificationSummary;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.JournalException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Verification speed in events per second: {@link JournalVerifier#verify()} over a journal of
 * {@value #EVENTS} events (the JDBC INTENT/OUTCOME pairs of {@link SampleEvents} plus the
 * journal's own open and close events, with the default checkpoint every 1000 events). One
 * invocation verifies the whole journal and counts as {@value #EVENTS} operations, so the
 * score reads directly as events/s.
 *
 * <p>The journal is written once per fork and is then in the page cache: this measures the
 * verifier's CPU cost (read, parse, SHA-256, chain and checkpoint checks), not disk reads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 3, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {ForkedJvm.OPEN_REFLECT, ForkedJvm.EXPORT_NIO, ForkedJvm.EXPORT_REF,
        ForkedJvm.NO_DISK_MONITOR, ForkedJvm.NO_BANNER, ForkedJvm.HEAP_MIN, ForkedJvm.HEAP_MAX})
public class JournalVerifyBenchmark {
    /** Events in the verified journal, its open and close events included. */
    public static final int EVENTS = 1_000_000;

    private ScratchDirectory dir;

    @Setup(Level.Trial)
    public void writeJournal() throws JournalException {
        dir = ScratchDirectory.create("agentguard-bench-verify-");
        EventDraft intent = SampleEvents.intent();
        EventDraft outcome = SampleEvents.outcome();
        long started = System.nanoTime();
        try (Journal journal = SampleEvents.openJournal(dir.path())) {
            // The journal adds journal.open now and journal.close at close.
            for (int i = 0; i < EVENTS - 2; i++) {
                journal.append((i & 1) == 0 ? intent : outcome);
            }
        }
        long wrote = System.nanoTime() - started;
        VerificationSummary s = JournalVerifier.forJournal(dir.path()).verify();
        if (s.events() != EVENTS || s.lastSequence() != EVENTS) {
            throw new IllegalStateException("expected a journal of " + EVENTS + " events, verified " + s);
        }
        System.out.printf("%nwrote %,d events in %.1f s (%,.0f events/s, checkpoints included); "
                        + "%d checkpoints%n", EVENTS, wrote / 1e9, EVENTS / (wrote / 1e9), s.checkpointsChecked());
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public VerificationSummary verify() throws JournalException {
        return JournalVerifier.forJournal(dir.path()).verify();
    }

    @TearDown(Level.Trial)
    public void deleteJournal() {
        dir.close();
    }
}
