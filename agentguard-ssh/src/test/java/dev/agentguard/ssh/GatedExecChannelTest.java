package dev.agentguard.ssh;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command of a gated channel reaches the host only once permitted, whether the permit comes
 * before or after the host confirms the channel; a channel closed unpermitted runs nothing.
 */
class GatedExecChannelTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private TestSshServer server;
    private SshClient client;
    private ClientSession ssh;

    @BeforeEach
    void start() throws Exception {
        server = new TestSshServer(dir.resolve("sftp"));
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.start();
        ssh = client.connect(TestSshServer.USER, "127.0.0.1", server.port()).verify(WAIT).getSession();
        ssh.addPublicKeyIdentity(TestKeys.CLIENT_ED25519);
        ssh.auth().verify(WAIT);
    }

    @AfterEach
    void stop() throws Exception {
        ssh.close(true);
        client.stop();
        server.close();
    }

    @Test
    void sendsTheCommandWhenPermittedAfterTheHostConfirmedTheChannel() throws Exception {
        GatedExecChannel channel = GatedExecChannel.create(ssh, "echo late");
        ByteArrayOutputStream out = capture(channel);
        channel.open().verify(WAIT);
        // A command sent at the confirmation would have left before this later exec on the same
        // connection, and the host handles a connection's messages in order.
        assertEquals("sync\n", exec("echo sync"));
        assertEquals(List.of("echo sync"), server.ranCommands(), "nothing runs before the permit");
        channel.permit();
        assertEquals("late\n", finish(channel, out));
        assertEquals(List.of("echo sync", "echo late"), server.ranCommands());
    }

    @Test
    void sendsTheCommandAtTheHostsConfirmationWhenPermittedBefore() throws Exception {
        GatedExecChannel channel = GatedExecChannel.create(ssh, "echo early");
        ByteArrayOutputStream out = capture(channel);
        channel.permit();
        channel.open().verify(WAIT);
        assertEquals("early\n", finish(channel, out));
        assertEquals(List.of("echo early"), server.ranCommands());
    }

    @Test
    void theCommandReadsTheEndOfItsInputWithoutTheAgentClosingIt() throws Exception {
        for (boolean permitFirst : new boolean[] {true, false}) {
            GatedExecChannel channel = GatedExecChannel.create(ssh, "read-input");
            ByteArrayOutputStream out = capture(channel);
            if (permitFirst) {
                channel.permit();
            }
            channel.open().verify(WAIT);
            if (!permitFirst) {
                channel.permit();
            }
            // The agent's side of standard input stays open: the end went with the command.
            assertTrue(channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), WAIT).contains(ClientChannelEvent.CLOSED),
                    "the command did not end (permit first: " + permitFirst + ")");
            assertEquals(0, channel.getExitStatus());
            assertEquals("read 0 bytes\n", out.toString(StandardCharsets.UTF_8));
        }
        assertEquals(List.of("read-input", "read-input"), server.ranCommands());
    }

    @Test
    void runsNothingWhenClosedWithoutAPermit() throws Exception {
        GatedExecChannel channel = GatedExecChannel.create(ssh, "echo never");
        channel.setOut(new ByteArrayOutputStream());
        channel.setErr(new ByteArrayOutputStream());
        channel.open().verify(WAIT);
        channel.close(false).await(WAIT);
        assertTrue(channel.isClosed());
        assertEquals("ok\n", exec("echo ok"), "the session goes on");
        assertEquals(List.of("echo ok"), server.ranCommands());
    }

    @Test
    void anAbandonedChannelIsClosedOnTheHostTooAndTheSessionGoesOn() throws Exception {
        for (int i = 0; i < 12; i++) { // more than OpenSSH's 10 channels per connection
            GatedExecChannel channel = GatedExecChannel.create(ssh, "echo never");
            capture(channel);
            channel.abandon(channel.open());
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), WAIT);
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (server.channelsClosed.get() < 12) {
            assertTrue(System.nanoTime() < deadline, "the host closed " + server.channelsClosed.get() + " of 12 channels");
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        assertEquals(12, server.channelsOpened.get());
        assertEquals("ok\n", exec("echo ok"), "the session goes on");
        assertEquals(List.of("echo ok"), server.ranCommands());
    }

    private String exec(String command) throws Exception {
        GatedExecChannel channel = GatedExecChannel.create(ssh, command);
        ByteArrayOutputStream out = capture(channel);
        channel.permit();
        channel.open().verify(WAIT);
        return finish(channel, out);
    }

    /** Collects the channel's standard output; its errors are dropped. */
    private static ByteArrayOutputStream capture(GatedExecChannel channel) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        channel.setOut(out);
        channel.setErr(new ByteArrayOutputStream());
        return out;
    }

    /** Ends the command's input, waits for the channel to close, checks the exit status, returns the output. */
    private static String finish(GatedExecChannel channel, ByteArrayOutputStream out) throws Exception {
        channel.getInvertedIn().close();
        channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), WAIT);
        assertEquals(0, channel.getExitStatus());
        return out.toString(StandardCharsets.UTF_8);
    }
}
