package dev.agentguard.audit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventDraftTest {

    @Test
    void keepsCountsAndExtensionsInNameOrderWhateverOrderTheyCameIn() {
        EventDraft d = EventDraft.of(Phase.OUTCOME, Channel.JDBC)
                .count("rows", 3).count("masked.pan", 1).count("bytes", 10).count("rows", 4)
                .extension("zeta", "z").extension("alpha", "a").extension("mid", 5L);
        assertEquals(List.of("bytes", "masked.pan", "rows"), new ArrayList<>(d.counts().keySet()));
        assertEquals(Map.of("bytes", 10L, "masked.pan", 1L, "rows", 4L), d.counts());
        assertEquals(3, d.countSize());
        assertEquals("bytes", d.countName(0));
        assertEquals(4L, d.countValue(2));
        assertEquals(List.of("alpha", "mid", "zeta"), new ArrayList<>(d.extensions().keySet()));
        assertEquals("5", d.extensionValue(1));
        assertTrue(d.extensionIsNumber(1));
        assertEquals(5L, d.extensionNumber(1));
        assertFalse(d.extensionIsNumber(0));
        assertThrows(IllegalStateException.class, () -> d.extensionNumber(0));
    }

    @Test
    void addsUpACounterGivenMoreThanOnce() {
        EventDraft d = EventDraft.of(Phase.OUTCOME, Channel.JDBC).addCount("masked.pan", 2).addCount("rows", 1)
                .addCount("masked.pan", 3);
        assertEquals(Map.of("masked.pan", 5L, "rows", 1L), d.counts());
    }

    @Test
    void emptiesEverythingButPhaseAndChannel() {
        EventDraft d = full();
        d.clear();
        assertEquals(Phase.OUTCOME, d.phase());
        assertEquals(Channel.JDBC, d.channel());
        assertNull(d.agentId());
        assertNull(d.sessionId());
        assertNull(d.action());
        assertEquals(List.of(), d.objects());
        assertNull(d.decision());
        assertNull(d.outcome());
        assertEquals(Map.of(), d.counts());
        assertEquals(Map.of(), d.extensions());
        assertNull(d.duration());
        assertEquals(-1, d.durationNanos());
    }

    @Test
    void emptiesOnlyWhatAnOutcomeAddsKeepingWhoWhereAndWhat() {
        EventDraft d = full();
        d.clearOutcome();
        assertEquals("agent-7", d.agentId());
        assertEquals("alice", d.onBehalfOf());
        assertEquals("jdbc-1", d.sessionId());
        assertEquals("db", d.resource());
        assertEquals("SELECT ?", d.action());
        assertEquals(List.of("cards"), d.objects());
        assertNull(d.decision());
        assertNull(d.ruleId());
        assertNull(d.approvalRef());
        assertNull(d.outcome());
        assertNull(d.error());
        assertEquals(Map.of(), d.counts());
        assertEquals(Map.of(), d.extensions());
        assertNull(d.duration());
    }

    @Test
    void keepsAnImmutableObjectListAsGivenAndAppendsToIt() {
        List<String> tables = List.of("cards", "orders");
        EventDraft d = EventDraft.of(Phase.INTENT, Channel.JDBC).objects(tables);
        assertSame(tables, d.objects(), "an immutable list is kept, so an encoder may remember it");
        d.objects("refunds");
        assertEquals(List.of("cards", "orders", "refunds"), d.objects());
        assertThrows(UnsupportedOperationException.class, () -> d.objects().add("x"));
        List<String> mutable = new ArrayList<>(List.of("a"));
        EventDraft e = EventDraft.of(Phase.INTENT, Channel.JDBC).objects(mutable);
        mutable.add("b");
        assertEquals(List.of("a"), e.objects(), "a mutable list is copied");
        assertThrows(NullPointerException.class, () -> EventDraft.of(Phase.INTENT, Channel.JDBC).objects("a", null));
    }

    @Test
    void keepsADurationInNanosecondsAndRefusesANegativeOne() {
        EventDraft d = EventDraft.of(Phase.OUTCOME, Channel.JDBC).duration(Duration.ofMillis(7));
        assertEquals(7_000_000L, d.durationNanos());
        assertEquals(Duration.ofMillis(7), d.duration());
        assertEquals(Duration.ofNanos(42), d.durationNanos(42).duration());
        assertThrows(IllegalArgumentException.class, () -> d.durationNanos(-1));
        assertThrows(IllegalArgumentException.class, () -> d.duration(Duration.ofNanos(-1)));
        assertEquals(Long.MAX_VALUE, d.duration(Duration.ofDays(365L * 1000)).durationNanos(), "too long saturates");
    }

    @Test
    void refusesABadOrReservedExtensionNameEveryTimeItIsGiven() {
        for (int i = 0; i < 3; i++) {
            assertThrows(IllegalArgumentException.class, () -> EventDraft.of(Phase.OUTCOME, Channel.JDBC).extension("Bad", "x"));
            assertThrows(IllegalArgumentException.class, () -> EventDraft.of(Phase.OUTCOME, Channel.JDBC).extension("action", 1L));
        }
        assertEquals("x", EventDraft.of(Phase.OUTCOME, Channel.JDBC).extension("good-name", "x").extensions().get("good-name"));
    }

    private static EventDraft full() {
        return EventDraft.of(Phase.OUTCOME, Channel.JDBC).agent("agent-7").onBehalfOf("alice").session("jdbc-1")
                .trace("t").resource("db").action("SELECT ?").objects(List.of("cards"))
                .decision(Decision.MASKED, "read").approval("apr-1").failed("boom").count("rows", 1)
                .durationNanos(5).extension("intent-seq", 9L);
    }
}
