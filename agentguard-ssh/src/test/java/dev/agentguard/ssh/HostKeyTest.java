package dev.agentguard.ssh;

import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.junit.JournalAssert;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Host keys are always checked: pinned or known_hosts, Ed25519 and RSA; nothing is sent to a host that fails. */
class HostKeyTest {

    private static final Policy ALLOW_ALL = SshFixture.policy("policy: t\nversion: 1\ndefault: allow\nrules: []\n");

    @TempJournal
    Journal journal;
    @TempDir
    Path dir;

    private TestSshServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private GuardedSshClient client(HostKeys keys) {
        return SshFixture.client(SshFixture.target(server, dir).hostKeys(keys).build(), ALLOW_ALL, journal).build();
    }

    private void runsEcho(GuardedSshClient client) throws Exception {
        assertEquals("hello\n", client.exec("app1", "echo hello").stdout());
    }

    @Test
    void acceptsAPinnedEd25519HostKey(JournalAssert audit) throws Exception {
        server = new TestSshServer(dir.resolve("sftp"), TestKeys.HOST_ED25519);
        try (GuardedSshClient client = client(HostKeys.pinned(TestKeys.publicLine(TestKeys.HOST_ED25519)))) {
            runsEcho(client);
        }
        audit.hasEventMatching(e -> e.phase(Phase.SYSTEM).channel(Channel.SSH).action(SshGate.SESSION_OPEN)
                .outcome(Outcome.SUCCESS)
                .extension("ssh.host-key", HostKeys.fingerprint(TestKeys.HOST_ED25519.getPublic())));
        assertTrue(HostKeys.fingerprint(TestKeys.HOST_ED25519.getPublic()).startsWith("SHA256:"));
    }

    @Test
    void acceptsAPinnedRsaHostKeyGivenAsAJavaKey() throws Exception {
        server = new TestSshServer(dir.resolve("sftp"), TestKeys.HOST_RSA);
        try (GuardedSshClient client = client(HostKeys.pinned(TestKeys.HOST_RSA.getPublic()))) {
            runsEcho(client);
        }
    }

    @Test
    void refusesAHostKeyThatIsNotPinnedBeforeAnyCredentialIsSent(JournalAssert audit) throws Exception {
        server = new TestSshServer(dir.resolve("sftp"), TestKeys.OTHER_ED25519);
        try (GuardedSshClient client = client(HostKeys.pinned(TestKeys.publicLine(TestKeys.HOST_ED25519)))) {
            HostKeyRejectedException e = assertThrows(HostKeyRejectedException.class,
                    () -> client.exec("app1", "echo hello"));
            String presented = HostKeys.fingerprint(TestKeys.OTHER_ED25519.getPublic());
            assertEquals("SSH target \"app1\" refused: the host key ssh-ed25519 " + presented + " is not one of the 1 "
                    + "pinned for this target; no credential was sent", e.getMessage());
            assertEquals(presented, e.fingerprint());
        }
        assertEquals(List.of(), List.copyOf(server.authAttempts), "no login was attempted");
        assertEquals(List.of(), server.ranCommands());
        audit.hasEventMatching(e -> e.phase(Phase.SYSTEM).action(SshGate.SESSION_OPEN).decision(Decision.DENIED)
                .rule(SshGate.HOST_KEY_RULE).outcome(Outcome.FAILURE)
                .extension("ssh.host-key", HostKeys.fingerprint(TestKeys.OTHER_ED25519.getPublic())));
        audit.hasNoEventMatching(e -> e.phase(Phase.INTENT));
    }

    @Test
    void refusesAnRsaKeyWhenOnlyTheEd25519KeyIsPinned() throws Exception {
        server = new TestSshServer(dir.resolve("sftp"), TestKeys.HOST_RSA);
        try (GuardedSshClient client = client(HostKeys.pinned(TestKeys.publicLine(TestKeys.HOST_ED25519)))) {
            assertThrows(HostKeyRejectedException.class, () -> client.exec("app1", "echo hello"));
        }
        assertEquals(List.of(), List.copyOf(server.authAttempts));
    }

