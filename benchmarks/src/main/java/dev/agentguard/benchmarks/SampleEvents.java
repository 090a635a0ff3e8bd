package dev.agentguard.benchmarks;

import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Hash;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.internal.EventCodec;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.JournalException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * The events every benchmark writes: the pair a guarded JDBC query leaves in the journal, an
 * INTENT before it runs and an OUTCOME after it ends. Benchmarks alternate between the two, so
 * one operation is one event of the size the journal sees in practice (385 and 284
 * bytes encoded, hash included).
 */
final class SampleEvents {
    /** The redacted SQL of the INTENT event: 85 characters, literals replaced by {@code ?}. */
    static final String REDACTED_SQL =
            "SELECT s.id, s.amount FROM settlements s JOIN merchants m USING (mid) WHERE s.day = ?";

    /**
     * Refuse appends below 1 GiB free: the product's check stays on the append path (it reads
     * the free space at most every 250 ms), and a long run can never fill the disk under
     * Chronicle's memory-mapped files.
     */
    static final long MIN_FREE_BYTES = 1L << 30;

    /** A journal event id as the journal makes them: 12 hex digits, a dash, the sequence. */
    static final String EVENT_ID_PREFIX = "3f9a0c1b2d4e-";

    private SampleEvents() {
    }

    /** The INTENT event of an allowed, two-table JDBC query. */
    static EventDraft intent() {
        return EventDraft.of(Phase.INTENT, Channel.JDBC)
                .agent("agent:settlement-reconciler@prod")
                .onBehalfOf("alice.martin@example.com")
                .session("jdbc-5c1e7a90-0042")
                .resource("payments-db")
                .action(REDACTED_SQL)
                .objects("settlements", "merchants")
                .decision(Decision.ALLOWED, "payments.read-settlements");
    }

    /** The OUTCOME event of the same query: success, counts and duration. */
    static EventDraft outcome() {
        return EventDraft.of(Phase.OUTCOME, Channel.JDBC)
                .agent("agent:settlement-reconciler@prod")
                .onBehalfOf("alice.martin@example.com")
                .session("jdbc-5c1e7a90-0042")
                .resource("payments-db")
                .succeeded()
                .count("rows", 42)
                .count("bytes", 5_376)
                .duration(Duration.ofNanos(3_200_000));
    }

    /**
     * The stored entry (encoding plus 32 hash bytes) of {@code draft} at a mid-run sequence
     * number: the same bytes, size for size, as the journal would write.
     */
    static byte[] storedEntry(EventDraft draft) {
        EventCodec.Encoder encoder = new EventCodec.Encoder();
        long seq = 500_000;
        encoder.encode(EVENT_ID_PREFIX + seq, seq, System.currentTimeMillis() * 1_000_000L, Hash.ZERO, draft);
        return Arrays.copyOf(encoder.buffer(), encoder.length() + Hash.LENGTH);
    }

    /** The product default of {@code Journal.Builder.checkpointEvery}. */
    static final int DEFAULT_CHECKPOINT_EVERY = 1_000;

    /** Opens a journal the way a service would: product defaults, checkpoint every 1000 events. */
    static Journal openJournal(Path dir) throws JournalException {
        return openJournal(dir, DEFAULT_CHECKPOINT_EVERY);
    }

    /** Opens a journal with product defaults but the given checkpoint spacing. */
    static Journal openJournal(Path dir, int checkpointEvery) throws JournalException {
        return Journal.builder(dir)
                .minFreeSpace(MIN_FREE_BYTES)
                .checkpointEvery(checkpointEvery)
                .open();
    }
}
