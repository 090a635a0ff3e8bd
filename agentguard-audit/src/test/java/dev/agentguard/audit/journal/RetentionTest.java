package dev.agentguard.audit.journal;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.integrity.JournalIntegrityException;
import dev.agentguard.audit.integrity.JournalVerifier;
import dev.agentguard.audit.integrity.VerificationSummary;
import dev.agentguard.audit.reader.EventFilter;
import dev.agentguard.audit.reader.JournalReader;
import dev.agentguard.audit.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PCI DSS 10.5.1: retention deletes whole old cycles, journals it, and verify still passes. */
class RetentionTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration CYCLE = Duration.ofMinutes(5);

    @Test
    void deletesOnlyWholeClosedCyclesOlderThanRetentionAndVerifyPassesAcrossTheGap(@TempDir Path dir) throws Exception {
        MutableClock clock = new MutableClock(T0);
        String firstFile;
        String firstFileSha;
        try (Journal j = Journal.builder(dir).rollCycle(RollCycle.FIVE_MINUTES).retention(Duration.ofMinutes(10))
                .clock(clock).checkpointEvery(4).open()) {
            for (int cycle = 0; cycle < 4; cycle++) {
                for (int i = 0; i < 5; i++) {
                    j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a").action("SELECT " + cycle + "." + i));
                }
                if (cycle < 3) {
                    clock.advance(CYCLE);
                }
            }
            assertEquals(4, cycleFiles(dir).size());
            firstFile = cycleFiles(dir).get(0);
            firstFileSha = sha256(dir.resolve(firstFile));

            // At T0+15m with 10 minutes' retention only the first cycle (ending T0+5m) is due.
            List<String> deleted = j.sweepRetention();
            assertEquals(List.of(firstFile), deleted);
            assertFalse(Files.exists(dir.resolve(firstFile)));
            assertEquals(List.of(), j.sweepRetention(), "nothing else is due yet");
        }

        VerificationSummary s = JournalVerifier.forJournal(dir).verify();
        assertEquals(7, s.firstSequence(), "journal.open and 5 events went with the first cycle");
        assertEquals(6, s.eventsDeletedByRetention());
        assertTrue(s.notes().contains("events 1 to 6 were deleted by retention, as journaled"), s.notes().toString());
        assertTrue(s.checkpointsRetired() >= 1);

        try (JournalReader r = JournalReader.open(dir)) {
            AuditEvent record = r.events(EventFilter.all().phase(Phase.SYSTEM)).stream()
                    .filter(e -> "retention.delete".equals(e.action())).findFirst().orElseThrow();
            assertEquals(List.of(firstFile), record.objects());
            assertEquals(6L, record.count("retention.events-deleted").orElseThrow());
            assertEquals(1L, record.count("retention.first-deleted-seq").orElseThrow());
            assertEquals(6L, record.count("retention.last-deleted-seq").orElseThrow());
            assertEquals("7", record.extensions().get("retention.first-retained-seq"));
            assertEquals(firstFile + "=" + firstFileSha, record.extensions().get("retention.deleted-files-sha256"));
            assertEquals(Channel.JOURNAL, record.channel());
        }
    }

    @Test
    void theRetentionGuardHoldsBackCyclesItHasNotReleasedAndSaysSoOnce(@TempDir Path dir) throws Exception {
        MutableClock clock = new MutableClock(T0);
        java.util.concurrent.atomic.AtomicLong released = new java.util.concurrent.atomic.AtomicLong(3);
        try (Journal j = Journal.builder(dir).rollCycle(RollCycle.FIVE_MINUTES).retention(Duration.ofMinutes(10))
                .clock(clock).retentionGuard(released::get).open()) {
            for (int cycle = 0; cycle < 4; cycle++) {
                for (int i = 0; i < 5; i++) {
                    j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a").action("SELECT " + cycle + "." + i));
                }
                clock.advance(CYCLE);
            }
            List<String> files = cycleFiles(dir);
            // At T0+20m two cycles are due (events 1 to 6 and 7 to 11), but only 1 to 3 were released.
            assertEquals(List.of(), j.sweepRetention());
            assertTrue(cycleFiles(dir).containsAll(files), "nothing deleted");
            assertEquals(List.of(), j.sweepRetention(), "still held back");

            released.set(11); // the first cycle (1 to 6) and the second (7 to 11) are released
            assertEquals(files.subList(0, 2), j.sweepRetention());
        }
        try (JournalReader r = JournalReader.open(dir)) {
            List<AuditEvent> held = r.events(EventFilter.all().phase(Phase.SYSTEM)).stream()
                    .filter(e -> SystemEvents.RETENTION_HELD_BACK.equals(e.action())).toList();
            assertEquals(1, held.size(), "journaled when the held-back set changes, not at every sweep: " + held);
            assertEquals(2, held.get(0).objects().size());
            assertEquals(3L, held.get(0).count("retention.deletable-through").orElseThrow());
            assertEquals(1L, held.get(0).count("retention.first-held-seq").orElseThrow());
        }
        assertEquals(12, JournalVerifier.forJournal(dir).verify().firstSequence());
    }

    @Test
    void aRetentionGuardThatFailsLetsNothingBeDeleted(@TempDir Path dir) throws Exception {
        MutableClock clock = new MutableClock(T0);
        try (Journal j = Journal.builder(dir).rollCycle(RollCycle.FIVE_MINUTES).retention(Duration.ofMinutes(10))
                .clock(clock).retentionGuard(() -> {
                    throw new IllegalStateException("cursor file unreadable");
                }).open()) {
            for (int cycle = 0; cycle < 3; cycle++) {
                j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a").action("SELECT 1"));
                clock.advance(CYCLE);
            }
            clock.advance(Duration.ofDays(1));
            List<String> files = cycleFiles(dir);
            assertEquals(List.of(), j.sweepRetention());
            assertTrue(cycleFiles(dir).containsAll(files), "nothing deleted");
        }
        try (JournalReader r = JournalReader.open(dir)) {
            AuditEvent held = r.events(EventFilter.all().phase(Phase.SYSTEM)).stream()
                    .filter(e -> SystemEvents.RETENTION_HELD_BACK.equals(e.action())).findFirst().orElseThrow();
            assertTrue(held.extensions().get("retention.held-back-by").contains("IllegalStateException"),
                    held.extensions().toString());
        }
    }

    @Test
    void sweepsAgainLaterAndKeepsTheNewestCycleWhateverItsAge(@TempDir Path dir) throws Exception {
        MutableClock clock = new MutableClock(T0);
        try (Journal j = Journal.builder(dir).rollCycle(RollCycle.FIVE_MINUTES).retention(Duration.ofMinutes(10))
                .clock(clock).open()) {
            for (int cycle = 0; cycle < 3; cycle++) {
                j.append(EventDraft.of(Phase.INTENT, Channel.SSH).agent("a").action("uptime"));
                clock.advance(CYCLE);
            }
            clock.advance(Duration.ofDays(30));
            List<String> deleted = j.sweepRetention();
            assertEquals(2, deleted.size(), "the newest cycle holds the chain head and stays: " + deleted);
            clock.advance(CYCLE);
            j.append(EventDraft.of(Phase.INTENT, Channel.SSH).agent("a").action("uptime"));
            clock.advance(Duration.ofDays(30));
            assertFalse(j.sweepRetention().isEmpty(), "a second sweep deletes what has aged since");
        }
        VerificationSummary s = JournalVerifier.forJournal(dir).verify();
        assertTrue(s.firstSequence() > 1);
        assertEquals(s.firstSequence() - 1, s.eventsDeletedByRetention());
    }

    @Test
    void detectsACycleDeletedBehindRetentionsBack(@TempDir Path dir) throws Exception {
        MutableClock clock = new MutableClock(T0);
        try (Journal j = Journal.builder(dir).rollCycle(RollCycle.FIVE_MINUTES).retention(Duration.ofMinutes(10))
                .clock(clock).open()) {
            for (int cycle = 0; cycle < 4; cycle++) {
                j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a").action("SELECT " + cycle));
                clock.advance(CYCLE);
            }
            j.sweepRetention();
        }
        List<String> files = cycleFiles(dir);
        Files.delete(dir.resolve(files.get(0)));
        JournalIntegrityException e = assertThrows(JournalIntegrityException.class, () -> JournalVerifier.forJournal(dir).verify());
        assertTrue(e.getMessage().contains("but no retention record accounts for events 1 to "), e.getMessage());
    }

    @Test
    void rejectsARetentionShorterThanAMinute() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Journal.builder(Path.of("x")).retention(Duration.ofSeconds(5)));
        assertEquals("retention must be at least 1 minute, got PT5S; PCI DSS 10.5.1 asks for 12 months, "
                + "3 of them immediately available", e.getMessage());
    }

    private static List<String> cycleFiles(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cq4")).sorted().toList();
        }
    }

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }
}
