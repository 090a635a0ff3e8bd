package dev.agentguard.ssh;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.junit.JournalAssert;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SFTP operations decided by path (after the host resolved it), journaled with sizes and content hashes. */
class SftpTest {

    @TempJournal
    Journal journal;
    @TempDir
    Path dir;

    private Path root;
    private TestSshServer server;
    private GuardedSshClient client;

    @BeforeEach
    void start() throws Exception {
        root = dir.resolve("sftp");
        Files.createDirectories(root.resolve("srv/app"));
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("private"));
        Files.writeString(root.resolve("etc/shadow"), "root:$6$hash:19000::::::\n");
        Files.writeString(root.resolve("private/data.txt"), "not for agents\n");
        server = new TestSshServer(root);
        client = SshFixture.client(SshFixture.target(server, dir).build(), TestPolicies.ops(), journal).build();
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void writesReadsListsAndJournalsPathsSizesAndHashes(JournalAssert audit) throws Exception {
        String content = "db_url=postgres://app\ncard=4111 1111 1111 1111\n";
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        try (GuardedSshSession s = client.session("app1"); GuardedSftp sftp = s.sftp()) {
            sftp.write("/srv/app/config.txt", content);
            assertEquals(content, Files.readString(root.resolve("srv/app/config.txt")), "written as given");
            String read = sftp.read("/srv/app/config.txt");
            assertEquals("db_url=postgres://app\ncard=4111 11** **** 1111\n", read, "read back masked");
            List<RemoteFile> files = sftp.list("/srv/app");
            assertEquals(List.of("config.txt"), files.stream().map(RemoteFile::name).toList());
            assertEquals(bytes.length, files.get(0).size());
            assertFalse(files.get(0).directory());
        }
        String hash = sha256(bytes);
        audit.hasEventMatching(e -> e.phase(Phase.INTENT).action("sftp write /srv/app/config.txt")
                .decision(Decision.ALLOWED).rule("sftp-under-srv"));
        audit.hasEventMatching(e -> e.phase(Phase.OUTCOME).action("sftp write /srv/app/config.txt")
                .outcome(Outcome.SUCCESS).count(GuardedSftp.BYTES, bytes.length));
        audit.hasEventMatching(e -> e.phase(Phase.OUTCOME).action("sftp read /srv/app/config.txt")
                .decision(Decision.MASKED).count(GuardedSftp.BYTES, bytes.length).count("masked.pan", 1));
        audit.hasExactly(2).eventsMatching(e -> e.phase(Phase.SYSTEM).action(SshGate.SFTP_TRANSFER)
                .extension("sftp.path", "/srv/app/config.txt").extension("sftp.sha256", hash)
                .count(GuardedSftp.BYTES, bytes.length));
        AuditEvent readIntent = audit.filteredOn(e -> e.phase(Phase.INTENT).action("sftp read /srv/app/config.txt"))
                .events().get(0);
        audit.hasEventMatching(e -> e.action(SshGate.SFTP_TRANSFER).extension("sftp.operation", "read")
                .extension("intent-seq", Long.toString(readIntent.sequence())));
        audit.hasEventMatching(e -> e.phase(Phase.OUTCOME).action("sftp list /srv/app").count(GuardedSftp.ENTRIES, 1));
        audit.containsNoPan();
    }

    @Test
    void renamesMakesDirectoriesAndRemovesWhereThePolicyAllows() throws Exception {
        try (GuardedSshSession s = client.session("app1"); GuardedSftp sftp = s.sftp()) {
            sftp.mkdir("/srv/app/releases");
            sftp.write("/srv/app/releases/a.txt", "a");
            sftp.rename("/srv/app/releases/a.txt", "/srv/app/releases/b.txt");
            assertTrue(Files.exists(root.resolve("srv/app/releases/b.txt")));
            sftp.remove("/srv/app/releases/b.txt");
            assertFalse(Files.exists(root.resolve("srv/app/releases/b.txt")));
        }
    }

    @Test
    void refusesPathsOutsideTheRulesAndTouchesNothing(JournalAssert audit) throws Exception {
        try (GuardedSshSession s = client.session("app1"); GuardedSftp sftp = s.sftp()) {
            CommandDeniedException shadow = assertThrows(CommandDeniedException.class, () -> sftp.read("/etc/shadow"));
            assertEquals("no-shadow", shadow.ruleId());
            CommandDeniedException climb = assertThrows(CommandDeniedException.class,
                    () -> sftp.read("/srv/app/../../etc/shadow"));
            assertEquals("no-shadow", climb.ruleId(), "the path is decided as it resolves");
            assertEquals("default", assertThrows(CommandDeniedException.class,
                    () -> sftp.read("/private/data.txt")).ruleId());
            assertEquals("default", assertThrows(CommandDeniedException.class,
                    () -> sftp.write("/private/new.txt", "x")).ruleId());
            assertEquals("no-etc-writes", assertThrows(CommandDeniedException.class,
                    () -> sftp.rename("/srv/app", "/etc/app")).ruleId());
            assertEquals("default", assertThrows(CommandDeniedException.class,
                    () -> sftp.remove("/private/data.txt")).ruleId());
        }
        assertTrue(Files.exists(root.resolve("private/data.txt")));
        assertFalse(Files.exists(root.resolve("private/new.txt")));
        assertTrue(Files.exists(root.resolve("srv/app")));
        audit.hasExactly(6).eventsMatching(e -> e.phase(Phase.INTENT).decision(Decision.DENIED));
        audit.hasNoEventMatching(e -> e.phase(Phase.OUTCOME));
        audit.hasNoEventMatching(e -> e.action(SshGate.SFTP_TRANSFER));
    }

    @Test
    void decidesASymbolicLinkByWhereItLeads(JournalAssert audit) throws Exception {
        Files.createSymbolicLink(root.resolve("srv/app/link.txt"), Path.of("../../private/data.txt"));
        try (GuardedSshSession s = client.session("app1"); GuardedSftp sftp = s.sftp()) {
            CommandDeniedException e = assertThrows(CommandDeniedException.class, () -> sftp.read("/srv/app/link.txt"));
            assertEquals("default", e.ruleId());
        }
        audit.hasEventMatching(e -> e.phase(Phase.INTENT).action("sftp read /private/data.txt")
                .decision(Decision.DENIED));
    }

    @Test
    void resolvesRelativePathsFromTheLoginDirectory(JournalAssert audit) throws Exception {
        Files.writeString(root.resolve("srv/app/notes.txt"), "hello\n");
        try (GuardedSshSession s = client.session("app1"); GuardedSftp sftp = s.sftp()) {
            assertEquals("hello\n", sftp.read("srv/app/notes.txt"));
        }
        audit.hasEventMatching(e -> e.phase(Phase.INTENT).action("sftp read /srv/app/notes.txt"));
    }
}
