package dev.agentguard.ssh;

import dev.agentguard.core.guard.Permit;
import org.apache.sshd.client.channel.ClientChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A command the policy allowed and that is running on the host, started by
 * {@link GuardedSshSession#start(String)}. Its standard output and error are masked as they arrive
 * and can be read while it runs; {@link #waitFor(Duration)} waits for its end. The command gets no
 * standard input (it reads end-of-file at once).
 *
 * <p>Its outcome event is journaled when the host closes the channel, whether or not the agent
 * waits for it: exit status, bytes of each stream, masked values, and the failure for a non-zero
 * exit, a signal or a timeout. Thread-safe.
 */
public final class RunningCommand implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunningCommand.class);

    /** Outcome count: the exit status the host reported. */
    static final String EXIT_STATUS = "exit.status";
    /** Outcome count: raw bytes of standard output. */
    static final String STDOUT_BYTES = "bytes.stdout";
    /** Outcome count: raw bytes of standard error. */
    static final String STDERR_BYTES = "bytes.stderr";
    /** Outcome count: 1 when output beyond the limit was dropped. */
    static final String TRUNCATED = "truncated";

    private final GuardedSshSession session;
    private final Permit permit;
    private final ClientChannel channel;
    private final SessionOutput stdout;
    private final SessionOutput stderr;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile String endedEarly;
    private volatile IOException outcomeFailure;
    private volatile int exitStatus = CommandResult.NO_EXIT_STATUS;
    private volatile String exitSignal;

    RunningCommand(GuardedSshSession session, Permit permit, ClientChannel channel, SessionOutput stdout,
                   SessionOutput stderr) {
        this.session = session;
        this.permit = permit;
        this.channel = channel;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Journals the outcome once the channel closes, on whichever thread closes it. */
    void watch() {
        channel.addCloseFutureListener(f -> onClosed());
    }

    private void onClosed() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        try {
            stdout.end();
            stderr.end();
            Integer status = channel.getExitStatus();
            exitStatus = status == null ? CommandResult.NO_EXIT_STATUS : status;
            exitSignal = channel.getExitSignal();
            Map<String, Long> counts = new LinkedHashMap<>();
            if (status != null) {
                counts.put(EXIT_STATUS, (long) status);
            }
            counts.put(STDOUT_BYTES, stdout.rawBytes());
            counts.put(STDERR_BYTES, stderr.rawBytes());
            if (stdout.truncated() || stderr.truncated()) {
                counts.put(TRUNCATED, 1L);
            }
            stdout.maskedCounts().forEach((k, v) -> counts.merge(k, v, Long::sum));
            stderr.maskedCounts().forEach((k, v) -> counts.merge(k, v, Long::sum));
            String failure = failure(status);
            if (failure != null) {
                session.recordNote("[" + failure + "]");
            }
            try {
                if (failure == null) {
                    session.gate().succeeded(permit, counts);
                } else {
                    session.gate().failed(permit, failure, counts);
                }
            } catch (IOException e) {
                outcomeFailure = e;
                LOG.warn("the outcome of a command on SSH target {} could not be journaled: {}", session.targetName(),
                        e.getMessage());
            }
        } catch (RuntimeException | LinkageError e) {
            // On the SSH library's thread nobody would see this: hand it to whoever waits for the command.
            outcomeFailure = new SshJournalUnavailableException("the outcome of the command could not be journaled ("
                    + e.getClass().getName() + ")", e);
            LOG.warn("the outcome of a command on SSH target {} could not be journaled", session.targetName(), e);
        } finally {
            session.ended(this);
            ended.countDown();
        }
    }

    private String failure(Integer status) {
        if (endedEarly != null) {
            return endedEarly;
        }
        if (exitSignal != null) {
            return "killed by signal " + exitSignal;
        }
        if (status == null) {
            return "the channel closed before the command reported an exit status";
        }
        return status == 0 ? null : "exit status " + status;
    }

    /** Standard output, masked, as UTF-8; ends when the command ends. */
    public InputStream stdout() {
        return stdout.inputStream();
    }

    /** Standard error, masked, as UTF-8; ends when the command ends. */
    public InputStream stderr() {
        return stderr.inputStream();
    }

    /** Whether the command has ended (its channel closed). */
    public boolean isDone() {
        return ended.getCount() == 0;
    }

    /**
     * Waits for the command to end and returns its exit status with the output not read yet.
     *
     * @throws CommandTimeoutException        when it runs longer than {@code timeout}; its channel
     *                                        is then closed and the failure journaled
     * @throws SshJournalUnavailableException when the outcome could not be journaled (the command ran)
     */
    public CommandResult waitFor(Duration timeout) throws IOException {
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!await(timeout.toNanos())) {
            endedEarly = "timed out after " + timeout;
            channel.close(true);
            await(TimeUnit.SECONDS.toNanos(30));
            throw new CommandTimeoutException("the command on SSH target \"" + session.targetName()
                    + "\" did not end within " + timeout + "; its channel was closed", timeout);
        }
        if (outcomeFailure != null) {
            throw outcomeFailure;
        }
        String out = stdout.readAll(deadline);
        String err = stderr.readAll(deadline);
        return new CommandResult(exitStatus, out, err, exitSignal, stdout.truncated() || stderr.truncated(),
                stdout.maskedValues() + stderr.maskedValues());
    }

    private boolean await(long nanos) throws InterruptedIOException {
        try {
            return ended.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a command on SSH target \""
                    + session.targetName() + "\"");
        }
    }

    /**
     * Stops the command if it still runs (its channel is closed; the outcome records that the agent
     * closed it). Idempotent.
     */
    @Override
    public void close() {
        if (isDone()) {
            return;
        }
        if (endedEarly == null) {
            endedEarly = "closed by the agent before it ended";
        }
        channel.close(true);
        try {
            await(TimeUnit.SECONDS.toNanos(30));
        } catch (InterruptedIOException e) {
            // interrupted: the close listener still journals the outcome
        }
    }

    @Override
    public String toString() {
        return "RunningCommand[" + session.targetName() + (isDone() ? ", ended, exit " + exitStatus : ", running") + "]";
    }
}
