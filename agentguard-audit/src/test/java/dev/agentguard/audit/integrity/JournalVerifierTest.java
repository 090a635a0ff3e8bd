package dev.agentguard.audit.integrity;

import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.testing.JournalSurgery;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tamper evidence: every change an attacker with disk access can make is detected and the first
 * bad position named. The journal: journal.open (1), 40 events (2..41), journal.close (42);
 * checkpoints every 10 events and at close.
 */
class JournalVerifierTest {
    private static final KeyPair KEYS = CheckpointSigner.generateKeyPair();

    @TempDir
    Path tmp;
    Path dir;
    String file;

    @BeforeEach
    void writeJournal() throws Exception {
        dir = tmp.resolve("journal");
        try (Journal j = Journal.builder(dir).checkpointEvery(10).signer(CheckpointSigner.of(KEYS)).open()) {
            for (int i = 1; i <= 40; i++) {
                j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("agent-" + i % 3)
                        .action(String.format("SELECT * FROM orders WHERE id = ? /* row-%04d */", i))
                        .objects("PUBLIC.ORDERS").decision(Decision.ALLOWED, "read-orders"));
            }
        }
        try (var s = Files.list(dir)) {
            file = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cq4")).findFirst().orElseThrow();
        }
    }

    @Test
    void passesAnIntactJournalAndChecksEverySignature() throws Exception {
        VerificationSummary s = JournalVerifier.forJournal(dir).publicKey(KEYS.getPublic()).verify();
        assertEquals(42, s.events());
        assertEquals(1, s.firstSequence());
        assertEquals(42, s.lastSequence());
        assertEquals(5, s.checkpointsChecked(), "seq 10, 20, 30, 40 and the close at 42");
        assertTrue(s.signaturesChecked());
        assertEquals(List.of(), s.notes());
    }

    @Test
    void detectsAChangedEventInPlace() throws Exception {
        JournalSurgery.flipInFile(dir, "row-0017");
        JournalIntegrityException e = assertThrows(JournalIntegrityException.class, () -> JournalVerifier.forJournal(dir).verify());
        assertEquals(file + " entry 17: event 18 was changed: its content does not match its hash", e.getMessage());
        assertEquals(file + " entry 17", e.position());
    }

    @Test
    void detectsAChangedEventWhoseHashWasRecomputed() throws Exception {
        List<byte[]> entries = JournalSurgery.entries(dir);
        entries.set(17, JournalSurgery.rehash(JournalSurgery.edit(entries.get(17), "row-0017", "row-9999")));
        Path forged = rewrite(entries);
        JournalIntegrityException e = assertThrows(JournalIntegrityException.class, () -> JournalVerifier.forJournal(forged).verify());
        assertEquals(file + " entry 18: event 19 does not chain to event 18: an event was changed, removed or inserted before it",
                e.getMessage());
    }

    @Test
    void detectsAWholeTailRewrittenWithAConsistentChainThroughTheSignedCheckpoints() throws Exception {
        List<byte[]> entries = JournalSurgery.entries(dir);
        entries.set(17, JournalSurgery.rehash(JournalSurgery.edit(entries.get(17), "row-0017", "row-9999")));
        Path forged = rewrite(JournalSurgery.rechain(entries, 18));
        JournalIntegrityException e = assertThrows(JournalIntegrityException.class,
                () -> JournalVerifier.forJournal(forged).publicKey(KEYS.getPublic()).verify());
        assertEquals(file + " entry 19: event 20 does not match the hash signed in checkpoints.log line 2", e.getMessage());
    }

    @Test
    void detectsARemovedEvent() throws Exception {
        List<byte[]> entries = JournalSurgery.entries(dir);
        entries.remove(25);
        JournalIntegrityException e = assertThrows(JournalIntegrityException.class, () -> JournalVerifier.forJournal(rewrite(entries)).verify());
        assertEquals(file + " entry 25: event 27 found where event 26 was expected: events were removed or reordered", e.getMessage());
    }

    @Test
    void detectsReorderedEvents() throws Exception {
        List<byte[]> entries = JournalSurgery.entries(dir);
        Collections.swap(entries, 30, 31);
        JournalIntegrityException e = assertThrows(JournalIntegrityException.class, () -> JournalVerifier.forJournal(rewrite(entries)).verify());
        assertEquals(file + " entry 30: event 32 found where event 31 was expected: events were removed or reordered", e.getMessage());
    }

    @Test
    void detectsADuplicatedEvent() throws Exception {
        List<byte[]> entries = JournalSurgery.entries(dir);
        entries.add(12, entries.get(11));
        JournalIntegrityException e = assertThrows(JournalIntegrityException.class, () -> JournalVerifier.forJournal(rewrite(entries)).verify());
        assertEquals(file + " entry 12: event 12 is out of order or duplicated (expected event 13)", e.getMessage());
    }

    @Test
    void detectsAnInsertedForgedEvent() throws Exception {
        List<byte[]> entries = JournalSurgery.entries(dir);
        // A copy of event 5 re-numbered as 6 and chained to 5; the real 6 follows it.
        byte[] forged = JournalSurgery.edit(entries.get(4), "row-0004", "row-6666");
        List<byte[]> withInsert = new ArrayList<>(entries.subList(0, 5));
        withInsert.add(JournalSurgery.rehash(forged));
        withInsert.addAll(entries.subList(5, entries.size()));
        JournalIntegrityException e = assertThrows(JournalIntegrityException.class,
                () -> JournalVerifier.forJournal(rewrite(withInsert)).verify());
        assertEquals(file + " entry 5: event 5 is out of order or duplicated (expected event 6)", e.getMessage());
    }

    @Test
    void detectsATruncatedTail() throws Exception {
        List<byte[]> entries = JournalSurgery.entries(dir);
        Path truncated = rewrite(new ArrayList<>(entries.subList(0, 38)));
        JournalIntegrityException e = assertThrows(JournalIntegrityException.class, () -> JournalVerifier.forJournal(truncated).verify());
        assertEquals("checkpoints.log line 5: checkpoint covers event 42 but the journal ends at event 38: its tail was truncated",
                e.getMessage());
    }

    @Test
    void detectsEventsRemovedFromTheStartWithoutARetentionRecord() throws Exception {
        List<byte[]> entries = JournalSurgery.entries(dir);
        Path cut = rewrite(new ArrayList<>(entries.subList(4, entries.size())));
        JournalIntegrityException e = assertThrows(JournalIntegrityException.class, () -> JournalVerifier.forJournal(cut).verify());
        assertEquals(file + " entry 0: the journal starts at event 5 but no retention record accounts for events 1 to 4: "
                + "events were removed from its start", e.getMessage());
    }

    @Test
    void detectsAForgedCheckpoint() throws Exception {
        Path cp = dir.resolve(CheckpointLog.FILE_NAME);
        List<String> lines = new ArrayList<>(Files.readAllLines(cp));
        String line = lines.get(2);
        String forgedHash = "0".repeat(64);
        lines.set(2, line.replaceFirst("hash=[0-9a-f]{64}", "hash=" + forgedHash));
        Files.write(cp, lines);

        JournalIntegrityException signed = assertThrows(JournalIntegrityException.class,
                () -> JournalVerifier.forJournal(dir).publicKey(KEYS.getPublic()).verify());
        assertEquals("checkpoints.log line 3: checkpoint for event 30 has a bad signature", signed.getMessage());

        JournalIntegrityException unsigned = assertThrows(JournalIntegrityException.class, () -> JournalVerifier.forJournal(dir).verify());
        assertEquals(file + " entry 29: event 30 does not match the hash signed in checkpoints.log line 3", unsigned.getMessage());
    }

    @Test
    void rejectsCheckpointsSignedWithAnotherKey() throws Exception {
        KeyPair other = CheckpointSigner.generateKeyPair();
        JournalIntegrityException e = assertThrows(JournalIntegrityException.class,
                () -> JournalVerifier.forJournal(dir).publicKey(other.getPublic()).verify());
        assertEquals("checkpoints.log line 1: checkpoint for event 10 was signed by key " + CheckpointSigner.keyIdOf(KEYS.getPublic())
                + ", not by the given public key " + CheckpointSigner.keyIdOf(other.getPublic()), e.getMessage());
    }

    @Test
    void rejectsUnsignedCheckpointsWhenAKeyIsGiven() throws Exception {
        Path plain = tmp.resolve("unsigned");
        try (Journal j = Journal.builder(plain).open()) {
            j.append(EventDraft.of(Phase.INTENT, Channel.HTTP).agent("a").action("GET https://api.example/v1/x"));
        }
        assertTrue(JournalVerifier.forJournal(plain).verify().notes()
                .contains("checkpoint signatures not checked: pass the journal's public key to check them"));
        JournalIntegrityException e = assertThrows(JournalIntegrityException.class,
                () -> JournalVerifier.forJournal(plain).publicKey(KEYS.getPublic()).verify());
        assertEquals("checkpoints.log line 1: checkpoint for event 3 is not signed", e.getMessage());
    }

    @Test
    void namesTheLineOfAMalformedCheckpointFile() throws Exception {
        Path cp = dir.resolve(CheckpointLog.FILE_NAME);
        List<String> lines = new ArrayList<>(Files.readAllLines(cp));
        lines.set(3, "AGCP1 journal=zzz seq=1");
        Files.write(cp, lines);
        JournalIntegrityException e = assertThrows(JournalIntegrityException.class, () -> JournalVerifier.forJournal(dir).verify());
        assertEquals(cp + " line 4", e.position());
        assertTrue(e.getMessage().endsWith("line 4: not a checkpoint line (expected 'AGCP1 journal=… seq=… hash=… time=… key=… sig=…')"),
                e.getMessage());
    }

    @Test
    void toleratesATornLastCheckpointLineFromACrash() throws Exception {
        Path cp = dir.resolve(CheckpointLog.FILE_NAME);
        Files.writeString(cp, "AGCP1 journal=abc seq=4", java.nio.file.StandardOpenOption.APPEND);
        VerificationSummary s = JournalVerifier.forJournal(dir).publicKey(KEYS.getPublic()).verify();
        assertEquals(5, s.checkpointsChecked());
        assertEquals(List.of(cp + " line 6: incomplete last line ignored (a write cut short by a crash)"), s.notes());
    }

    @Test
    void verifyingChangesNothing() throws Exception {
        var before = Snapshot.of(dir);
        JournalVerifier.forJournal(dir).publicKey(KEYS.getPublic()).verify();
        assertEquals(before, Snapshot.of(dir));
    }

    private Path rewrite(List<byte[]> entries) throws Exception {
        Path target = tmp.resolve("forged-" + System.nanoTime());
        JournalSurgery.rewrite(dir, target, entries);
        return target;
    }
}
