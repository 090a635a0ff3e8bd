package dev.agentguard.ship.verify;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.integrity.Checkpoint;
import dev.agentguard.audit.integrity.CheckpointLog;
import dev.agentguard.audit.integrity.CheckpointSigner;
import dev.agentguard.audit.internal.EventCodec;
import dev.agentguard.audit.json.EventJson;
import dev.agentguard.ship.kafka.KafkaRecords;
import dev.agentguard.ship.testing.StoredEntries;
import dev.agentguard.ship.testing.TestJournals;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The central chain checks, fed records made from a real journal, honest and forged. */
class ChainCheckTest {
    private static final PublicKey KEY = TestJournals.KEYS.getPublic();

    @TempDir
    Path dir;

    private List<ShippedRecord> events;
    private List<ShippedRecord> checkpoints;
    private String journalId;
    private long offset;

    @BeforeEach
    void journal() throws Exception {
        Path journal = dir.resolve("journal");
        TestJournals.write(journal, "payments-agent", 98, 25); // 100 events with open and close
        events = new ArrayList<>();
        for (byte[] entry : StoredEntries.of(journal)) {
            events.add(eventRecord(entry));
        }
        journalId = events.get(0).journal();
        checkpoints = new ArrayList<>();
        for (CheckpointLog.Line l : CheckpointLog.read(journal.resolve(CheckpointLog.FILE_NAME)).lines()) {
            checkpoints.add(checkpointRecord(l.checkpoint().toLine(), l.checkpoint()));
        }
    }

    private ShippedRecord eventRecord(byte[] entry) throws Exception {
        AuditEvent e = EventCodec.decode(entry, entry.length);
        return new ShippedRecord("events-0@" + offset++, "payments-agent", KafkaRecords.TYPE_EVENT,
                e.eventId().substring(0, 12), Long.toString(e.sequence()), e.hash().toHex(), entry,
                EventJson.toJson(e).getBytes(StandardCharsets.UTF_8));
    }

    private ShippedRecord checkpointRecord(String line, Checkpoint cp) {
        return new ShippedRecord("events-0@" + offset++, "payments-agent", KafkaRecords.TYPE_CHECKPOINT, cp.journalId(),
                Long.toString(cp.sequence()), cp.hash().toHex(), null, line.getBytes(StandardCharsets.US_ASCII));
    }

    private static ShippedRecord at(ShippedRecord r, String position) {
        return new ShippedRecord(position, r.key(), r.type(), r.journal(), r.sequence(), r.hash(), r.entry(), r.value());
    }

    private CentralReport check(List<ShippedRecord> records, PublicKey key) {
        TopicCheck t = new TopicCheck(key);
        records.forEach(t::eventsTopicRecord);
        return t.finish("events", null);
    }

    private List<ShippedRecord> all() {
        List<ShippedRecord> all = new ArrayList<>(events);
        all.addAll(checkpoints);
        return all;
    }

    @Test
    void anIntactChainWithRedeliveredCopiesVerifiesAndCountsTheDuplicates() {
        List<ShippedRecord> records = new ArrayList<>(events.subList(0, 60));
        records.addAll(events.subList(40, 100)); // the at-least-once resend of 40..59
        records.addAll(checkpoints);
        CentralReport report = check(records, KEY);
        assertTrue(report.intact(), () -> String.valueOf(report.firstBrokenChain()));
        ChainReport c = report.chains().get(0);
        assertEquals(journalId, c.journalId());
        assertEquals("payments-agent", c.agent());
        assertEquals(100, c.events());
        assertEquals(1, c.firstSequence());
        assertEquals(100, c.lastSequence());
        assertEquals(20, c.duplicatesDropped());
        assertEquals(checkpoints.size(), c.checkpointsChecked());
        assertTrue(report.signaturesChecked());
    }

    @Test
    void eventsArrivingOutOfOrderStillLink() {
        List<ShippedRecord> records = new ArrayList<>(events.subList(50, 100));
        records.addAll(events.subList(0, 50));
        assertTrue(check(records, null).intact());
    }

    @Test
    void namesARecordWhoseJsonWasAlteredAfterShipping() {
        ShippedRecord honest = events.get(41);
        String json = honest.valueText().replace("SELECT id, status FROM orders", "SELECT id, status FROM refunds");
        events.set(41, new ShippedRecord(honest.position(), honest.key(), honest.type(), honest.journal(),
                honest.sequence(), honest.hash(), honest.entry(), json.getBytes(StandardCharsets.UTF_8)));
        ChainReport c = check(all(), KEY).chains().get(0);
        assertFalse(c.intact());
        assertEquals(honest.position(), c.failurePosition());
        assertEquals("event 42 (" + journalId + "-42): the record's JSON does not say what the hashed event says: "
                + "field 'action' differs (forged or altered after shipping)", c.failure());
    }

    @Test
    void namesAnEventWhoseStoredBytesWereChanged() {
        ShippedRecord honest = events.get(9);
        byte[] entry = honest.entry().clone();
        entry[entry.length - 40] ^= 1;
        events.set(9, new ShippedRecord(honest.position(), honest.key(), honest.type(), honest.journal(),
                honest.sequence(), honest.hash(), entry, honest.value()));
        ChainReport c = check(all(), KEY).chains().get(0);
        assertEquals(honest.position(), c.failurePosition());
        assertEquals("event 10 was changed: its content does not match its hash", c.failure());
    }

