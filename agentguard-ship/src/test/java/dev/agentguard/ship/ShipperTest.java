package dev.agentguard.ship;

import dev.agentguard.audit.integrity.CheckpointLog;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.ship.testing.MemoryTarget;
import dev.agentguard.ship.testing.MutableClock;
import dev.agentguard.ship.testing.TestJournals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipper's side of the delivery contract, against a target that keeps what it gets in memory. */
class ShipperTest {
    @TempDir
    Path dir;

    private Path journal() {
        return dir.resolve("journal");
    }

    @Test
    void shipsEveryEventOnceAndEachCheckpointAfterItsEvent() throws Exception {
        TestJournals.write(journal(), "payments-agent", 2_500, 1_000);
        MemoryTarget target = new MemoryTarget("memory");
        ShipPosition p = Shipper.builder(journal()).target(target).registerMBean(false).maxBatchEvents(300)
                .shipAvailable(Duration.ofSeconds(30));
        assertEquals(2_502, p.sequence());
        assertEquals(sequence(1, 2_502), target.eventSequences());
        List<Long> checkpointSeqs = new ArrayList<>();
        long shipped = 0;
        for (ShipItem item : target.received()) {
            if (item instanceof ShipItem.Event e) {
                shipped = e.event().sequence();
            } else {
                long cp = ((ShipItem.CheckpointLine) item).checkpoint().sequence();
                assertTrue(cp <= shipped, "checkpoint for " + cp + " before its event");
                checkpointSeqs.add(cp);
            }
        }
        assertEquals(CheckpointLog.read(journal().resolve(CheckpointLog.FILE_NAME)).lines().stream()
                .map(l -> l.checkpoint().sequence()).toList(), checkpointSeqs);
        assertEquals(p, ShipCursor.in(journal(), "memory").read().orElseThrow());
    }

    @Test
    void resumesAfterTheCursorAndSendsNothingTwiceWhenNothingFailed() throws Exception {
        Path j = journal();
        MemoryTarget target = new MemoryTarget("memory");
        try (Journal journal = TestJournals.journal(j, 100).open()) {
            TestJournals.append(journal, "a", 150);
            Shipper.builder(j).target(target).registerMBean(false).shipAvailable(Duration.ofSeconds(30));
            TestJournals.append(journal, "a", 150);
        }
        Shipper.builder(j).target(target).registerMBean(false).shipAvailable(Duration.ofSeconds(30));
        assertEquals(sequence(1, 302), target.eventSequences());
        long checkpoints = target.received().stream().filter(i -> i instanceof ShipItem.CheckpointLine).count();
        assertEquals(CheckpointLog.read(j.resolve(CheckpointLog.FILE_NAME)).lines().size(), checkpoints);
    }

