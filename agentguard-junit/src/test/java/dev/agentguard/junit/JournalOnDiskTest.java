package dev.agentguard.junit;

import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.integrity.CheckpointSigner;
import dev.agentguard.audit.journal.Journal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.stream.Stream;

import static dev.agentguard.junit.JournalAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions over real journals: open ones, closed ones, directories, tampered ones, signed ones. */
class JournalOnDiskTest {

    @TempJournal
    Journal journal;

    @Test
    void readsTheOpenJournalAfreshForEveryAssertion(JournalAssert audit) throws Exception {
        audit.hasExactly(1).eventsMatching(e -> e.phase(Phase.SYSTEM).action("journal.open"));

        journal.append(deniedDelete());
        audit.hasEventMatching(e -> e.agent("payments-agent").decision(Decision.DENIED).rule("no-delete"));

        journal.append(deniedDelete());
        audit.hasExactly(2).eventsMatching(e -> e.decision(Decision.DENIED));
    }

    @Test
    void failureMessagesNameTheJournalDirectory() throws Exception {
        journal.append(deniedDelete());

        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> assertThat(journal).hasEventMatching(m -> m.decision(Decision.APPROVED)));

        assertEquals("Expected an event matching [decision=APPROVED]\n"
                + "in journal " + journal.directory() + ", but none of 2 events matches.\n"
                + "Events (2, oldest first):\n"
                + "  #1 SYSTEM   agent=agentguard-journal channel=JOURNAL decision=- rule=- action=\"journal.open\"\n"
                + "  #2 INTENT   agent=payments-agent channel=JDBC decision=DENIED rule=no-delete action=\"DELETE FROM cards\"",
                e.getMessage());
    }

    @Test
    void readsAClosedJournalByItsDirectory() throws Exception {
        journal.append(deniedDelete());
        journal.close();

        assertThat(journal.directory()).eventsInOrder(
                e -> e.phase(Phase.SYSTEM).action("journal.open"),
                e -> e.decision(Decision.DENIED),
                e -> e.phase(Phase.SYSTEM).action("journal.close"));
    }

    @Test
    void saysWhenADirectoryIsNoJournal(@TempDir Path notAJournal) {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> assertThat(notAJournal).hasEventMatching(m -> m));
        assertEquals("Could not read journal " + notAJournal + ": " + notAJournal
                + ": not an AgentGuard journal (no metadata.cq4t)", e.getMessage());
    }

    @Test
    void isIntactPassesWhileOpenAndAfterClose() throws Exception {
        journal.append(deniedDelete());
        assertThat(journal).isIntact();
        journal.close();
        assertThat(journal.directory()).isIntact();
    }

    @Test
    void isIntactFailsOnATamperedJournalAndSaysWhere() throws Exception {
        journal.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("payments-agent")
                .action("SELECT * FROM cards /* tamper-me */").decision(Decision.MASKED, "mask-pan"));
        journal.close();
        String file = flipFirstByteOf(journal.directory(), "tamper-me");

        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> assertThat(journal).isIntact());

        assertEquals("Expected journal " + journal.directory() + " to be intact, but verification failed at "
                + file + " entry 1: event 2 was changed: its content does not match its hash", e.getMessage());
        assertInstanceOf(dev.agentguard.audit.integrity.JournalIntegrityException.class, e.getCause());
    }

    @Test
    void isIntactAndSignedByChecksTheCheckpointSignatures(@TempDir Path tmp) throws Exception {
        KeyPair keys = CheckpointSigner.generateKeyPair();
        Path dir = tmp.resolve("signed");
        try (Journal signed = Journal.builder(dir).signer(CheckpointSigner.of(keys)).open()) {
            signed.append(deniedDelete());
        }
        assertThat(dir).isIntactAndSignedBy(keys.getPublic());

        KeyPair other = CheckpointSigner.generateKeyPair();
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> assertThat(dir).isIntactAndSignedBy(other.getPublic()));
        assertTrue(e.getMessage().startsWith("Expected journal " + dir + " to be intact and signed by key "
                + CheckpointSigner.keyIdOf(other.getPublic()) + ", but verification failed at checkpoints.log line 1: "),
                e.getMessage());
    }

    @Test
    void isIntactAndSignedByFailsWhenNothingIsSignedYet() {
        KeyPair keys = CheckpointSigner.generateKeyPair();
        // The journal is open and has written fewer events than checkpointEvery: no checkpoint yet.
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> assertThat(journal).isIntactAndSignedBy(keys.getPublic()));
        assertEquals("Expected journal " + journal.directory() + " to be intact and signed by key "
                + CheckpointSigner.keyIdOf(keys.getPublic()) + ", but it has no checkpoint, so nothing in it is signed"
                + " (a journal writes checkpoints every checkpointEvery events and when it is closed).", e.getMessage());
    }

    private static EventDraft deniedDelete() {
        return EventDraft.of(Phase.INTENT, Channel.JDBC).agent("payments-agent").action("DELETE FROM cards")
                .objects("PUBLIC.CARDS").decision(Decision.DENIED, "no-delete");
    }

    /** Flips one bit of the first occurrence of {@code text} in the journal's cycle file; returns the file's name. */
    static String flipFirstByteOf(Path dir, String text) throws IOException {
        Path file;
        try (Stream<Path> s = Files.list(dir)) {
            file = s.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        byte[] all = Files.readAllBytes(file);
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i <= all.length - needle.length; i++) {
            if (java.util.Arrays.equals(all, i, i + needle.length, needle, 0, needle.length)) {
                all[i] ^= 0x01;
                Files.write(file, all);
                return file.getFileName().toString();
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not in " + file);
    }
}
