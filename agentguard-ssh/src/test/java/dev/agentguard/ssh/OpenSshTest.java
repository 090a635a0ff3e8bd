package dev.agentguard.ssh;

import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.junit.JournalAssert;
import dev.agentguard.junit.TempJournal;
import dev.agentguard.ssh.recording.Asciicast;
import dev.agentguard.ssh.recording.Recording;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The guarded client against a real OpenSSH server: the unprivileged test sshd that .ci/run
 * starts on a loopback port (Debian's openssh-server). Skipped, saying so, when it is not running.
 */
class OpenSshTest {

    private static final String PORT = System.getenv("AGENTGUARD_TEST_SSHD_PORT");
    private static final String USER = System.getenv("AGENTGUARD_TEST_SSHD_USER");
    private static final String KEY = System.getenv("AGENTGUARD_TEST_SSHD_KEY");
    private static final String HOST_KEY = System.getenv("AGENTGUARD_TEST_SSHD_HOST_KEY");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static final Policy POLICY = SshFixture.policy("""
            policy: openssh-test
            version: 1
            default: deny
            rules:
              - id: no-shadow
                deny: { ssh: { paths: ["/etc/shadow"] } }
              - id: no-touch
                deny: { ssh: { programs: [touch] } }
              - id: tools
                allow: { ssh: { programs: [uname, printf, sleep, echo, id, ln, ls, pwd, "true"] } }
              - id: sftp-home
                allow: { ssh: { sftp: [list, read, write, remove, mkdir, rename], paths: ["/home/**"],
                                writes: ["/home/**"] } }
            masking:
              detectors: { pan: partial }
            """);

    @TempJournal
    Journal journal;
    @TempDir
    Path dir;

    @BeforeAll
    static void needsTheTestSshd() {
        assumeTrue(PORT != null && USER != null && KEY != null && HOST_KEY != null,
                "no test OpenSSH server: AGENTGUARD_TEST_SSHD_PORT, _USER, _KEY and _HOST_KEY are not set "
                        + "(.ci/run starts one when openssh-server is installed)");
    }

    private SshTarget.Builder target() throws Exception {
        return SshTarget.builder("openssh")
                .host("127.0.0.1")
                .port(Integer.parseInt(PORT))
                .user(USER)
                .credential(SshCredential.privateKeyFile(Path.of(KEY)))
                .hostKeys(HostKeys.pinned(Files.readString(Path.of(HOST_KEY))))
                .recordings(dir.resolve("recordings"));
    }

    private GuardedSshClient client(SshTarget target) {
        return SshFixture.client(target, POLICY, journal).build();
    }

    private static String random() {
        SecureRandom r = new SecureRandom();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            b.append((char) ('a' + r.nextInt(26)));
        }
        return b.toString();
    }

    @Test
    void runsCommandsWithAnEd25519HostKeyAndMasksOutputSplitAcrossPackets(JournalAssert audit) throws Exception {
        Recording rec;
        try (GuardedSshClient client = client(target().build())) {
            GuardedSshSession s = client.session("openssh");
            try {
                assertEquals("Linux\n", s.exec("uname -s").stdout());
                assertEquals(USER, s.exec("id -un").stdout().strip());
                // The server writes the card number in two writes, a moment apart: two packets.
                CommandResult split = s.exec("printf 'card 4111 1111 '; sleep 0.3; printf '1111 1111 paid\\n'");
                assertEquals("card 4111 11** **** 1111 paid\n", split.stdout());
                assertEquals(1, split.maskedValues());
            } finally {
                s.close();
            }
            rec = s.recording();
        }
        assertFalse(Files.readString(rec.file()).contains("1111 1111 1111"), "the recording is masked");
        assertEquals(Asciicast.sha256(rec.file()), rec.sha256());
        String hostKey = HostKeys.fingerprint(HostKeys.parse(Files.readString(Path.of(HOST_KEY))));
        audit.hasEventMatching(e -> e.action(SshGate.SESSION_OPEN).extension("ssh.host-key", hostKey));
        audit.hasEventMatching(e -> e.action(SshGate.SESSION_CLOSE).extension("recording.sha256", rec.sha256()));
        audit.containsNoPan();
    }

    @Test
    void acceptsTheHostThroughAKnownHostsFileAndRefusesAnotherKey() throws Exception {
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "[127.0.0.1]:" + PORT + " " + Files.readString(Path.of(HOST_KEY)));
        try (GuardedSshClient client = client(target().hostKeys(HostKeys.knownHosts(knownHosts)).build())) {
            assertEquals("ok\n", client.exec("openssh", "echo ok").stdout());
        }
        try (GuardedSshClient client = client(target()
                .hostKeys(HostKeys.pinned(TestKeys.publicLine(TestKeys.OTHER_ED25519))).build())) {
            HostKeyRejectedException e = assertThrows(HostKeyRejectedException.class,
                    () -> client.exec("openssh", "echo ok"));
            assertTrue(e.getMessage().contains("is not one of the 1 pinned"), e.getMessage());
        }
    }

    @Test
    void neverRunsADeniedCommand(JournalAssert audit) throws Exception {
        Path marker = Path.of("/tmp/agentguard-denied-" + random());
        try (GuardedSshClient client = client(target().build()); GuardedSshSession s = client.session("openssh")) {
            CommandDeniedException e = assertThrows(CommandDeniedException.class, () -> s.exec("touch " + marker));
            assertEquals("no-touch", e.ruleId());
            assertThrows(CommandDeniedException.class, () -> s.exec("echo ok && touch " + marker));
            assertThrows(CommandDeniedException.class, () -> s.exec("sh -c 'touch " + marker + "'"));
            assertEquals("still here\n", s.exec("echo still here").stdout());
        }
        assertFalse(Files.exists(marker), "the denied command never ran on the host");
        audit.hasExactly(3).eventsMatching(e -> e.phase(Phase.INTENT).decision(Decision.DENIED));
    }

    @Test
    void checksEachShellLineOnARealTerminal(JournalAssert audit) throws Exception {
        Path marker = Path.of("/tmp/agentguard-shell-" + random());
        try (GuardedSshClient client = client(target().build()); GuardedSshSession s = client.session("openssh");
             GuardedShell shell = s.shell()) {
            shell.sendLine("printf 'm%sk\\n' 1");
            assertNotNull(shell.readUntil("m1k", WAIT));
            assertThrows(ShellInputRefusedException.class, () -> shell.sendLine("echo a\u0015touch " + marker));
            assertThrows(ShellInputRefusedException.class, () -> shell.sendLine("cat <<EOF"));
            assertThrows(ShellInputRefusedException.class, () -> shell.sendLine("\u001b[200~touch " + marker));
            assertThrows(CommandDeniedException.class, () -> shell.sendLine("touch " + marker));
            shell.sendLine("printf 'card %s\\n' 5555-5555-5555-4444; printf 'm%sk\\n' 2");
            String out = shell.readUntil("m2k", WAIT);
            assertNotNull(out);
            assertTrue(out.contains("card 5555-55**-****-4444"), out);
            assertFalse(out.contains("touch"), "nothing of a refused line reached the terminal: " + out);
        }
        assertFalse(Files.exists(marker));
        audit.hasExactly(3).eventsMatching(e -> e.phase(Phase.INTENT).rule(SshGate.SHELL_INPUT_RULE));
        audit.containsNoPan();
    }

    @Test
    void transfersFilesWithSftpAndDecidesLinksByWhereTheyLead(JournalAssert audit) throws Exception {
        String name = "agentguard-" + random();
        String home = "/home/" + USER;
        try (GuardedSshClient client = client(target().build()); GuardedSshSession s = client.session("openssh");
             GuardedSftp sftp = s.sftp()) {
            sftp.mkdir(name);
            sftp.write(name + "/notes.txt", "card 4111111111111111\n");
            assertEquals("card 411111******1111\n", sftp.read(home + "/" + name + "/notes.txt"));
            assertEquals(List.of("notes.txt"), sftp.list(name).stream().map(RemoteFile::name).toList());
            s.exec("ln -s /etc/passwd " + home + "/" + name + "/link");
            CommandDeniedException e = assertThrows(CommandDeniedException.class, () -> sftp.read(name + "/link"));
            assertEquals("default", e.ruleId());
            sftp.remove(name + "/link");
            sftp.remove(name + "/notes.txt");
        }
        audit.hasEventMatching(ev -> ev.phase(Phase.INTENT).action("sftp read /etc/passwd").decision(Decision.DENIED));
        audit.hasEventMatching(ev -> ev.phase(Phase.INTENT).action("sftp write " + home + "/" + name + "/notes.txt")
                .decision(Decision.ALLOWED));
    }

    @Test
    void runsSessionsSideBySide() throws Exception {
        try (GuardedSshClient client = client(target().build())) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    int id = i;
                    results.add(pool.submit(() -> {
                        go.await();
                        try (GuardedSshSession s = client.session("openssh")) {
                            return s.exec("echo session-" + id).stdout();
                        }
                    }));
                }
                go.countDown();
                for (int i = 0; i < 4; i++) {
                    assertEquals("session-" + i + "\n", results.get(i).get(60, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
