package dev.agentguard.audit.journal;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.integrity.JournalVerifier;
import dev.agentguard.audit.reader.EventFilter;
import dev.agentguard.audit.reader.JournalReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal faults its next pages in ahead of the appender, syncs only what a checkpoint names,
 * and writes checkpoints it fell behind on together; none of that may change what is written or
 * what a checkpoint promises.
 */
class JournalUnderLoadTest {

    @Test
    void touchingAheadOfTheWritesLeavesEveryEventIntactAcrossManySteps(@TempDir Path dir) throws Exception {
        // About 4 MiB of events: the appender asks for pages ahead more than a dozen times.
        int events = 12_000;
        String text = "SELECT id, holder, pan, expiry FROM cards WHERE id = ? AND status = ? -- ".repeat(4);
        try (Journal j = Journal.builder(dir).open()) {
            for (int i = 0; i < events; i++) {
                j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("agent").action(text + i));
            }
        }
        assertEquals(events + 2, JournalVerifier.forJournal(dir).verify().events());
        try (JournalReader r = JournalReader.open(dir)) {
            List<AuditEvent> read = r.events(EventFilter.all().phase(Phase.INTENT));
            assertEquals(events, read.size());
            for (int i = 0; i < events; i++) {
                assertEquals(text + i, read.get(i).action());
            }
        }
    }

    @Test
    void touchingAheadOfTwoWritingThreadsLeavesOneIntactChain(@TempDir Path dir) throws Exception {
        int perThread = 4_000;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        try (Journal j = Journal.builder(dir).open()) {
            Future<?> a = pool.submit(() -> write(j, start, "a", perThread));
            Future<?> b = pool.submit(() -> write(j, start, "b", perThread));
            start.countDown();
            a.get(60, TimeUnit.SECONDS);
            b.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2 * perThread + 2, JournalVerifier.forJournal(dir).verify().events());
    }

    @Test
    void writesALineForEveryCheckpointAskedForEvenWhenItFallsBehind(@TempDir Path dir) throws Exception {
        int events = 3_000;
        try (Journal j = Journal.builder(dir).checkpointEvery(1).open()) {
            for (int i = 0; i < events; i++) {
                j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("agent").action("SELECT " + i));
            }
        }
        List<Long> named = dev.agentguard.audit.integrity.CheckpointLog.read(dir.resolve("checkpoints.log")).lines()
                .stream().map(l -> l.checkpoint().sequence()).toList();
        for (int i = 1; i < named.size(); i++) {
            assertTrue(named.get(i) > named.get(i - 1), "checkpoint lines name events in order: " + named);
        }
        for (long seq = 2; seq <= events + 1; seq++) {
            assertTrue(named.contains(seq), "the checkpoint asked for at event " + seq + " was written");
        }
        var summary = JournalVerifier.forJournal(dir).verify();
        assertEquals(events + 2, summary.events());
        assertEquals(named.size(), summary.checkpointsChecked(), "every line names its event's hash");
    }

    @Test
    void stopsItsThreadWhenTheJournalCloses(@TempDir Path dir) throws Exception {
        String name;
        try (Journal j = Journal.builder(dir).open()) {
            name = "agentguard-journal-pretouch-" + j.journalId();
            j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a").action("SELECT 1"));
            assertTrue(threadNamed(name), "a journal that is open touches pages ahead");
        }
        assertFalse(threadNamed(name), "close() returns after the touching thread has ended");
    }

    private static Void write(Journal j, CountDownLatch start, String agent, int n) throws Exception {
        start.await();
        for (int i = 0; i < n; i++) {
            j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent(agent).action("SELECT " + "x".repeat(300) + i));
        }
        return null;
    }

    private static boolean threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }
}
