package dev.agentguard.ssh;

import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.guard.Permit;
import dev.agentguard.core.guard.PreparedAction;
import org.apache.sshd.client.channel.ChannelShell;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An interactive shell on a terminal (PTY), opened by {@link GuardedSshSession#shell()}. The agent
 * types whole lines with {@link #sendLine(String)}: each is checked before it reaches the host —
 * first that it is plain, complete text ({@link ShellInputRefusedException} for control characters,
 * escape sequences, tab completion, open quotes, here-documents, history expansion), then by the
 * policy like an exec command ({@link CommandDeniedException}). There is no raw input: nothing the
 * agent sends can edit or extend a line after it was decided.
 *
 * <p>Output (the terminal's, with the echo of each line) is masked before the agent reads it, with
 * {@link #readUntil(String, Duration)} (up to a prompt), {@link #readAvailable()} or
 * {@link #output()}, and recorded. Each line is journaled: its intent before it is sent, its
 * outcome when the next line is sent or the shell closes, with the output bytes and masked values
 * in between (a shell does not report a line's exit status). The shell's opening and end are
 * journaled as {@code ssh.shell.open} and {@code ssh.shell.close}. Thread-safe.
 */
public final class GuardedShell implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedShell.class);

    /** Outcome count of a line: raw output bytes until the next line. */
    static final String OUTPUT_BYTES = "bytes.output";
    /** Outcome count of the shell: lines sent. */
    static final String LINES = "lines";

    private final GuardedSshSession session;
    private final ChannelShell channel;
    private final SessionOutput output;
    private final OutputStream in;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicBoolean finished = new AtomicBoolean();
    private Line current;
    private long lines;

    /** A line sent and not yet journaled as ended. */
    private record Line(Permit permit, long bytesBefore, Map<String, Long> maskedBefore) {
    }

    GuardedShell(GuardedSshSession session, ChannelShell channel, SessionOutput output, OutputStream in) {
        this.session = session;
        this.channel = channel;
        this.output = output;
        this.in = in;
    }

    void watch() {
        channel.addCloseFutureListener(f -> onClosed());
    }

    /**
     * Checks {@code line} and, when the policy allows it, sends it with a line feed.
     *
     * @param line one complete command line, without a line break
     * @throws ShellInputRefusedException control characters or an incomplete line: nothing was sent
     * @throws CommandDeniedException     the policy refused the line: nothing was sent
     */
    public synchronized void sendLine(String line) throws IOException {
        Objects.requireNonNull(line, "line");
        ensureOpen();
        session.ensureUsable();
        String problem = ShellLineCheck.problem(line);
        if (problem != null) {
            String masked = session.gate().mask(printable(CommandRedaction.redact(line)));
            session.recordNote("[shell input refused: " + problem + "]");
            session.refused();
            throw session.gate().refuseShellInput(session.agentSession(), session.targetName(), masked, problem);
        }
        endLine();
        PreparedAction prepared = session.gate().command(session.target(), line, true);
        Action action = prepared.action();
        Permit permit;
        try {
            permit = session.gate().begin(session.agentSession(), prepared);
        } catch (IOException e) {
            session.recordNote("[refused: " + action.redactedText() + " — " + e.getMessage() + "]");
            session.refused();
            throw e;
        }
        session.allowed();
        session.recorder().input(action.redactedText() + "\n");
        current = new Line(permit, output.rawBytes(), output.maskedCounts());
        lines++;
        try {
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            Line failed = current;
            current = null;
            session.gate().failed(failed.permit(), "the line could not be sent: the shell's channel is closed",
                    Map.of());
            throw new IOException("the shell on SSH target \"" + session.targetName() + "\" is closed", e);
        }
    }

    /**
     * Sends an interrupt (^C) to the command running in the shell, e.g. one that does not end by
     * itself. It cannot start or change a command, so it is recorded but not decided.
     */
    public synchronized void interrupt() throws IOException {
        ensureOpen();
        session.recorder().input("^C");
        in.write(0x03);
        in.flush();
    }

    /**
     * The masked output up to and including the first {@code marker} (a prompt such as {@code "$ "}),
     * waiting at most {@code timeout}; {@code null} when it did not come in time or the shell ended
     * first (the output read stays available).
     */
    public String readUntil(String marker, Duration timeout) throws IOException {
        Objects.requireNonNull(marker, "marker");
        Objects.requireNonNull(timeout, "timeout");
        if (marker.isEmpty()) {
            throw new IllegalArgumentException("marker is empty; pass the prompt or text to wait for");
        }
        return output.readUntil(marker, System.nanoTime() + timeout.toNanos());
    }

    /** The masked output received and not read yet, without waiting (output that may hide a split value waits). */
    public String readAvailable() {
        return output.readAvailable();
    }

    /** The masked output as a UTF-8 stream, which ends when the shell closes. */
    public InputStream output() {
        return output.inputStream();
    }

    /** Whether the shell is still open. */
    public boolean isOpen() {
        return closed.getCount() > 0;
    }

    /** The shell's exit status once it closed, or {@code null}. */
    public Integer exitStatus() {
        return channel.getExitStatus();
    }

    /** Closes the shell (its last line and the shell itself are journaled). Idempotent. */
    @Override
    public void close() {
        channel.close(false);
        try {
            if (!closed.await(10, TimeUnit.SECONDS)) {
                channel.close(true);
                closed.await(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void onClosed() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        try {
            output.end();
            synchronized (this) {
                endLineQuietly();
            }
            Map<String, Long> counts = new LinkedHashMap<>();
            counts.put(LINES, lines);
            counts.put(OUTPUT_BYTES, output.rawBytes());
            Integer status = channel.getExitStatus();
            if (status != null) {
                counts.put(RunningCommand.EXIT_STATUS, (long) status);
            }
            if (output.truncated()) {
                counts.put(RunningCommand.TRUNCATED, 1L);
            }
            output.maskedCounts().forEach((k, v) -> counts.merge(k, v, Long::sum));
            EventDraft end = session.gate().event(Phase.SYSTEM, session.agentSession(), session.targetName(),
                    SshGate.SHELL_CLOSE).succeeded();
            counts.forEach(end::count);
            session.gate().appendSystem(end);
        } catch (IOException | RuntimeException e) {
            LOG.warn("the end of a shell on SSH target {} could not be journaled: {}", session.targetName(),
                    e.getMessage());
        } finally {
            session.ended(this);
            closed.countDown();
        }
    }

    /** Journals the outcome of the line in flight: the output and masked values since it was sent. */
    private void endLine() throws IOException {
        Line line = current;
        if (line == null) {
            return;
        }
        current = null;
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put(OUTPUT_BYTES, output.rawBytes() - line.bytesBefore());
        Map<String, Long> now = output.maskedCounts();
        for (Map.Entry<String, Long> e : now.entrySet()) {
            long delta = e.getValue() - line.maskedBefore().getOrDefault(e.getKey(), 0L);
            if (delta > 0) {
                counts.put(e.getKey(), delta);
            }
        }
        session.gate().succeeded(line.permit(), counts);
    }

    private void endLineQuietly() {
        try {
            endLine();
        } catch (IOException e) {
            LOG.warn("the outcome of a shell line on SSH target {} could not be journaled: {}", session.targetName(),
                    e.getMessage());
        }
    }

    private void ensureOpen() throws IOException {
        if (!isOpen() || channel.isClosing()) {
            throw new IOException("the shell on SSH target \"" + session.targetName() + "\" is closed");
        }
    }

    /** The line with control characters shown as {@code ^X} / {@code \\uXXXX}, for the journal. */
    static String printable(String line) {
        StringBuilder b = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < 0x20) {
                b.append('^').append((char) (c + 64));
            } else if (c == 0x7f || (c >= 0x80 && c <= 0x9f) || Character.getType(c) == Character.FORMAT
                    || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "GuardedShell[" + session.targetName() + (isOpen() ? ", open" : ", closed") + ", " + lines + " lines]";
    }
}
