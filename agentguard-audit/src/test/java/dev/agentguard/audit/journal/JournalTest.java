package dev.agentguard.audit.journal;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Hash;
import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.integrity.JournalVerifier;
import dev.agentguard.audit.reader.EventFilter;
import dev.agentguard.audit.reader.JournalReader;
import dev.agentguard.audit.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalTest {

    @Test
    void writesEveryFieldAndReadsItBackExactly(@TempDir Path dir) throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:15:30.123456789Z"));
        long seq;
        try (Journal j = Journal.builder(dir).clock(clock).open()) {
            seq = j.append(EventDraft.of(Phase.OUTCOME, Channel.JDBC)
                    .agent("payments-agent").onBehalfOf("alice@example.com").session("conn-7").trace("4bf92f3577b34da6")
                    .intent("refund order 1001 — überprüfen 退款 🙂").resource("paymentsDb")
                    .action("UPDATE payments SET status = ? WHERE id = ? AND note = '" + "long text ".repeat(10) + "'")
                    .objects("PUBLIC.PAYMENTS", "PUBLIC.AUDIT").decision(Decision.APPROVED, "refund-needs-approval")
                    .approval("apr-123").failed("ERROR: deadlock detected")
                    .count("rows", 1).count("masked.PUBLIC.CARDS.PAN", 0).duration(Duration.ofNanos(1_234_567))
                    .extension("x-ticket", "CHG-42"));
            assertEquals(2, seq, "event 1 is journal.open");
        }
        try (JournalReader r = JournalReader.open(dir)) {
            AuditEvent e = r.events(EventFilter.all()).get(1);
            assertEquals(AuditEvent.FORMAT_VERSION, e.formatVersion());
            assertEquals(seq, e.sequence());
            assertTrue(e.eventId().matches("[0-9a-f]{12}-2"), e.eventId());
            assertEquals(Instant.parse("2026-11-25T10:15:30.123456789Z"), e.timestamp());
            assertEquals(Phase.OUTCOME, e.phase());
            assertEquals("payments-agent", e.agentId());
            assertEquals("alice@example.com", e.onBehalfOf());
            assertEquals("conn-7", e.sessionId());
            assertEquals("4bf92f3577b34da6", e.traceId());
            assertEquals("refund order 1001 — überprüfen 退款 🙂", e.intent());
            assertEquals(Channel.JDBC, e.channel());
            assertEquals("paymentsDb", e.resource());
            assertEquals("UPDATE payments SET status = ? WHERE id = ? AND note = '" + "long text ".repeat(10) + "'", e.action());
            assertEquals(List.of("PUBLIC.PAYMENTS", "PUBLIC.AUDIT"), e.objects());
            assertEquals(Decision.APPROVED, e.decision());
            assertEquals("refund-needs-approval", e.ruleId());
            assertEquals("apr-123", e.approvalRef());
            assertEquals(Outcome.FAILURE, e.outcome());
            assertEquals("ERROR: deadlock detected", e.error());
            assertEquals(Map.of("rows", 1L, "masked.PUBLIC.CARDS.PAN", 0L), e.counts());
            assertEquals(Duration.ofNanos(1_234_567), e.duration());
            assertEquals(Map.of("x-ticket", "CHG-42"), e.extensions());
            AuditEvent open = r.events(EventFilter.all()).get(0);
            assertEquals(Hash.ZERO, open.previousHash());
            assertEquals(open.hash(), e.previousHash());
            assertEquals("journal.open", open.action());
            assertEquals(Channel.JOURNAL, open.channel());
        }
    }

    @Test
    void leavesAbsentOptionalFieldsAbsent(@TempDir Path dir) throws Exception {
        try (Journal j = Journal.builder(dir).open()) {
            j.append(EventDraft.of(Phase.IDENTITY, Channel.HTTP));
        }
        try (JournalReader r = JournalReader.open(dir)) {
            AuditEvent e = r.events(EventFilter.all().phase(Phase.IDENTITY)).get(0);
            assertNull(e.agentId());
            assertNull(e.decision());
            assertNull(e.outcome());
            assertNull(e.duration());
            assertEquals(List.of(), e.objects());
            assertEquals(Map.of(), e.counts());
        }
    }

    @Test
    void masksCardNumbersThatReachTheJournalUnredactedAndCountsThem(@TempDir Path dir) throws Exception {
        try (Journal j = Journal.builder(dir).open()) {
            j.append(EventDraft.of(Phase.INTENT, Channel.SSH).agent("ops-agent")
                    .action("grep 4111-1111-1111-1111 /var/log/app.log").failed("card 5555 5555 5555 4444 declined")
                    .objects("/tmp/378282246310005.csv").extension("x-note", "pan=6011111111111117"));
        }
        byte[] everything = readAllJournalBytes(dir);
        for (String pan : List.of("4111-1111-1111-1111", "5555 5555 5555 4444", "378282246310005", "6011111111111117")) {
            assertFalse(new String(everything, java.nio.charset.StandardCharsets.ISO_8859_1).contains(pan), pan + " reached the disk");
        }
        try (JournalReader r = JournalReader.open(dir)) {
            AuditEvent e = r.events(EventFilter.all().phase(Phase.INTENT)).get(0);
            assertEquals("grep [REDACTED:PAN] /var/log/app.log", e.action());
            assertEquals("card [REDACTED:PAN] declined", e.error());
            assertEquals(List.of("/tmp/[REDACTED:PAN].csv"), e.objects());
            assertEquals("pan=[REDACTED:PAN]", e.extensions().get("x-note"));
            assertEquals(4L, e.count(EventDraft.SAFETY_NET_COUNT).orElseThrow());
        }
    }

    @Test
    void keepsApprovalIdsActionHashesAndTraceIdsWhoseDigitsLookLikeACard(@TempDir Path dir) throws Exception {
        // Random references like these once lost a Luhn-valid stretch to the safety net, so the
        // journal no longer matched the approval it recorded.
        String approval = "apr-c9fb07a0-c416-4a90-98a4-356290077199";
        String actionHash = "c8bd4111111111111111e89f723e54f17e782c26370f9726e77fac7a7612cc90";
        String trace = "00-ab4111111111111111cdef0123456789-00f067aa0ba902b7-01";
        try (Journal j = Journal.builder(dir).open()) {
            j.append(EventDraft.of(Phase.APPROVAL, Channel.JDBC).agent("payments-bot").approval(approval)
                    .trace(trace).extension("action-hash", actionHash).action("card 4111111111111111"));
        }
        try (JournalReader r = JournalReader.open(dir)) {
            AuditEvent e = r.events(EventFilter.all().phase(Phase.APPROVAL)).get(0);
            assertEquals(approval, e.approvalRef());
            assertEquals(actionHash, e.extensions().get("action-hash"));
            assertEquals(trace, e.traceId());
            assertEquals("card [REDACTED:PAN]", e.action(), "a card beside them is still masked");
        }
    }

    @Test
    void masksCardNumbersInCountNamesCountValuesAndExtensionNames(@TempDir Path dir) throws Exception {
        try (Journal j = Journal.builder(dir).open()) {
            j.append(EventDraft.of(Phase.OUTCOME, Channel.JDBC).agent("a")
                    .count("masked.4111111111111111", 2).count("rows", 5555555555554444L)
                    .extension("x-5105105105105100", "ok"));
        }
        String everything = new String(readAllJournalBytes(dir), java.nio.charset.StandardCharsets.ISO_8859_1);
        for (String pan : List.of("4111111111111111", "5105105105105100")) {
            assertFalse(everything.contains(pan), pan + " reached the disk");
        }
        try (JournalReader r = JournalReader.open(dir)) {
            AuditEvent e = r.events(EventFilter.all().phase(Phase.OUTCOME)).get(0);
            assertEquals(2L, e.count("masked.[REDACTED:PAN]").orElseThrow());
            assertEquals(-1L, e.count("rows").orElseThrow(), "a count that is a card number is masked as -1");
            assertEquals("ok", e.extensions().get("x-[REDACTED:PAN]"));
            assertEquals(3L, e.count(EventDraft.SAFETY_NET_COUNT).orElseThrow());
        }
        assertEquals(3, JournalVerifier.forJournal(dir).verify().events());
    }

    @Test
    void writesTheFinalCheckpointWhenTheClosingThreadIsInterrupted(@TempDir Path dir) throws Exception {
        Journal j = Journal.builder(dir).checkpointEvery(1_000).open();
        j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a"));
        Thread.currentThread().interrupt();
        try {
            j.close();
            assertTrue(Thread.currentThread().isInterrupted(), "close keeps the caller's interrupt");
        } finally {
            Thread.interrupted();
        }
        assertFalse(j.isOpen());
        List<String> lines = Files.readAllLines(dir.resolve("checkpoints.log"));
        assertTrue(lines.get(lines.size() - 1).contains(" seq=3 "), "the last checkpoint covers journal.close (event 3): " + lines);
        assertEquals(3, JournalVerifier.forJournal(dir).verify().events());
    }

    @Test
    void writesItsOwnEventsExactlyEvenWhenAPathLooksLikeACardNumber(@TempDir Path tmp) throws Exception {
        // Operator-chosen paths and file hashes in the journal's own events are not agent data;
        // masking a Luhn-valid run inside a hash would break the retention anchor.
        Path dir = tmp.resolve("journal-4111111111111111");
        try (Journal j = Journal.builder(dir).open()) {
            j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a").resource(dir.toString()));
        }
        try (JournalReader r = JournalReader.open(dir)) {
            List<AuditEvent> events = r.events(EventFilter.all());
            assertEquals(dir.toAbsolutePath().toString(), events.get(0).resource(), "journal.open keeps the path");
            assertTrue(events.get(0).counts().isEmpty());
            // The temporary directory's random digits can pass for a card number too: mask them the same way.
            String parent = new dev.agentguard.audit.internal.PanScrubber().scrub(dir.getParent().toAbsolutePath().toString());
            assertEquals(parent + "/journal-[REDACTED:PAN]", events.get(1).resource(),
                    "an agent's event still goes through the safety net");
        }
    }

    @Test
    void keepsOneGaplessChainUnderConcurrentWriters(@TempDir Path dir) throws Exception {
        int threads = 4;
        int perThread = 2_000;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<Long>>> results = new ArrayList<>();
        try (Journal j = Journal.builder(dir).checkpointEvery(100).open()) {
            for (int t = 0; t < threads; t++) {
                String agent = "agent-" + t;
                results.add(pool.submit(() -> {
                    start.await();
                    List<Long> seqs = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        seqs.add(j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent(agent).action("SELECT " + i)));
                    }
                    return seqs;
                }));
            }
            start.countDown();
            for (Future<List<Long>> f : results) {
                List<Long> seqs = f.get();
                for (int i = 1; i < seqs.size(); i++) {
                    assertTrue(seqs.get(i) > seqs.get(i - 1), "a thread's events keep their order");
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(threads * perThread + 2, JournalVerifier.forJournal(dir).verify().events());
        try (JournalReader r = JournalReader.open(dir)) {
            Map<String, Integer> next = new HashMap<>();
            for (AuditEvent e : r.events(EventFilter.all().phase(Phase.INTENT))) {
                int expected = next.merge(e.agentId(), 1, Integer::sum) - 1;
                assertEquals("SELECT " + expected, e.action(), "per-agent order in the journal");
            }
            assertEquals(threads, next.size());
        }
    }

    @Test
    void continuesTheSameChainAfterACleanReopen(@TempDir Path dir) throws Exception {
        String id;
        Hash head;
        try (Journal j = Journal.builder(dir).open()) {
            id = j.journalId();
            j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a").action("SELECT 1"));
        }
        try (JournalReader r = JournalReader.open(dir)) {
            head = r.events(EventFilter.all()).get(2).hash();
        }
        try (Journal j = Journal.builder(dir).open()) {
            assertEquals(id, j.journalId());
            assertEquals(4, j.lastSequence(), "journal.open after the clean close");
        }
        try (JournalReader r = JournalReader.open(dir)) {
            AuditEvent reopened = r.events(EventFilter.all()).get(3);
            assertEquals("journal.open", reopened.action());
            assertEquals(head, reopened.previousHash());
        }
        assertEquals(5, JournalVerifier.forJournal(dir).verify().events());
    }

    @Test
    void writesACheckpointAfterTheIntervalEvenWhenFewEventsArrive(@TempDir Path dir) throws Exception {
        try (Journal j = Journal.builder(dir).checkpointInterval(Duration.ofSeconds(1)).open()) {
            long seq = j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a").action("SELECT 1"));
            Path log = dir.resolve("checkpoints.log");
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!(Files.exists(log) && Files.readString(log).contains(" seq=" + seq + " "))) {
                assertTrue(System.nanoTime() < deadline, "no timed checkpoint for event " + seq + " within 20 s");
                Thread.onSpinWait();
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
            }
        }
    }

    @Test
    void batchesTheCheckpointsAskedForWithinTheWindowAndWritesThemAllAtClose(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("checkpoints.log");
        List<Long> asked = new ArrayList<>();
        try (Journal j = Journal.builder(dir).checkpointEvery(10).checkpointBatchWindow(Duration.ofSeconds(10)).open()) {
            // Event 1 is journal.open: the first checkpoint is asked for at event 10, outside any
            // window, and written at once.
            for (int i = 0; i < 9; i++) {
                j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a").action("SELECT " + i));
            }
            asked.add(10L);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!(Files.exists(log) && Files.readString(log).contains(" seq=10 "))) {
                assertTrue(System.nanoTime() < deadline, "no checkpoint for event 10 within 20 s");
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
            }
            for (int i = 9; i < 100; i++) {
                long seq = j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a").action("SELECT " + i));
                if (seq % 10 == 0) {
                    asked.add(seq);
                }
            }
            // The next nine wait for the 10-second window: nothing more is synced or written yet.
            assertEquals(1, Files.readAllLines(log).size(), "one batch so far: " + Files.readAllLines(log));
            for (int i = 100; i < 125; i++) {
                long seq = j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a").action("SELECT " + i));
                if (seq % 10 == 0) {
                    asked.add(seq);
                }
            }
            // An explicit checkpoint writes at once, and the waiting ones before it.
            j.checkpoint();
            asked.add(126L);
            assertEquals(asked, checkpointsIn(log), "checkpoint() writes the waiting lines, then its own");
            long seq = j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a").action("SELECT 125"));
            assertEquals(127, seq);
        }
        List<Long> named = checkpointsIn(log);
        List<Long> expected = new ArrayList<>(asked);
        expected.add(128L); // journal.close
        assertEquals(expected, named, "close writes the waiting checkpoints, each naming the event it was asked for");
        assertEquals(named.size(), JournalVerifier.forJournal(dir).verify().checkpointsChecked());
    }

    private static List<Long> checkpointsIn(Path log) throws Exception {
        return dev.agentguard.audit.integrity.CheckpointLog.read(log).lines().stream()
                .map(l -> l.checkpoint().sequence()).toList();
    }

    @Test
    void rejectsOversizedTextAndBadExtensionNamesAtTheDraft() {
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> EventDraft.of(Phase.INTENT, Channel.JDBC).action("x".repeat(EventDraft.MAX_TEXT_LENGTH + 1)));
        assertEquals("action is 16385 characters; at most 16384 fit in one event: shorten or summarise it before journaling",
                big.getMessage());
        IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class,
                () -> EventDraft.of(Phase.INTENT, Channel.JDBC).extension("seq", "1"));
        assertEquals("extension name 'seq' is not allowed: use lower-case letters, digits, '.', '_' or '-', start with a letter, "
                + "and avoid the format's own field names", reserved.getMessage());
        for (String bad : List.of("", "Upper", "1st", "a b", "a:b", "é", "a".repeat(64))) {
            assertThrows(IllegalArgumentException.class, () -> EventDraft.of(Phase.INTENT, Channel.JDBC).extension(bad, "v"),
                    bad);
        }
        assertEquals("v", EventDraft.of(Phase.INTENT, Channel.JDBC).extension("a" + "z0_.-".repeat(12) + "b", "v")
                .extensions().values().iterator().next(), "63 characters of every allowed kind");
        assertThrows(IllegalArgumentException.class, () -> EventDraft.of(Phase.UNKNOWN, Channel.JDBC));
        assertThrows(IllegalArgumentException.class, () -> EventDraft.of(Phase.INTENT, Channel.JDBC).decision(Decision.UNKNOWN, "r"));
    }

    @Test
    void rejectsBadSettingsWithTheAllowedRange() {
        Journal.Builder b = Journal.builder(Path.of("j"));
        assertEquals("checkpointEvery must be 1 to 10,000,000 events, got 0",
                assertThrows(IllegalArgumentException.class, () -> b.checkpointEvery(0)).getMessage());
        assertEquals("checkpointInterval must be 1 s to 1 day, got PT0.5S",
                assertThrows(IllegalArgumentException.class, () -> b.checkpointInterval(Duration.ofMillis(500))).getMessage());
        assertEquals("checkpointBatchWindow must be 0 to 10 s, got PT-0.001S",
                assertThrows(IllegalArgumentException.class, () -> b.checkpointBatchWindow(Duration.ofMillis(-1))).getMessage());
        assertEquals("checkpointBatchWindow must be 0 to 10 s, got PT10.001S",
                assertThrows(IllegalArgumentException.class, () -> b.checkpointBatchWindow(Duration.ofMillis(10_001))).getMessage());
        assertEquals("minFreeSpace must be 0 or more bytes, got -1",
                assertThrows(IllegalArgumentException.class, () -> b.minFreeSpace(-1)).getMessage());
    }

    static byte[] readAllJournalBytes(Path dir) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                out.write(Files.readAllBytes(p));
            }
        }
        return out.toByteArray();
    }
}
