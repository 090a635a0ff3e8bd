package dev.agentguard.ssh;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.junit.JournalAssert;
import dev.agentguard.junit.TempJournal;
import dev.agentguard.ssh.recording.Asciicast;
import dev.agentguard.ssh.recording.Recording;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every session is recorded, masked, as asciicast v2, referenced and hashed by the journal. */
class RecordingTest {

    @TempJournal
    Journal journal;
    @TempDir
    Path dir;

    private TestSshServer server;
    private GuardedSshClient client;

    @BeforeEach
    void start() throws Exception {
        server = new TestSshServer(dir.resolve("sftp"));
        client = SshFixture.client(SshFixture.target(server, dir).build(), TestPolicies.ops(), journal).build();
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    @Test
    void recordsTheMaskedSessionAndTheJournalCoversItsHash(JournalAssert audit) throws Exception {
        GuardedSshSession s = client.session("app1");
        s.exec("df -h");
        s.exec("split-pan");
        s.exec("exit 2");
        assertThrows(CommandDeniedException.class, () -> s.exec("cat /etc/shadow"));
        s.close();
        Recording rec = s.recording();

        assertEquals(dir.resolve("recordings").resolve(s.id() + ".cast"), rec.file());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(rec.file())));
        Asciicast cast = Asciicast.read(rec.file());
        assertEquals(2, cast.header().get("version").asInt());
        assertEquals("ops-agent on app1 (deploy@127.0.0.1)", cast.header().get("title").asText());
        String out = cast.output();
        assertTrue(out.startsWith("$ df -h\r\nFilesystem      Size"), out);
        assertTrue(out.contains("customer 42 paid with 4111 11** **** 1111 yesterday\r\n"), "line feeds as a terminal shows them");
        assertFalse(out.contains("4111 1111 1111 1111"), "masked");
        assertFalse(out.matches("(?s).*4111 1111 1.*"), "no split value escapes either");
        assertTrue(out.contains("$ exit 2\r\n[exit status 2]\r\n"), out);
        assertTrue(out.contains("$ cat /etc/shadow\r\n[refused: denied by rule \"no-shadow\""), out);

        assertEquals(Asciicast.sha256(rec.file()), rec.sha256());
        AuditEvent open = audit.filteredOn(e -> e.session(s.id()).action(SshGate.SESSION_OPEN)).events().get(0);
        assertEquals(rec.file().toString(), open.extensions().get("recording.file"));
        audit.hasEventMatching(e -> e.session(s.id()).phase(Phase.SYSTEM).action(SshGate.SESSION_CLOSE)
                .extension("recording.file", rec.file().toString())
                .extension("recording.sha256", rec.sha256())
                .count("recording.bytes", rec.bytes()));
        audit.isIntact();
    }

    @Test
    void refusesToOpenASessionThatCannotBeRecorded(JournalAssert audit) throws Exception {
        Path blocked = dir.resolve("blocked");
        Files.writeString(blocked, "a file where the recordings directory should be");
        try (GuardedSshClient c = SshFixture.client(SshFixture.target(server, dir).recordings(blocked.resolve("r")).build(),
                TestPolicies.ops(), journal).build()) {
            RecordingFailedException e = assertThrows(RecordingFailedException.class, () -> c.session("app1"));
            assertTrue(e.getMessage().contains("every session is recorded, so none was opened"), e.getMessage());
        }
        assertEquals(0, server.ranCommands().size());
        audit.hasEventMatching(e -> e.phase(Phase.SYSTEM).action(SshGate.SESSION_OPEN)
                .where("failed", ev -> ev.error() != null && ev.error().contains("cannot be created")));
    }
}
