package dev.agentguard.ssh;

import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.identity.AgentContext;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.identity.IdentityException;
import dev.agentguard.core.identity.IdentitySource;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.junit.JournalAssert;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** No identity, no session; the guard's credentials never show in the journal, an exception or a log line. */
class IdentityAndCredentialTest {

    private static final Policy ALLOW_ALL = SshFixture.policy("policy: t\nversion: 1\ndefault: allow\nrules: []\n");
    private static final String WRONG_PASSWORD = "Wr0ng-Pa55word-kqzvw";

    @TempJournal
    Journal journal;
    @TempDir
    Path dir;

    private TestSshServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestSshServer(dir.resolve("sftp"));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void refusesASessionWithoutIdentityBeforeConnecting(JournalAssert audit) throws Exception {
        IdentitySource none = () -> {
            throw new IdentityException("no token in /run/agent/token");
        };
        try (GuardedSshClient client = GuardedSshClient.builder().target(SshFixture.target(server, dir).build())
                .identity(none).policy(ALLOW_ALL).journal(journal).build()) {
            SshIdentityRefusedException e = assertThrows(SshIdentityRefusedException.class,
                    () -> client.session("app1"));
            assertEquals("no verified agent identity for SSH target \"app1\": no token in /run/agent/token",
                    e.getMessage());
        }
        assertEquals(0, server.connections.get(), "nothing connected");
        audit.hasEventMatching(e -> e.phase(Phase.IDENTITY).channel(Channel.SSH).resource("app1")
                .decision(Decision.DENIED).extension("pci-requirement", "10.2.1.4"));
    }

    @Test
    void refusesCommandsOnceTheIdentityExpiresAndCannotBeRenewed(JournalAssert audit) throws Exception {
        Instant now = Instant.parse("2026-11-26T08:00:00Z");
        MutableClock clock = new MutableClock(now);
        AgentIdentity shortLived = new AgentIdentity(SshFixture.AGENT, null, Set.of("ops"), Set.of(),
                now.plusSeconds(60));
        try (GuardedSshClient client = GuardedSshClient.builder().target(SshFixture.target(server, dir).build())
                .identity(IdentitySource.fixed(shortLived)).policy(ALLOW_ALL).journal(journal).clock(clock).build();
             GuardedSshSession s = client.session("app1")) {
            assertEquals("a\n", s.exec("echo a").stdout());
            clock.set(now.plusSeconds(61));
            SshIdentityRefusedException e = assertThrows(SshIdentityRefusedException.class, () -> s.exec("echo b"));
            assertTrue(e.getMessage().contains("expired at 2026-11-26T08:01:00Z"), e.getMessage());
        }
        assertEquals(List.of("echo a"), server.ranCommands());
        audit.hasEventMatching(e -> e.phase(Phase.IDENTITY).action("echo b").decision(Decision.DENIED));
    }

    @Test
    void runsAsTheIdentityBoundToTheCallingThread(JournalAssert audit) throws Exception {
        try (GuardedSshClient client = SshFixture.client(SshFixture.target(server, dir).build(), ALLOW_ALL, journal)
                .build()) {
            AgentContext.Scope scope = AgentContext.bind(AgentIdentity.of("refund-bot"));
            try {
                client.exec("app1", "echo x");
            } finally {
                scope.close();
            }
        }
        audit.hasEventMatching(e -> e.phase(Phase.INTENT).agent("refund-bot"));
        audit.hasNoEventMatching(e -> e.phase(Phase.INTENT).agent(SshFixture.AGENT));
    }

    @Test
    void logsInWithAPasswordCredential() throws Exception {
        SshTarget target = SshFixture.target(server, dir)
                .credential(SshCredential.password(TestSshServer.PASSWORD.toCharArray())).build();
        try (GuardedSshClient client = SshFixture.client(target, ALLOW_ALL, journal).build()) {
            assertEquals("pw\n", client.exec("app1", "echo pw").stdout());
        }
    }