    @Test
    void aBatchThatFailsHalfwayIsSentAgainFromTheCursorAndNothingIsLost() throws Exception {
        TestJournals.write(journal(), "a", 1_000, 10_000);
        MemoryTarget target = new MemoryTarget("memory");
        target.failNextSends(3);
        ShipPosition p = Shipper.builder(journal()).target(target).registerMBean(false).maxBatchEvents(200)
                .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5)).shipAvailable(Duration.ofSeconds(30));
        assertEquals(1_002, p.sequence());
        assertEquals(4, target.connects(), "one connection, and a reconnect after each failure");
        List<Long> seqs = target.eventSequences();
        assertTrue(seqs.containsAll(sequence(1, 1_002)));
        assertEquals(1_002 + 3 * 100, seqs.size(), "the half batches that arrived before each failure come again");
    }

    @Test
    void theCursorMovesOnlyToWhatTheTargetAcknowledged() throws Exception {
        Path j = journal();
        MemoryTarget target = new MemoryTarget("memory");
        try (Journal journal = TestJournals.journal(j, 10_000).open()) {
            TestJournals.append(journal, "a", 100);
            Shipper.builder(j).target(target).registerMBean(false).shipAvailable(Duration.ofSeconds(30));
            target.acknowledgeNothing();
            TestJournals.append(journal, "a", 100);
            Shipper shipper = Shipper.builder(j).target(target).registerMBean(false).pollInterval(Duration.ofMillis(5)).start();
            try {
                target.awaitItems(201, Duration.ofSeconds(30));
            } finally {
                shipper.close();
            }
        }
        assertEquals(101, ShipCursor.in(j, "memory").read().orElseThrow().sequence(),
                "sent but unacknowledged events stay after the cursor");
    }

    @Test
    void refusesToContinueIntoAJournalThatReplacedTheShippedOne() throws Exception {
        TestJournals.write(journal(), "a", 10, 100);
        MemoryTarget target = new MemoryTarget("memory");
        Shipper.builder(journal()).target(target).registerMBean(false).shipAvailable(Duration.ofSeconds(30));
        // Someone swaps the journal for another one, keeping the cursor.
        Path cursor = ShipCursor.fileFor(journal(), "memory");
        Path kept = dir.resolve("cursor");
        Files.copy(cursor, kept);
        try (var files = Files.walk(journal())) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        TestJournals.write(journal(), "a", 20, 100);
        Files.copy(kept, cursor);
        ShippingException e = assertThrows(ShippingException.class, () -> Shipper.builder(journal()).target(target)
                .registerMBean(false).retryBackoff(Duration.ofMillis(50), Duration.ofMillis(100))
                .shipAvailable(Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains(", but the shipping cursor " + cursor + " belongs to journal "), e.getMessage());
        assertEquals(12, target.eventSequences().size(), "nothing of the other journal was shipped");
    }

    @Test
    void refusesToContinueAChainThatWasRewrittenSinceItWasShipped() throws Exception {
        TestJournals.write(journal(), "a", 10, 100);
        MemoryTarget target = new MemoryTarget("memory");
        ShipPosition p = Shipper.builder(journal()).target(target).registerMBean(false).shipAvailable(Duration.ofSeconds(30));
        // The central copy holds event 12 with another hash than the journal now does.
        ShipCursor.in(journal(), "memory").store(new ShipPosition(p.journalId(), p.sequence(),
                dev.agentguard.audit.Hash.fromHex("ee".repeat(32)), p.checkpointSequence(), p.journalIndex(), null));
        ShippingException e = assertThrows(ShippingException.class, () -> Shipper.builder(journal()).target(target)
                .registerMBean(false).retryBackoff(Duration.ofMillis(50), Duration.ofMillis(100))
                .shipAvailable(Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("the journal does not continue the shipped chain: event 12 has hash "),
                e.getMessage());
        assertEquals(12, target.eventSequences().size());
    }

    @Test
    void waitsForAJournalThatDoesNotExistYet() throws Exception {
        MemoryTarget target = new MemoryTarget("memory");
        Shipper shipper = Shipper.builder(journal()).target(target).registerMBean(false).pollInterval(Duration.ofMillis(10)).start();
        try {
            TestJournals.write(journal(), "a", 5, 100);
            assertTrue(shipper.awaitAcknowledged(7, Duration.ofSeconds(30)));
        } finally {
            shipper.close();
        }
        assertEquals(sequence(1, 7), target.eventSequences());
    }

    @Test
    void reportsTheLagInEventsAndAgeWhileTheTargetAcknowledgesNothing() throws Exception {
        Instant start = Instant.parse("2026-11-25T10:00:00Z");
        MutableClock clock = new MutableClock(start);
        Path j = journal();
        MemoryTarget target = new MemoryTarget("memory");
        target.acknowledgeNothing();
        try (Journal journal = TestJournals.journal(j, 10_000).clock(clock).open()) {
            TestJournals.append(journal, "a", 50);
            Shipper shipper = Shipper.builder(j).target(target).clock(clock).pollInterval(Duration.ofMillis(5)).start();
            try {
                target.awaitItems(51, Duration.ofSeconds(30));
                clock.advance(Duration.ofSeconds(42));
                ShippingLag lag = shipper.lag();
                assertEquals(51, lag.journalSequence());
                assertEquals(0, lag.acknowledgedSequence());
                assertEquals(51, lag.eventsBehind());
                assertEquals(Duration.ofSeconds(42), lag.timeBehind());
                ObjectName name = new ObjectName("dev.agentguard", new java.util.Hashtable<>(java.util.Map.of(
                        "type", "Shipper", "journal", ObjectName.quote(j.toAbsolutePath().normalize().toString()),
                        "target", ObjectName.quote("memory"))));
                assertEquals(51L, ManagementFactory.getPlatformMBeanServer().getAttribute(name, "EventsBehind"));
                assertEquals(42.0, ManagementFactory.getPlatformMBeanServer().getAttribute(name, "SecondsBehind"));
                ShippingLag offline = ShippingLag.ofCursor(j, j, "memory", clock);
                assertEquals(51, offline.eventsBehind());
                assertEquals(Duration.ofSeconds(42), offline.timeBehind());
            } finally {
                shipper.close();
            }
        }
    }

    private static List<Long> sequence(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            out.add(s);
        }
        return out;
    }
}
