package dev.agentguard.ssh;

import dev.agentguard.audit.journal.Journal;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The client never asks for forwarding, and refuses the channels a host opens towards it. */
class ForwardingTest {

    @TempJournal
    Journal journal;
    @TempDir
    Path dir;

    private TestSshServer server;
    private GuardedSshClient client;

    @BeforeEach
    void start() throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("sftp/srv"));
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

    @ParameterizedTest
    @ValueSource(strings = {"x11", "auth-agent@openssh.com", "auth-agent", "forwarded-tcpip", "direct-tcpip", "session"})
    void refusesChannelsTheHostOpensTowardsTheClient(String type) throws Exception {
        CommandResult r = client.exec("app1", "open-channel " + type);
        assertEquals("refused\n", r.stdout());
    }

    @Test
    void neverAsksForAgentX11OrPortForwarding() throws Exception {
        try (GuardedSshSession s = client.session("app1")) {
            s.exec("echo x");
            try (GuardedShell shell = s.shell()) {
                shell.sendLine("printf 'm%sk\\n' 1");
                assertNotNull(shell.readUntil("m1k", Duration.ofSeconds(20)));
            }
            try (GuardedSftp sftp = s.sftp()) {
                sftp.list("/srv");
            }
        }
        assertEquals(List.of(), List.copyOf(server.forwardingRequests));
    }
}