    @Test
    void logsInWithAKeyGivenAsBytes() throws Exception {
        SshTarget target = SshFixture.target(server, dir)
                .credential(SshCredential.privateKey(TestKeys.privateKeyFile(TestKeys.CLIENT_ED25519))).build();
        try (GuardedSshClient client = SshFixture.client(target, ALLOW_ALL, journal).build()) {
            assertEquals("key\n", client.exec("app1", "echo key").stdout());
        }
    }

    @Test
    void neverShowsAPasswordInTheJournalAnExceptionOrALog(JournalAssert audit) throws Exception {
        SshTarget target = SshFixture.target(server, dir)
                .credential(SshCredential.password(WRONG_PASSWORD.toCharArray())).build();
        String log;
        IOException failure;
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (GuardedSshClient client = SshFixture.client(target, ALLOW_ALL, journal).build()) {
            failure = assertThrows(IOException.class, () -> client.exec("app1", "echo x"));
            assertFalse(target.toString().contains(WRONG_PASSWORD), target.toString());
            assertEquals("SshCredential[password]", SshCredential.password(WRONG_PASSWORD.toCharArray()).toString());
            assertFalse(client.toString().contains(WRONG_PASSWORD));
        } finally {
            System.setErr(stderr);
            log = captured.toString(StandardCharsets.UTF_8);
        }
        assertTrue(server.authAttempts.contains("password:" + WRONG_PASSWORD), "the server did receive it");
        assertTrue(failure.getMessage().startsWith("SSH target \"app1\": connecting as deploy failed"),
                failure.getMessage());
        assertNowhere(WRONG_PASSWORD, failure, log);
        audit.hasEventMatching(e -> e.phase(Phase.SYSTEM).action(SshGate.SESSION_OPEN)
                .where("failed", ev -> ev.error() != null && ev.error().contains("connecting as deploy failed")));
        audit.containsNoMatch(Pattern.compile(Pattern.quote(WRONG_PASSWORD)));
        assertJournalFilesLackText(WRONG_PASSWORD);
    }

    @Test
    void neverShowsPrivateKeyMaterialOrItsFileContent(JournalAssert audit) throws Exception {
        byte[] keyFile = TestKeys.privateKeyFile(TestKeys.CLIENT_ED25519);
        String pem = new String(keyFile, StandardCharsets.US_ASCII);
        String body = pem.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        SshTarget target = SshFixture.target(server, dir).credential(SshCredential.privateKey(keyFile)).build();
        try (GuardedSshClient client = SshFixture.client(target, ALLOW_ALL, journal).build()) {
            client.exec("app1", "echo x");
            assertFalse(target.toString().contains(body));
        }
        audit.containsNoMatch(Pattern.compile(Pattern.quote(body)));
        assertJournalFilesLackText(body);
    }

    @Test
    void reportsAnUnreadableKeyByItsFileNameOnly() throws Exception {
        Path bad = dir.resolve("broken_key");
        String secretish = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAsecretmaterialAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
        Files.writeString(bad, secretish);
        SshTarget target = SshFixture.target(server, dir).credential(SshCredential.privateKeyFile(bad)).build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SshFixture.client(target, ALLOW_ALL, journal).build());
        assertTrue(e.getMessage().startsWith("target \"app1\": the private key broken_key cannot be read ("),
                e.getMessage());
        assertFalse(e.getMessage().contains("secretmaterial"));
    }

    private static void assertNowhere(String secret, Throwable failure, String log) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(secret), "exception message: " + t);
            for (Throwable s : t.getSuppressed()) {
                assertFalse(String.valueOf(s.getMessage()).contains(secret), "suppressed: " + s);
            }
        }
        assertFalse(log.contains(secret), "log lines");
    }

    private void assertJournalFilesLackText(String secret) throws IOException {
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(journal.directory())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                assertFalse(indexOf(bytes, needle) >= 0, "journal file " + f + " holds the secret");
            }
        }
        try (Stream<Path> files = Files.walk(dir.resolve("recordings"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertFalse(indexOf(Files.readAllBytes(f), needle) >= 0, "recording " + f + " holds the secret");
            }
        } catch (java.nio.file.NoSuchFileException none) {
            // no session was recorded
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
