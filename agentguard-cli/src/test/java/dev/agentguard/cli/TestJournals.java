package dev.agentguard.cli;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.audit.reader.EventFilter;
import dev.agentguard.audit.reader.JournalReader;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

/**
 * Real journals for the tests, written with {@link Journal} on a clock the test sets, so that
 * timestamps (and the daily files they fall into) are known.
 */
final class TestJournals {
    /** The SELECT that the sample journal's event 2 carries; tamper tests change its bytes on disk. */
    static final String SELECT = "SELECT * FROM orders WHERE id = ?";

    private TestJournals() {
    }

    /** A clock that shows whatever time the test sets. */
    static final class SettableClock extends Clock {
        private volatile Instant now;

        SettableClock(Instant start) {
            this.now = start;
        }

        void set(Instant instant) {
            this.now = instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /**
     * Writes the sample journal over three UTC days (three files):
     * <pre>
     * 1 2026-11-24T23:59:00Z SYSTEM  JOURNAL journal.open
     * 2 2026-11-24T23:59:30Z INTENT  JDBC payments-agent alice s-1 ALLOWED allow-orders  SELECT ...
     * 3 2026-11-25T00:00:10Z OUTCOME JDBC payments-agent alice s-1 SUCCESS rows=3        SELECT ...
     * 4 2026-11-25T10:00:00Z INTENT  JDBC payments-agent alice s-1 DENIED no-delete-without-where  DELETE FROM cards
     * 5 2026-11-25T12:00:00Z INTENT  HTTP support-agent bob s-2 APPROVAL_REQUIRED needs-approval  GET ...
     * 6 2026-11-26T08:00:00Z INTENT  SSH  ops-agent s-3 DENIED no-secrets  cat /etc/shadow (+ extension)
     * 7 2026-11-26T08:00:01Z SYSTEM  JOURNAL journal.close
     * </pre>
     */
    static void writeSample(Path dir) throws JournalException {
        SettableClock clock = new SettableClock(Instant.parse("2026-11-24T23:59:00Z"));
        try (Journal journal = Journal.builder(dir).clock(clock).open()) {
            clock.set(Instant.parse("2026-11-24T23:59:30Z"));
            journal.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("payments-agent").onBehalfOf("alice")
                    .session("s-1").trace("trace-1").intent("look up an order").resource("ordersDb").action(SELECT)
                    .objects("PUBLIC.ORDERS").decision(Decision.ALLOWED, "allow-orders"));
            clock.set(Instant.parse("2026-11-25T00:00:10Z"));
            journal.append(EventDraft.of(Phase.OUTCOME, Channel.JDBC).agent("payments-agent").onBehalfOf("alice")
                    .session("s-1").trace("trace-1").resource("ordersDb").action(SELECT).succeeded()
                    .count("rows", 3).duration(Duration.ofNanos(1_234_567)));
            clock.set(Instant.parse("2026-11-25T10:00:00Z"));
            journal.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("payments-agent").onBehalfOf("alice")
                    .session("s-1").resource("ordersDb").action("DELETE FROM cards").objects("PUBLIC.CARDS")
                    .decision(Decision.DENIED, "no-delete-without-where"));
            clock.set(Instant.parse("2026-11-25T12:00:00Z"));
            journal.append(EventDraft.of(Phase.INTENT, Channel.HTTP).agent("support-agent").onBehalfOf("bob")
                    .session("s-2").resource("api.example.com").action("GET https://api.example.com/customers/?")
                    .decision(Decision.APPROVAL_REQUIRED, "needs-approval"));
            clock.set(Instant.parse("2026-11-26T08:00:00Z"));
            journal.append(EventDraft.of(Phase.INTENT, Channel.SSH).agent("ops-agent").session("s-3")
                    .resource("db-host-1").action("cat /etc/shadow").decision(Decision.DENIED, "no-secrets")
                    .approval("approval-ref-7").extension("x.future-field", "written by a newer AgentGuard"));
            clock.set(Instant.parse("2026-11-26T08:00:01Z"));
        }
    }

    /** A journal with {@code count} INTENT events by "agent-N", written now. */
    static void writeEvents(Path dir, int count) throws JournalException {
        try (Journal journal = Journal.builder(dir).open()) {
            for (int i = 1; i <= count; i++) {
                journal.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("agent-" + i).action("SELECT " + i)
                        .decision(Decision.ALLOWED, "rule-" + i));
            }
        }
    }

    /** Every event of the journal, read back with the audit module's reader. */
    static List<AuditEvent> read(Path dir) throws JournalException {
        try (JournalReader reader = JournalReader.open(dir)) {
            return reader.events(EventFilter.all());
        }
    }

    /** "FILE entry N" of the event with {@code sequence}, as the reader names it. */
    static String positionOf(Path dir, long sequence) throws JournalException {
        try (JournalReader reader = JournalReader.open(dir);
             JournalReader.JournalCursor cursor = reader.cursor(EventFilter.all())) {
            AuditEvent e;
            while ((e = cursor.next()) != null) {
                if (e.sequence() == sequence) {
                    return cursor.position();
                }
            }
        }
        throw new AssertionError("no event " + sequence + " in " + dir);
    }

    /** The journal's cycle files (*.cq4), oldest first. */
    static List<Path> cycleFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".cq4")).sorted().toList();
        }
    }

    /**
     * Changes the first occurrence of {@code text} in {@code file}: its first character gets its
     * case flipped, as an attacker editing one byte of an event would.
     */
    static void flipFirstCharacterOf(Path file, String text) throws IOException {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long offset = find(raf, needle);
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(Character.isUpperCase(b) ? Character.toLowerCase(b) : Character.toUpperCase(b));
        }
    }

    /** The offset of the first occurrence of {@code text} in {@code file}. */
    static long offsetOf(Path file, String text) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            return find(raf, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static long find(RandomAccessFile raf, byte[] needle) throws IOException {
        byte[] chunk = new byte[1 << 20];
        long base = 0;
        long length = raf.length();
        while (base < length) {
            raf.seek(base);
            int n = raf.read(chunk);
            if (n <= 0) {
                break;
            }
            outer:
            for (int i = 0; i + needle.length <= n; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (chunk[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return base + i;
            }
            base += n - needle.length + 1; // overlap so a match across chunks is found
        }
        throw new AssertionError("'" + new String(needle, StandardCharsets.UTF_8) + "' not found");
    }
}
