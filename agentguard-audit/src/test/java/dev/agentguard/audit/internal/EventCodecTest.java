package dev.agentguard.audit.internal;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Hash;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.integrity.JournalVerifier;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.JournalCorruptException;
import dev.agentguard.audit.journal.RollCycle;
import dev.agentguard.audit.reader.EventFilter;
import dev.agentguard.audit.reader.JournalReader;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventCodecTest {

    @Test
    void keepsAndShowsFieldsAndValuesFromANewerWriter(@TempDir Path dir) throws Exception {
        Hash head;
        String journalId;
        try (Journal j = Journal.builder(dir).open()) {
            journalId = j.journalId();
        }
        try (JournalReader r = JournalReader.open(dir)) {
            head = r.events(EventFilter.all()).get(1).hash(); // journal.close
        }
        // A version-3 writer appends an event with a new text field, a field of a type this
        // version does not know, and a decision value it does not know.
        ByteArrayOutputStream out = spelledOutStart(3, journalId, head);
        text(out, "phase", "INTENT");
        text(out, "agent", "future-agent");
        text(out, "channel", "GRPC");
        text(out, "decision", "QUARANTINED");
        text(out, "risk", "high");
        field(out, "geo", 'Z', new byte[]{1, 2, 3});
        appendEntry(dir, out.toByteArray());

        try (JournalReader r = JournalReader.open(dir)) {
            AuditEvent e = r.events(EventFilter.all()).get(2);
            assertEquals(3, e.formatVersion());
            assertEquals("future-agent", e.agentId());
            assertEquals(Channel.UNKNOWN, e.channel());
            assertEquals(Decision.UNKNOWN, e.decision());
            assertEquals(Map.of("risk", "high", "geo", "0x010203", "channel", "GRPC", "decision", "QUARANTINED"), e.extensions());
        }
        assertEquals(3, JournalVerifier.forJournal(dir).verify().events(), "the newer event is part of the verified chain");
    }

    @Test
    void readsAndVerifiesVersionOneEventsWhoseFieldNamesAreSpelledOut(@TempDir Path dir) throws Exception {
        Hash head;
        String journalId;
        try (Journal j = Journal.builder(dir).open()) {
            journalId = j.journalId();
        }
        try (JournalReader r = JournalReader.open(dir)) {
            head = r.events(EventFilter.all()).get(1).hash();
        }
        ByteArrayOutputStream out = spelledOutStart(1, journalId, head);
        text(out, "phase", "SYSTEM");
        text(out, "agent", "old-writer");
        text(out, "channel", "JDBC");
        text(out, "action", "SELECT 1");
        text(out, "intent-seq", "2");
        appendEntry(dir, out.toByteArray());

        try (JournalReader r = JournalReader.open(dir)) {
            AuditEvent e = r.events(EventFilter.all()).get(2);
            assertEquals(1, e.formatVersion());
            assertEquals(Phase.SYSTEM, e.phase());
            assertEquals("old-writer", e.agentId());
            assertEquals(Channel.JDBC, e.channel());
            assertEquals("SELECT 1", e.action());
            assertEquals(head, e.previousHash());
            assertEquals(Map.of("intent-seq", "2"), e.extensions());
        }
        assertEquals(3, JournalVerifier.forJournal(dir).verify().events(), "a version-1 event is part of the verified chain");
    }

    @Test
    void writesTheFieldsTheFormatDefinesAsOneByteCodesAndExtensionsByName() throws Exception {
        EventCodec.Encoder enc = new EventCodec.Encoder();
        EventDraft draft = EventDraft.of(Phase.OUTCOME, Channel.JDBC).agent("payments-agent").session("jdbc-1")
                .action("SELECT 1").decision(Decision.ALLOWED, "read-cards").count("rows", 1)
                .extension("intent-seq", 2L);
        enc.encode("0123456789ab-7", 7, 1_000, Hash.ZERO, draft);
        String bytes = new String(enc.buffer(), 0, enc.length(), StandardCharsets.ISO_8859_1);
        for (String name : EventCodec.CODED_NAMES) {
            assertTrue(!bytes.contains((char) name.length() + name), "the name '" + name + "' is spelled out");
        }
        assertTrue(bytes.contains((char) 10 + "intent-seq"), "an extension keeps its name");
        assertEquals(2, enc.buffer()[3], "format version");

        byte[] entry = Arrays.copyOf(enc.buffer(), enc.length() + 32);
        AuditEvent e = EventCodec.decode(entry, entry.length);
        assertEquals(2, e.formatVersion());
        assertEquals("0123456789ab-7", e.eventId());
        assertEquals(7, e.sequence());
        assertEquals(Phase.OUTCOME, e.phase());
        assertEquals("payments-agent", e.agentId());
        assertEquals("jdbc-1", e.sessionId());
        assertEquals("SELECT 1", e.action());
        assertEquals(Decision.ALLOWED, e.decision());
        assertEquals("read-cards", e.ruleId());
        assertEquals(Map.of("rows", 1L), e.counts());
        assertEquals(Map.of("intent-seq", "2"), e.extensions());

        EventCodec.ChainView view = new EventCodec.ChainView();
        EventCodec.scan(entry, entry.length, view);
        assertEquals(7, view.sequence);
        assertEquals("0123456789ab-7", view.eventId(entry));
    }

    @Test
    void theFieldCodesAreTheOnesTheFormatDocumentsAndNeverMove() {
        // docs/journal-format.md lists these codes; a journal written with them must read the same forever.
        assertEquals(List.of("id", "seq", "ts", "prev", "phase", "agent", "obo", "session", "trace", "intent",
                "channel", "resource", "action", "objects", "decision", "rule", "approval", "outcome", "error",
                "counts", "duration"), EventCodec.CODED_NAMES);
    }

    @Test
    void everyFieldTheFormatDefinesSurvivesItsCode() throws Exception {
        EventCodec.Encoder enc = new EventCodec.Encoder();
        EventDraft draft = EventDraft.of(Phase.OUTCOME, Channel.SSH).agent("ops-agent").onBehalfOf("alice")
                .session("ssh-9").trace("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .intent("check disk space").resource("app1").action("df -h").objects("/", "/var")
                .decision(Decision.APPROVED, "disk-usage").approval("apr-7").failed("exit status 3")
                .count("bytes.stdout", 120).duration(java.time.Duration.ofNanos(4_200)).extension("host.kind", "vm");
        Hash prev = Hash.of(new byte[32], 0);
        enc.encode("0123456789ab-8", 8, 1_764_000_000_000_000_123L, prev, draft);
        byte[] entry = Arrays.copyOf(enc.buffer(), enc.length() + 32);
        AuditEvent e = EventCodec.decode(entry, entry.length);
        assertEquals("0123456789ab-8", e.eventId());
        assertEquals(8, e.sequence());
        assertEquals(java.time.Instant.ofEpochSecond(1_764_000_000L, 123), e.timestamp());
        assertEquals(prev, e.previousHash());
        assertEquals(Phase.OUTCOME, e.phase());
        assertEquals("ops-agent", e.agentId());
        assertEquals("alice", e.onBehalfOf());
        assertEquals("ssh-9", e.sessionId());
        assertEquals("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", e.traceId());
        assertEquals("check disk space", e.intent());
        assertEquals(Channel.SSH, e.channel());
        assertEquals("app1", e.resource());
        assertEquals("df -h", e.action());
        assertEquals(List.of("/", "/var"), e.objects());
        assertEquals(Decision.APPROVED, e.decision());
        assertEquals("disk-usage", e.ruleId());
        assertEquals("apr-7", e.approvalRef());
        assertEquals(dev.agentguard.audit.Outcome.FAILURE, e.outcome());
        assertEquals("exit status 3", e.error());
        assertEquals(Map.of("bytes.stdout", 120L), e.counts());
        assertEquals(java.time.Duration.ofNanos(4_200), e.duration());
        assertEquals(Map.of("host.kind", "vm"), e.extensions());
    }

    @Test
    void theVerifiersScanReadsAnEntryAsTheDecoderDoes() throws Exception {
        // An extension whose name starts like "phase" does not make an event a SYSTEM event.
        EventCodec.Encoder enc = new EventCodec.Encoder();
        enc.encode("0123456789ab-2", 2, 0, Hash.ZERO, EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a")
                .extension("phone", "SYSTEM"));
        byte[] entry = Arrays.copyOf(enc.buffer(), enc.length() + 32);
        EventCodec.ChainView view = new EventCodec.ChainView();
        EventCodec.scan(entry, entry.length, view);
        assertTrue(!view.system, "an INTENT with a 'phone' extension is not a SYSTEM event");

        // A second prev, spelled out after the coded one: the decoder refuses it, so must the scan.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Arrays.copyOf(enc.buffer(), enc.length()));
        field(out, "prev", 'H', new byte[32]);
        byte[] twice = Arrays.copyOf(out.toByteArray(), out.size() + 32);
        MalformedEventException decoded = assertThrows(MalformedEventException.class, () -> EventCodec.decode(twice, twice.length));
        MalformedEventException scanned = assertThrows(MalformedEventException.class,
                () -> EventCodec.scan(twice, twice.length, new EventCodec.ChainView()));
        assertEquals("field 'prev' appears twice", decoded.getMessage());
        assertEquals(decoded.getMessage(), scanned.getMessage());
    }

    @Test
    void aListCountBeyondItsPayloadIsAMalformedEventNotACrash() {
        // A forged entry (its SHA-256 is easy to recompute) whose objects list claims -1 items.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{'A', 'G', 'E', 2});
        out.writeBytes(new byte[]{(byte) 0x8d, 'A', 6, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F, 0});
        byte[] entry = Arrays.copyOf(out.toByteArray(), out.size() + 32);
        MalformedEventException e = assertThrows(MalformedEventException.class, () -> EventCodec.decode(entry, entry.length));
        assertEquals("field 'objects' counts 4294967295 items at byte 7, more than its payload holds", e.getMessage());
    }

    @Test
    void rejectsAFieldCodeTheFormatDoesNotDefine() {
        EventCodec.Encoder enc = new EventCodec.Encoder();
        enc.encode("0123456789ab-1", 1, 0, Hash.ZERO, EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a"));
        byte[] entry = Arrays.copyOf(enc.buffer(), enc.length() + 32);
        entry[4] = (byte) 0xFF; // the id field's code
        MalformedEventException e = assertThrows(MalformedEventException.class, () -> EventCodec.decode(entry, entry.length));
        assertEquals("field code 0xff at byte 4 is not one this version knows (a newer writer's field would carry "
                + "its name)", e.getMessage());
        assertThrows(MalformedEventException.class, () -> EventCodec.scan(entry, entry.length, new EventCodec.ChainView()));
    }

    /**
     * The start of event 3 as a writer of format {@code version} that spells out every field name
     * would write it: id, seq, ts and prev (chained to {@code head}).
     */
    private static ByteArrayOutputStream spelledOutStart(int version, String journalId, Hash head) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{'A', 'G', 'E', (byte) version});
        text(out, "id", journalId + "-3");
        field(out, "seq", 'L', longBytes(3));
        field(out, "ts", 'L', longBytes(1_764_000_000_000_000_000L));
        field(out, "prev", 'H', head.toBytes());
        return out;
    }

    /** Appends {@code encoding} and its SHA-256 to the journal in {@code dir} as the next entry. */
    private static void appendEntry(Path dir, byte[] encoding) throws Exception {
        byte[] entry = Arrays.copyOf(encoding, encoding.length + 32);
        System.arraycopy(MessageDigest.getInstance("SHA-256").digest(encoding), 0, entry, encoding.length, 32);
        try (SingleChronicleQueue q = ChronicleRuntime.open(dir, RollCycle.DAILY, Clock.systemUTC(), false);
             ExcerptAppender a = q.createAppender()) {
            try (DocumentContext dc = a.writingDocument()) {
                dc.wire().bytes().write(entry);
            }
        }
    }

    @Test
    void namesTheFileAndEntryOfAnEntryThatIsNotAnEvent(@TempDir Path dir) throws Exception {
        try (Journal j = Journal.builder(dir).open()) {
            j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a").action("SELECT 1"));
        }
        String file;
        try (SingleChronicleQueue q = ChronicleRuntime.open(dir, RollCycle.DAILY, Clock.systemUTC(), false);
             ExcerptAppender a = q.createAppender()) {
            try (DocumentContext dc = a.writingDocument()) {
                dc.wire().bytes().write("garbage that is no event at all, long enough".getBytes(StandardCharsets.US_ASCII));
            }
            file = ChronicleRuntime.fileName(q.rollCycle(), q.cycle());
        }
        try (JournalReader r = JournalReader.open(dir)) {
            JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> r.events(EventFilter.all()));
            assertEquals(file + " entry 3: entry does not start with the event marker 'AGE'", e.getMessage());
            assertEquals(file + " entry 3", e.position());
        }
    }

    @Test
    void rejectsTruncatedAndDuplicatedFields() {
        EventCodec.Encoder enc = new EventCodec.Encoder();
        enc.encode("0123456789ab-1", 1, 0, Hash.ZERO, EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a").action("x".repeat(100)));
        byte[] entry = Arrays.copyOf(enc.buffer(), enc.length() + 32);
        byte[] cut = Arrays.copyOf(entry, entry.length - 60);
        MalformedEventException e = assertThrows(MalformedEventException.class, () -> EventCodec.decode(cut, cut.length));
        assertTrue(e.getMessage().startsWith("field 'action' runs past the end of the entry")
                || e.getMessage().startsWith("entry ends in the middle of a field"), e.getMessage());
    }

    private static void text(ByteArrayOutputStream out, String name, String value) {
        field(out, name, 'S', value.getBytes(StandardCharsets.UTF_8));
    }

    private static void field(ByteArrayOutputStream out, String name, char type, byte[] payload) {
        out.write(name.length());
        out.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
        out.write(type);
        out.write(payload.length); // all payloads here are < 128 bytes: a one-byte varint
        out.writeBytes(payload);
    }

    private static byte[] longBytes(long v) {
        return java.nio.ByteBuffer.allocate(8).putLong(v).array();
    }
}
