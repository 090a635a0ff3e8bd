package dev.agentguard.audit.internal;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The encoder remembers the encoding of repeated field values by identity; what it writes must
 * never differ from what a fresh encoder writes for the same draft.
 */
class RememberingEncoderTest {

    private static final byte[] ID_PREFIX = "0123456789ab-".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final String PAN = "4111111111111111";

    @Test
    void writesExactlyWhatAFreshEncoderWritesForManyDraftsSharingValues() throws Exception {
        // A small pool of value instances, so that remembered encodings are hit, missed and evicted.
        String[] agents = {"payments-agent", "refunds-agent", "agent " + PAN};
        String[] sessions = {"jdbc-1", "jdbc-2", "jdbc-3", "jdbc-4", "jdbc-5", "jdbc-6"};
        String[] actions = {"SELECT id FROM cards WHERE id = ?", "UPDATE orders SET status = ? WHERE id = ?",
                "SELECT '" + PAN + "'", "x".repeat(600), "DELETE FROM t WHERE id = ?", "SELECT 1"};
        List<List<String>> objects = List.of(List.of("cards"), List.of("orders", "refunds"), List.of(), List.of(PAN));
        String[] countNames = {"rows", "parameters", "masked.pan", "masked." + PAN, "updated"};
        Random random = new Random(42);
        EventCodec.Encoder warm = new EventCodec.Encoder();
        byte[] prev = new byte[32];
        for (int i = 1; i <= 2_000; i++) {
            EventDraft d = EventDraft.of(random.nextBoolean() ? Phase.INTENT : Phase.OUTCOME, Channel.JDBC)
                    .agent(agents[random.nextInt(agents.length)])
                    .session(sessions[random.nextInt(sessions.length)])
                    .action(actions[random.nextInt(actions.length)])
                    .objects(objects.get(random.nextInt(objects.size())))
                    .decision(Decision.values()[random.nextInt(Decision.values().length - 1)], "rule-" + random.nextInt(3));
            for (int c = random.nextInt(4); c > 0; c--) {
                d.addCount(countNames[random.nextInt(countNames.length)], random.nextInt(5));
            }
            if (random.nextBoolean()) {
                d.extension("intent-seq", (long) random.nextInt(1000));
            }
            if (random.nextInt(10) == 0) {
                d.extension("note", "see " + PAN);
            }
            boolean safetyNet = random.nextInt(8) != 0;
            prev[i % 32] = (byte) i;
            warm.encode(ID_PREFIX, i, 1_000L * i, prev, d, safetyNet);
            EventCodec.Encoder fresh = new EventCodec.Encoder();
            fresh.encode(ID_PREFIX, i, 1_000L * i, prev, d, safetyNet);
            assertArrayEquals(Arrays.copyOf(fresh.buffer(), fresh.length()), Arrays.copyOf(warm.buffer(), warm.length()),
                    "event " + i);
            assertEquals(fresh.scrubbed(), warm.scrubbed(), "safety net hits of event " + i);
        }
    }

    @Test
    void copiesADraftAppendedAgainUnchangedAndNoticesEveryChange() throws Exception {
        EventCodec.Encoder warm = new EventCodec.Encoder();
        EventDraft intent = EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a").session("s")
                .action("SELECT '" + PAN + "'").objects(List.of("cards")).decision(Decision.ALLOWED, "read");
        EventDraft outcome = EventDraft.of(Phase.OUTCOME, Channel.JDBC).agent("a").session("s").succeeded();
        byte[] prev = new byte[32];
        for (int i = 1; i <= 40; i++) {
            EventDraft d = i % 2 == 0 ? outcome : intent;
            if (i % 2 == 0) {
                outcome.clearOutcome().succeeded().count("rows", i).extension("intent-seq", (long) i - 1);
            }
            if (i == 21) {
                intent.action("SELECT 2"); // a draft that changes after it was remembered
            }
            boolean safetyNet = i != 15;
            prev[i % 32] = (byte) i;
            warm.encode(ID_PREFIX, i, i, prev, d, safetyNet);
            EventCodec.Encoder fresh = new EventCodec.Encoder();
            fresh.encode(ID_PREFIX, i, i, prev, d, safetyNet);
            assertArrayEquals(Arrays.copyOf(fresh.buffer(), fresh.length()), Arrays.copyOf(warm.buffer(), warm.length()),
                    "event " + i);
            assertEquals(fresh.scrubbed(), warm.scrubbed(), "safety net hits of event " + i);
        }
        warm.encode(ID_PREFIX, 41, 41, prev, intent, true);
        assertEquals("SELECT 2", decode(warm).action());
    }

