package dev.agentguard.ssh;

import org.apache.sshd.client.channel.PtyCapableChannelSession;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.util.buffer.Buffer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An exec channel whose command waits for the guard. The channel may be opened before the guard
 * has journaled the command's intent — the host then opens it while the journal is written — but
 * the command itself is sent only once {@link #permit()} is called: at the host's confirmation of
 * the channel when permitted by then, otherwise by {@code permit()}. A channel that is never
 * permitted runs nothing on the host: closing it sends no command.
 *
 * <p>What it sends is what MINA's {@code ChannelExec} sends for a command without a terminal, an
 * environment or agent forwarding (the guard never requests those): one {@code exec} request that
 * asks for no reply, since the exit status and the channel's close tell how the command went.
 * A guarded command gets no standard input, so the end of its input follows the request at once,
 * from the same thread (as {@code ssh host cmd </dev/null} does), rather than from the agent's
 * thread once it learns the channel is open: that thread sends nothing more once the channel opens.
 */
final class GatedExecChannel extends PtyCapableChannelSession {

    private static final String EXEC = "exec";

    private final byte[] command;
    private final Object lock = new Object();
    private boolean permitted;
    /** The exec request, made when the host confirmed the channel before the command was permitted. */
    private Buffer held;

    private GatedExecChannel(String command) {
        super(false, null, Map.of());
        this.command = command.getBytes(StandardCharsets.UTF_8);
        setAgentForwarding(false);
    }

    /** A channel for {@code command} on {@code ssh}, registered but not opened yet. */
    static GatedExecChannel create(ClientSession ssh, String command) throws IOException {
        GatedExecChannel channel = new GatedExecChannel(command);
        ssh.getService(ConnectionService.class).registerChannel(channel);
        return channel;
    }

    /** The host confirmed the channel (on the SSH library's thread): sends the command if permitted. */
    @Override
    protected void doOpen() throws IOException {
        doOpenPty(); // no terminal, no environment, no agent forwarding: sends nothing
        super.doOpen();
        Buffer request = getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST, command.length + 32);
        request.putUInt(getRecipient());
        request.putString(EXEC);
        request.putBoolean(false);
        request.putBytes(command);
        boolean send;
        synchronized (lock) {
            send = permitted;
            if (!send) {
                held = request;
            }
        }
        if (send) {
            sendCommand(request);
        }
    }

    /** Sends the exec request and, right behind it, the end of the command's (empty) input. */
    private void sendCommand(Buffer request) throws IOException {
        writePacket(request);
        sendEof();
    }

    /**
     * The guard permitted the command (its intent is journaled): sends it now if the host already
     * confirmed the channel, or lets the confirmation send it. Call at most once.
     */
    void permit() throws IOException {
        Buffer request;
        synchronized (lock) {
            permitted = true;
            request = held;
            held = null;
        }
        if (request != null) {
            sendCommand(request);
        }
    }

    /**
     * Closes a channel whose command will never be permitted, so that the host frees it too: a
     * closing handshake once the host has answered {@code opening} (an immediate close would send
     * the host nothing, and a host allows only so many channels per connection: OpenSSH 10).
     */
    void abandon(OpenFuture opening) {
        opening.addListener(answered -> close(false));
    }

    /** Whether the command was permitted (for tests). */
    boolean isPermitted() {
        synchronized (lock) {
            return permitted;
        }
    }
}