    @Test
    void namesAForgedCopyThatWasRehashedToLookGenuine() throws Exception {
        ShippedRecord forged = at(rehashedWithAction(events.get(29), "SELECT", "DELETE"), "events-0@999");
        List<ShippedRecord> records = all();
        records.add(forged); // produced into the topic after the genuine record
        ChainReport c = check(records, KEY).chains().get(0);
        assertEquals("events-0@999", c.failurePosition());
        assertTrue(c.failure().startsWith("event 30 (" + journalId + "-30) arrives again with hash "), c.failure());
        assertTrue(c.failure().endsWith(": one of them is forged"), c.failure());
    }

    @Test
    void aRehashedForgeryInPlaceOfTheGenuineEventBreaksTheNextLink() throws Exception {
        events.set(29, rehashedWithAction(events.get(29), "SELECT", "DELETE"));
        ChainReport c = check(all(), KEY).chains().get(0);
        assertFalse(c.intact());
        assertEquals(events.get(30).position(), c.failurePosition());
        assertEquals("event 31 does not chain to event 30: an event was changed, removed or inserted before it", c.failure());
    }

    @Test
    void reportsMissingEventsAsGaps() {
        events.remove(70);
        events.subList(20, 23).clear();
        ChainReport c = check(all(), KEY).chains().get(0);
        assertFalse(c.intact());
        assertNull(c.failure());
        assertEquals("[21-23, 71]", c.gaps().toString());
        assertEquals(4, c.missingEvents());
        assertEquals("events 21 to 23 are missing from the topic (and 1 more gaps)", c.problem());
    }

    @Test
    void aCheckpointBeyondTheLastShippedEventShowsACutTail() {
        events.subList(80, 100).clear();
        ChainReport c = check(all(), KEY).chains().get(0);
        assertFalse(c.intact());
        assertTrue(c.failure().matches("checkpoint covers event 1\\d\\d? but the topic ends at event 80: events are "
                + "missing from its tail"), c.failure());
    }

    @Test
    void aCheckpointWithAForeignSignatureFails() throws Exception {
        Checkpoint genuine = Checkpoint.parse(checkpoints.get(0).valueText());
        CheckpointSigner other = CheckpointSigner.of(CheckpointSigner.generateKeyPair());
        Checkpoint forged = Checkpoint.create(genuine.journalId(), genuine.sequence(), genuine.hash(), genuine.time(), other);
        checkpoints.set(0, checkpointRecord(forged.toLine(), forged));
        ChainReport c = check(all(), KEY).chains().get(0);
        assertEquals(checkpoints.get(0).position(), c.failurePosition());
        assertTrue(c.failure().contains("was signed by key " + other.keyId() + ", not by the given public key"), c.failure());
        assertTrue(check(all(), null).intact(), "without a key only the hashes are checked");
    }

    @Test
    void aRecordWithoutAgentGuardHeadersIsNamed() {
        List<ShippedRecord> records = all();
        records.add(new ShippedRecord("events-2@7", "payments-agent", null, null, null, null, null,
                "{\"action\":\"nothing to see\"}".getBytes(StandardCharsets.UTF_8)));
        CentralReport report = check(records, KEY);
        assertFalse(report.intact());
        assertEquals("events-2@7", report.strayPosition());
    }

    @Test
    void aForgedEventFarAheadIsAGapNotAnEndlessWalk() throws Exception {
        ShippedRecord honest = events.get(99);
        byte[] entry = honest.entry();
        AuditEvent e = EventCodec.decode(entry, entry.length);
        // The header claims a far sequence; the stored event does not match it.
        events.add(new ShippedRecord("events-0@5000", honest.key(), honest.type(), honest.journal(),
                "900000000000000", e.hash().toHex(), entry, honest.value()));
        ChainReport c = check(all(), KEY).chains().get(0);
        assertEquals("events-0@5000", c.failurePosition());
        assertEquals(100, c.lastSequence());
    }

    /** The record with one word of its action replaced in the stored bytes, re-hashed, with matching headers and JSON. */
    private ShippedRecord rehashedWithAction(ShippedRecord r, String from, String to) throws Exception {
        byte[] entry = r.entry().clone();
        byte[] needle = from.getBytes(StandardCharsets.UTF_8);
        int at = indexOf(entry, needle);
        System.arraycopy(to.getBytes(StandardCharsets.UTF_8), 0, entry, at, needle.length);
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(entry, entry.length - 32));
        System.arraycopy(sha, 0, entry, entry.length - 32, 32);
        AuditEvent e = EventCodec.decode(entry, entry.length);
        assertTrue(e.action().startsWith(to));
        return new ShippedRecord(r.position(), r.key(), r.type(), r.journal(), r.sequence(), e.hash().toHex(), entry,
                EventJson.toJson(e).getBytes(StandardCharsets.UTF_8));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
