package dev.agentguard.ssh;

import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.core.guard.AgentSession;
import dev.agentguard.core.guard.Permit;
import dev.agentguard.core.guard.PreparedAction;
import dev.agentguard.ssh.recording.Recording;
import dev.agentguard.ssh.recording.SessionRecorder;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.channel.PtyChannelConfiguration;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One SSH connection to a {@link SshTarget}, on behalf of one verified agent identity, opened by
 * {@link GuardedSshClient#session(String)}. Every command, shell line and SFTP operation on it is
 * decided by the policy and journaled before it reaches the host; all output is masked before the
 * agent sees it; and the whole session is recorded (masked) as an asciicast file, whose SHA-256 the
 * session-end event carries.
 *
 * <pre>{@code
 * try (GuardedSshSession ssh = client.session("app1")) {
 *     CommandResult df = ssh.exec("df -h");
 *     System.out.println(df.stdout());
 * }
 * }</pre>
 *
 * <p>Port forwarding, agent forwarding and X11 forwarding are not offered, and channels the host
 * tries to open towards the client are refused. Thread-safe: several commands may run at once.
 * Closing the session closes what is still open on it and journals the session's end.
 */
public final class GuardedSshSession implements AutoCloseable {

    /** Session-end count: commands, shell lines and SFTP operations the policy allowed. */
    static final String ACTIONS = "actions";
    /** Session-end count: actions refused (by the policy, or shell input refused before it). */
    static final String REFUSED = "refused";

    private final GuardedSshClient client;
    private final SshTarget target;
    private final ClientSession ssh;
    private final AgentSession agent;
    private final SessionRecorder recorder;
    private final Instant started;
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong actions = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile Recording recording;

    GuardedSshSession(GuardedSshClient client, SshTarget target, ClientSession ssh, AgentSession agent,
                      SessionRecorder recorder, Instant started) {
        this.client = client;
        this.target = target;
        this.ssh = ssh;
        this.agent = agent;
        this.recorder = recorder;
        this.started = started;
    }

    /** The session id every audit event of this session carries; also the recording's file name. */
    public String id() {
        return agent.sessionId();
    }

    /** The name of the target this session is connected to. */
    public String targetName() {
        return target.name();
    }

    /**
     * States the agent's purpose for the session's next actions (masked before it is journaled, at
     * most 1000 characters); {@code null} clears it. A {@code CallScope} overrides it per call.
     */
    public void intent(String intent) {
        if (intent != null && intent.length() > 1000) {
            throw new IllegalArgumentException("intent is " + intent.length() + " characters; at most 1000 are "
                    + "journaled: state the purpose in a sentence");
        }
        agent.intent(intent == null ? null : gate().mask(intent));
    }

    /** A trace id (e.g. a W3C traceparent) that the session's events carry; {@code null} clears it. */
    public void traceId(String traceId) {
        agent.traceId(traceId);
    }

    /**
     * Runs {@code command} and waits for it, at most the client's command timeout.
     *
     * @throws CommandDeniedException  the policy refused it: nothing was sent
     * @throws CommandTimeoutException it ran longer than the timeout (its channel was closed)
     */
    public CommandResult exec(String command) throws IOException {
        return exec(command, client.commandTimeout());
    }

    /** Runs {@code command} and waits for it, at most {@code timeout}. */
    public CommandResult exec(String command, Duration timeout) throws IOException {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        RunningCommand running = start(command);
        try {
            return running.waitFor(timeout);
        } finally {
            running.close();
        }
    }

    /**
     * Starts {@code command} when the policy allows it, and returns at once; read its masked output
     * while it runs, and {@link RunningCommand#waitFor wait} for its end.
     *
     * @throws CommandDeniedException the policy refused it: nothing was sent
     */
    public RunningCommand start(String command) throws IOException {
        Objects.requireNonNull(command, "command");
        ensureUsable();
        PreparedAction action = gate().command(target, command, false);
        CommandEcho echo = new CommandEcho(recorder, "$ " + action.action().redactedText() + "\r\n");
        // A line the policy allows outright has its channel opened while the guard journals the
        // intent; the command itself is sent only once that is done (GatedExecChannel).
        Exec early = gate().allowsOutright(agent, action) ? openEarly(command, echo) : null;
        if (early == null) {
            echo.write(); // before a wait for approval, as the agent asked
        }
        Permit permit = null;
        try {
            permit = gate().begin(agent, action);
        } catch (IOException e) {
            echo.write();
            recordNote("[refused: " + e.getMessage() + "]");
            refused();
            throw e;
        } finally {
            if (permit == null && early != null) {
                early.channel().abandon(early.opening()); // never permitted: the command was not sent
            }
        }
        actions.incrementAndGet();
        Exec exec = early;
        RunningCommand running = null;
        try {
            if (exec == null) {
                exec = open(command, echo);
            }
            running = new RunningCommand(this, permit, exec.channel(), exec.out(), exec.err());
            open.add(running);
            exec.channel().permit();
            exec.opening().verify(client.connectTimeout());
            // No standard input: the channel sent its end with the command (GatedExecChannel);
            // closing the stream here only releases it.
            exec.channel().getInvertedIn().close();
            running.watch();
            return running;
        } catch (IOException | RuntimeException e) {
            if (running != null) {
                open.remove(running);
            }
            if (exec != null) {
                exec.channel().close(true);
            }
            String why = "the command could not be started: " + describe(e);
            try {
                gate().failed(permit, why, Map.of());
            } catch (IOException je) {
                e.addSuppressed(je);
            }
            echo.write();
            recordNote("[" + why + "]");
            throw new IOException(gate().mask(why), e);
        }
    }

    /** A command's channel, asked to open, with its two output streams. */
    private record Exec(GatedExecChannel channel, SessionOutput out, SessionOutput err, OpenFuture opening) {
    }

    /**
     * Asks the host to open a channel for {@code command}, which is not sent before
     * {@link GatedExecChannel#permit()}. The command line is recorded while the host answers:
     * before any of the command's output, which records it first should it come sooner.
     */
    private Exec open(String command, CommandEcho echo) throws IOException {
        GatedExecChannel channel = GatedExecChannel.create(ssh, command);
        try {
            SessionOutput out = output(false, echo);
            SessionOutput err = output(false, echo);
            channel.setOut(out);
            channel.setErr(err);
            OpenFuture opening = channel.open();
            echo.write();
            return new Exec(channel, out, err, opening);
        } catch (IOException | RuntimeException e) {
            channel.close(true);
            throw e;
        }
    }

    /** {@link #open} before the intent is journaled; null when it failed (tried again once permitted). */
    private Exec openEarly(String command, CommandEcho echo) {
        try {
            return open(command, echo);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Opens an interactive shell on a terminal of the client's size, when the policy allows
     * interactive shells on this target.
     *
     * @throws CommandDeniedException the policy refused it: nothing was opened
     */
    public GuardedShell shell() throws IOException {
        ensureUsable();
        // Opening a shell runs only the login shell; every line the agent types is decided.
        gate().appendSystem(gate().event(Phase.SYSTEM, agent, target.name(), SshGate.SHELL_OPEN)
                .succeeded()
                .extension("ssh.terminal", client.terminalColumns() + "x" + client.terminalRows()));
        recordNote("[interactive shell]");
        ChannelShell channel = null;
        try {
            PtyChannelConfiguration pty = new PtyChannelConfiguration();
            pty.setPtyType("xterm");
            pty.setPtyColumns(client.terminalColumns());
            pty.setPtyLines(client.terminalRows());
            channel = ssh.createShellChannel(pty, Map.of());
            channel.setAgentForwarding(false);
            channel.setRedirectErrorStream(true);
            SessionOutput out = output(true, null);
            channel.setOut(out);
            channel.open().verify(client.connectTimeout());
            GuardedShell shell = new GuardedShell(this, channel, out, channel.getInvertedIn());
            open.add(shell);
            shell.watch();
            return shell;
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close(true);
            }
            String why = "the shell could not be opened: " + describe(e);
            gate().appendSystem(gate().event(Phase.SYSTEM, agent, target.name(), SshGate.SHELL_CLOSE)
                    .failed(gate().mask(why)));
            throw new IOException(gate().mask(why), e);
        }
    }

    /** Opens SFTP on this session; each operation is decided by the policy by its path. */
    public GuardedSftp sftp() throws IOException {
        ensureUsable();
        SftpClient sftp = SftpClientFactory.instance().createSftpClient(ssh);
        GuardedSftp guarded;
        try {
            guarded = new GuardedSftp(this, sftp);
        } catch (IOException e) {
            sftp.close();
            throw e;
        }
        open.add(guarded);
        return guarded;
    }

    /** The recording, once the session is closed; {@code null} before. */
    public Recording recording() {
        return recording;
    }

    /** Whether the session is still open (not closed by the agent, the host or the network). */
    public boolean isOpen() {
        return !closed.get() && ssh.isOpen();
    }

    /**
     * Closes what is still open on the session (their outcomes are journaled), disconnects, closes
     * the recording and journals the session's end with the recording's SHA-256. Idempotent.
     *
     * @throws SshJournalUnavailableException when the session-end event could not be written
     */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<AutoCloseable> still = new ArrayList<>(open);
        for (AutoCloseable c : still) {
            try {
                c.close();
            } catch (Exception e) {
                // closing is best effort; each outcome is journaled by its own close
            }
        }
        try {
            ssh.close(false).await(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            ssh.close(true);
        }
        client.sessionClosed(this);
        Recording rec = recorder.finish();
        recording = rec;
        EventDraft end = gate().event(Phase.SYSTEM, agent, target.name(), SshGate.SESSION_CLOSE)
                .count(ACTIONS, actions.get())
                .count(REFUSED, refused.get())
                .count("recording.bytes", rec.bytes())
                .duration(Duration.between(started, gate().clock().instant()).abs())
                .extension("recording.file", rec.file().toString())
                .extension("recording.sha256", rec.sha256())
                .extension("ssh.host", target.host())
                .extension("ssh.user", target.user());
        if (recorder.failure() != null) {
            end.failed("the recording is incomplete: " + recorder.failure().getClass().getSimpleName());
        } else {
            end.succeeded();
        }
        gate().appendSystem(end);
    }

    // ------------------------------------------------------------------ for the session's parts

    SshGate gate() {
        return client.gate();
    }

    AgentSession agentSession() {
        return agent;
    }

    SshTarget target() {
        return target;
    }

    SessionRecorder recorder() {
        return recorder;
    }

    int maxOutputChars() {
        return client.maxOutputChars();
    }

    /** A line in the recording that is not output of the host (a refusal, an SFTP transfer). */
    void recordNote(String note) {
        recorder.output(gate().mask(note) + "\r\n");
    }

    void refused() {
        refused.incrementAndGet();
    }

    void allowed() {
        actions.incrementAndGet();
    }

    void ended(AutoCloseable part) {
        open.remove(part);
    }

    /** Refuses new actions on a closed session, or once the recording fails (fail closed). */
    void ensureUsable() throws IOException {
        if (closed.get()) {
            throw new IOException("the SSH session " + id() + " to target \"" + target.name() + "\" is closed");
        }
        if (!ssh.isOpen()) {
            throw new IOException("the SSH session " + id() + " to target \"" + target.name() + "\" was closed by "
                    + "the host or the network");
        }
        IOException failure = recorder.failure();
        if (failure != null) {
            throw new RecordingFailedException("the recording of SSH session " + id() + " cannot be written ("
                    + failure.getClass().getSimpleName() + "), so the session runs nothing more (fail closed)", failure);
        }
    }

    private SessionOutput output(boolean terminal, CommandEcho echo) {
        // A terminal's reader waits for prompts, which the masker must be able to release.
        return new SessionOutput(new OutputMasker(gate().masker(), terminal), recorder, echo, terminal,
                client.maxOutputChars());
    }

    static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": "
                + e.getMessage();
    }

    @Override
    public String toString() {
        return "GuardedSshSession[" + id() + ", " + target.name() + (closed.get() ? ", closed]" : "]");
    }
}
