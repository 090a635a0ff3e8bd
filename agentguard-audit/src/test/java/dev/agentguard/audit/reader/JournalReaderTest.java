package dev.agentguard.audit.reader;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.audit.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalReaderTest {
    private static final Instant T0 = Instant.parse("2026-11-25T08:00:00Z");

    @TempDir
    Path dir;

    @BeforeEach
    void writeJournal() throws Exception {
        MutableClock clock = new MutableClock(T0);
        try (Journal j = Journal.builder(dir).clock(clock).open()) {
            j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("payments").onBehalfOf("alice").session("s1")
                    .action("SELECT pan FROM cards").decision(Decision.MASKED, "mask-pan"));
            clock.advance(Duration.ofMinutes(10));
            j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("payments").onBehalfOf("bob").session("s2")
                    .action("DELETE FROM cards").decision(Decision.DENIED, "no-delete-without-where"));
            clock.advance(Duration.ofMinutes(10));
            j.append(EventDraft.of(Phase.INTENT, Channel.HTTP).agent("support").onBehalfOf("alice").session("s3")
                    .action("POST https://api.example/v1/refunds").decision(Decision.APPROVAL_REQUIRED, "refunds"));
            j.append(EventDraft.of(Phase.OUTCOME, Channel.HTTP).agent("support").session("s3").succeeded());
        }
    }

    @Test
    void filtersByEveryCriterion() throws Exception {
        try (JournalReader r = JournalReader.open(dir)) {
            assertEquals(List.of("SELECT pan FROM cards", "DELETE FROM cards"), actions(r, EventFilter.all().agent("payments")));
            assertEquals(List.of("SELECT pan FROM cards", "POST https://api.example/v1/refunds"),
                    actions(r, EventFilter.all().onBehalfOf("alice")));
            assertEquals(List.of("DELETE FROM cards"), actions(r, EventFilter.all().session("s2")));
            assertEquals(2, r.events(EventFilter.all().channel(Channel.HTTP)).size());
            assertEquals(List.of("DELETE FROM cards"), actions(r, EventFilter.all().decision(Decision.DENIED)));
            assertEquals(1, r.events(EventFilter.all().phase(Phase.OUTCOME)).size());
            assertEquals(List.of("DELETE FROM cards"), actions(r, EventFilter.all().phase(Phase.INTENT)
                    .from(T0.plus(Duration.ofMinutes(5))).until(T0.plus(Duration.ofMinutes(15)))));
            assertEquals(List.of(), actions(r, EventFilter.all().agent("payments").channel(Channel.HTTP)));
        }
    }

    @Test
    void findsAnEventById() throws Exception {
        try (JournalReader r = JournalReader.open(dir)) {
            AuditEvent denied = r.events(EventFilter.all().decision(Decision.DENIED)).get(0);
            assertEquals(denied, r.find(denied.eventId()).orElseThrow());
            assertTrue(r.find("000000000000-99").isEmpty());
        }
    }

    @Test
    void followsNewEventsAsAWriterAppendsThem() throws Exception {
        BlockingQueue<AuditEvent> seen = new LinkedBlockingQueue<>();
        AtomicBoolean keepGoing = new AtomicBoolean(true);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (Journal writer = Journal.builder(dir).open(); JournalReader r = JournalReader.open(dir)) {
            Thread follower = new Thread(() -> {
                try {
                    r.follow(EventFilter.all().agent("late-agent"), seen::add, Duration.ofMillis(5), keepGoing::get);
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            follower.start();
            writer.append(EventDraft.of(Phase.INTENT, Channel.SSH).agent("late-agent").action("uptime"));
            AuditEvent first = seen.poll(30, TimeUnit.SECONDS);
            assertNotNull(first, "the follower saw the new event");
            assertEquals("uptime", first.action());
            writer.append(EventDraft.of(Phase.INTENT, Channel.SSH).agent("late-agent").action("df -h"));
            assertEquals("df -h", seen.poll(30, TimeUnit.SECONDS).action());
            keepGoing.set(false);
            follower.join(30_000);
            assertTrue(!follower.isAlive() && failure.get() == null, "follower ended cleanly: " + failure.get());
        }
    }

    @Test
    void followsFromTheEndWithoutRepeatingTheEventsAlreadyThere() throws Exception {
        BlockingQueue<AuditEvent> seen = new LinkedBlockingQueue<>();
        AtomicBoolean keepGoing = new AtomicBoolean(true);
        try (Journal writer = Journal.builder(dir).open(); JournalReader r = JournalReader.open(dir)) {
            long last = r.lastSequence();
            assertEquals(7, last, "open, 4 events, close, open again");
            Thread follower = new Thread(() -> {
                try {
                    r.follow(EventFilter.all(), last, seen::add, Duration.ofMillis(5), keepGoing::get);
                } catch (JournalException e) {
                    throw new IllegalStateException(e);
                }
            });
            follower.start();
            writer.append(EventDraft.of(Phase.INTENT, Channel.SSH).agent("late-agent").action("uptime"));
            AuditEvent first = seen.poll(30, TimeUnit.SECONDS);
            assertNotNull(first);
            assertEquals(8, first.sequence(), "the first event handed over is the new one");
            keepGoing.set(false);
            follower.join(30_000);
            assertTrue(seen.isEmpty());
        }
    }

    @Test
    void readingChangesNoFile() throws Exception {
        var before = dev.agentguard.audit.integrity.SnapshotAccess.of(dir);
        try (JournalReader r = JournalReader.open(dir)) {
            r.events(EventFilter.all());
            r.find("nope-1");
        }
        assertEquals(before, dev.agentguard.audit.integrity.SnapshotAccess.of(dir));
    }

    @Test
    void explainsWhatIsWrongWithADirectoryThatIsNotAJournal(@TempDir Path other) throws Exception {
        assertEquals(other.resolve("missing").toAbsolutePath() + ": no such journal directory",
                assertThrows(JournalException.class, () -> JournalReader.open(other.resolve("missing"))).getMessage());
        Path file = Files.writeString(other.resolve("file.txt"), "x");
        assertEquals(file.toAbsolutePath() + ": not a journal directory (it is a file)",
                assertThrows(JournalException.class, () -> JournalReader.open(file)).getMessage());
        assertEquals(other.toAbsolutePath() + ": not an AgentGuard journal (no metadata.cq4t)",
                assertThrows(JournalException.class, () -> JournalReader.open(other)).getMessage());
    }

    private static List<String> actions(JournalReader r, EventFilter f) throws Exception {
        return r.events(f).stream().filter(e -> e.phase() != Phase.SYSTEM).map(AuditEvent::action).toList();
    }
}