    @Test
    void countsTheSafetyNetsHitOnARememberedValueEveryTime() throws Exception {
        EventCodec.Encoder encoder = new EventCodec.Encoder();
        EventDraft d = EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a").action("SELECT '" + PAN + "'");
        for (int i = 1; i <= 3; i++) {
            encoder.encode(ID_PREFIX, i, 0, new byte[32], d, true);
            AuditEvent e = decode(encoder);
            assertEquals("SELECT '" + PanScrubber.REPLACEMENT + "'", e.action());
            assertEquals(Map.of(EventDraft.SAFETY_NET_COUNT, 1L), e.counts());
            assertEquals(1, encoder.scrubbed());
        }
    }

    @Test
    void writesTheNewValueOfAFieldThatChanged() throws Exception {
        EventCodec.Encoder encoder = new EventCodec.Encoder();
        EventDraft d = EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a").action("SELECT 1");
        encoder.encode(ID_PREFIX, 1, 0, new byte[32], d, true);
        d.action("SELECT 2");
        encoder.encode(ID_PREFIX, 2, 0, new byte[32], d, true);
        assertEquals("SELECT 2", decode(encoder).action());
    }

    @Test
    void writesANumericExtensionAsItsDecimalText() throws Exception {
        EventCodec.Encoder encoder = new EventCodec.Encoder();
        EventDraft d = EventDraft.of(Phase.OUTCOME, Channel.JDBC).agent("a")
                .extension("intent-seq", 1234L).extension("low", Long.MIN_VALUE).extension("minus", -7L).extension("zero", 0L);
        encoder.encode(ID_PREFIX, 1, 0, new byte[32], d, true);
        assertEquals(Map.of("intent-seq", "1234", "low", "-9223372036854775808", "minus", "-7", "zero", "0"),
                decode(encoder).extensions());
    }

    @Test
    void writesEveryNumberAsLongToStringDoesAcrossDigitCountAndIntBoundaries() throws Exception {
        EventCodec.Encoder encoder = new EventCodec.Encoder();
        List<Long> values = new ArrayList<>(List.of(0L, 1L, 9L, 10L, 11L, 99L, 100L, 101L, 999L, 1000L,
                (long) Integer.MAX_VALUE - 1, (long) Integer.MAX_VALUE, (long) Integer.MAX_VALUE + 1,
                999_999_999_999L, 1_000_000_000_000L, 999_999_999_999_999_999L, 1_000_000_000_000_000_000L,
                Long.MAX_VALUE - 1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, -1L, -10L, -100L,
                -(long) Integer.MAX_VALUE, -(long) Integer.MAX_VALUE - 2));
        for (long p = 1; p > 0 && p <= Long.MAX_VALUE / 10; p *= 10) {
            values.add(p - 1);
            values.add(p);
            values.add(p * 7 + 3);
        }
        for (long v : values) {
            // A value the safety net takes for a card number is masked instead (the test below).
            if (PanScrubber.looksLikePan(v == Long.MIN_VALUE ? 0 : Math.abs(v))) {
                continue;
            }
            EventDraft d = EventDraft.of(Phase.OUTCOME, Channel.JDBC).agent("a").extension("n", v);
            encoder.encode(ID_PREFIX, 1, 0, new byte[32], d, true);
            assertEquals(Long.toString(v), decode(encoder).extensions().get("n"), "extension " + v);
        }
        for (long seq : new long[] {1, 9, 10, 99, 100, Integer.MAX_VALUE, 1L + Integer.MAX_VALUE, Long.MAX_VALUE}) {
            encoder.encode(ID_PREFIX, seq, 0, new byte[32], EventDraft.of(Phase.OUTCOME, Channel.JDBC).agent("a"), true);
            AuditEvent e = decode(encoder);
            assertEquals(new String(ID_PREFIX, java.nio.charset.StandardCharsets.US_ASCII) + seq, e.eventId(), "id " + seq);
            assertEquals(seq, e.sequence());
        }
    }

    @Test
    void masksACardNumberGivenAsANumericExtension() throws Exception {
        EventCodec.Encoder encoder = new EventCodec.Encoder();
        EventDraft d = EventDraft.of(Phase.OUTCOME, Channel.JDBC).agent("a").extension("ref", Long.parseLong(PAN));
        encoder.encode(ID_PREFIX, 1, 0, new byte[32], d, true);
        AuditEvent e = decode(encoder);
        assertEquals(Map.of("ref", PanScrubber.REPLACEMENT), e.extensions());
        assertEquals(Map.of(EventDraft.SAFETY_NET_COUNT, 1L), e.counts());
    }

    private static AuditEvent decode(EventCodec.Encoder encoder) throws MalformedEventException {
        byte[] entry = Arrays.copyOf(encoder.buffer(), encoder.length() + 32);
        return EventCodec.decode(entry, entry.length);
    }
}
