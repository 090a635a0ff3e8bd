package dev.agentguard.audit.internal;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.JournalCorruptException;
import dev.agentguard.audit.journal.RollCycle;
import dev.agentguard.audit.reader.EventFilter;
import dev.agentguard.audit.reader.JournalReader;
import dev.agentguard.audit.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EntryCursorTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private static List<Path> cycleFiles(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".cq4")).sorted().toList();
        }
    }

    private static void writeTwoCycles(Path dir, RollCycle rollCycle, Duration cycleLength) throws Exception {
        MutableClock clock = new MutableClock(T0);
        try (Journal j = Journal.builder(dir).rollCycle(rollCycle).clock(clock).open()) {
            j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a").action("SELECT 1"));
            clock.advance(cycleLength);
            j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a").action("SELECT 2"));
        }
    }

    @Test
    void namesTheNextCycleFileWhenItsHeaderIsDamaged(@TempDir Path dir) throws Exception {
        writeTwoCycles(dir, RollCycle.FIVE_MINUTES, Duration.ofMinutes(5));
        List<Path> files = cycleFiles(dir);
        assertEquals(2, files.size());
        try (RandomAccessFile f = new RandomAccessFile(files.get(1).toFile(), "rw")) {
            byte[] garbage = new byte[512];
            java.util.Arrays.fill(garbage, (byte) 0x7f);
            f.write(garbage);
        }
        try (JournalReader r = JournalReader.open(dir)) {
            JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> r.events(EventFilter.all()));
            assertTrue(e.getMessage().startsWith(files.get(1).getFileName() + " header: unreadable ("), e.getMessage());
        }
    }

    @Test
    void readsAJournalWithTheRollCycleItWasWrittenWith(@TempDir Path dir) throws Exception {
        writeTwoCycles(dir, RollCycle.HOURLY, Duration.ofHours(1));
        assertEquals(RollCycle.HOURLY, ChronicleRuntime.detectRollCycle(dir));
        try (JournalReader r = JournalReader.open(dir)) {
            List<AuditEvent> events = r.events(EventFilter.all().phase(Phase.INTENT));
            assertEquals(List.of("SELECT 1", "SELECT 2"), events.stream().map(AuditEvent::action).toList());
        }
    }

    @Test
    void detectsEveryRollCycle(@TempDir Path root) throws Exception {
        for (RollCycle rc : RollCycle.values()) {
            Path dir = root.resolve(rc.name());
            try (Journal j = Journal.builder(dir).rollCycle(rc).open()) {
                j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a"));
            }
            assertEquals(rc, ChronicleRuntime.detectRollCycle(dir), rc.name());
        }
    }
}