    @Test
    void acceptsAKnownHostsEntryForTheHostAndPort() throws Exception {
        server = new TestSshServer(dir.resolve("sftp"), TestKeys.HOST_ED25519);
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "# test hosts\n"
                + "[127.0.0.1]:" + server.port() + " " + TestKeys.publicLine(TestKeys.HOST_ED25519) + "\n");
        try (GuardedSshClient client = client(HostKeys.knownHosts(knownHosts))) {
            runsEcho(client);
        }
    }

    @Test
    void acceptsAHashedKnownHostsEntry() throws Exception {
        server = new TestSshServer(dir.resolve("sftp"), TestKeys.HOST_ED25519);
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, hashed("[127.0.0.1]:" + server.port()) + " "
                + TestKeys.publicLine(TestKeys.HOST_ED25519) + "\n");
        try (GuardedSshClient client = client(HostKeys.knownHosts(knownHosts))) {
            runsEcho(client);
        }
    }

    @Test
    void refusesAHostTheKnownHostsFileDoesNotList() throws Exception {
        server = new TestSshServer(dir.resolve("sftp"), TestKeys.HOST_ED25519);
        Path knownHosts = dir.resolve("known_hosts");
        // The right key, but for another port: a known_hosts entry names host and port.
        Files.writeString(knownHosts, "[127.0.0.1]:2 " + TestKeys.publicLine(TestKeys.HOST_ED25519) + "\n"
                + "app2.internal " + TestKeys.publicLine(TestKeys.HOST_ED25519) + "\n");
        try (GuardedSshClient client = client(HostKeys.knownHosts(knownHosts))) {
            HostKeyRejectedException e = assertThrows(HostKeyRejectedException.class,
                    () -> client.exec("app1", "echo hello"));
            assertTrue(e.getMessage().contains("is not in " + knownHosts + " (unknown host"), e.getMessage());
        }
        assertEquals(List.of(), List.copyOf(server.authAttempts));
    }

    @Test
    void refusesAChangedKeyOfAKnownHost() throws Exception {
        server = new TestSshServer(dir.resolve("sftp"), TestKeys.OTHER_ED25519);
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "[127.0.0.1]:" + server.port() + " " + TestKeys.publicLine(TestKeys.HOST_ED25519)
                + "\n");
        try (GuardedSshClient client = client(HostKeys.knownHosts(knownHosts))) {
            HostKeyRejectedException e = assertThrows(HostKeyRejectedException.class,
                    () -> client.exec("app1", "echo hello"));
            assertTrue(e.getMessage().contains("does not match the 1 listed in " + knownHosts), e.getMessage());
        }
        assertEquals(List.of(), List.copyOf(server.authAttempts));
    }

    @Test
    void refusesARevokedKeyEvenWhenItIsAlsoListed() throws Exception {
        server = new TestSshServer(dir.resolve("sftp"), TestKeys.HOST_ED25519);
        Path knownHosts = dir.resolve("known_hosts");
        String line = TestKeys.publicLine(TestKeys.HOST_ED25519);
        Files.writeString(knownHosts, "[127.0.0.1]:" + server.port() + " " + line + "\n"
                + "@revoked [127.0.0.1]:" + server.port() + " " + line + "\n");
        try (GuardedSshClient client = client(HostKeys.knownHosts(knownHosts))) {
            HostKeyRejectedException e = assertThrows(HostKeyRejectedException.class,
                    () -> client.exec("app1", "echo hello"));
            assertTrue(e.getMessage().contains("is marked @revoked"), e.getMessage());
        }
    }

    @Test
    void refusesAtBuildTimeAKnownHostsFileThatCannotBeRead() {
        server = null;
        Path missing = dir.resolve("missing_known_hosts");
        SshTarget target = SshTarget.builder("app1").host("127.0.0.1").user("deploy")
                .credential(SshCredential.password("x".toCharArray()))
                .hostKeys(HostKeys.knownHosts(missing)).recordings(dir).build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SshFixture.client(target, ALLOW_ALL, journal).build());
        assertEquals("target \"app1\": the known_hosts file " + missing + " cannot be read", e.getMessage());
    }

    @Test
    void refusesAPinnedKeyThatIsNotAPublicKeyLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HostKeys.pinned("ssh-ed25519 not-base64!"));
        assertTrue(e.getMessage().startsWith("a pinned host key must be an OpenSSH public key line"), e.getMessage());
    }

    /** An OpenSSH hashed host name: |1|base64(salt)|base64(HMAC-SHA1(salt, host)). */
    private static String hashed(String host) throws Exception {
        byte[] salt = new byte[20];
        new java.security.SecureRandom().nextBytes(salt);
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(salt, "HmacSHA1"));
        byte[] hash = mac.doFinal(host.getBytes(StandardCharsets.UTF_8));
        return "|1|" + Base64.getEncoder().encodeToString(salt) + "|" + Base64.getEncoder().encodeToString(hash);
    }

}
