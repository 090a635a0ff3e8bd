package dev.agentguard.ssh;

import java.util.Objects;

/**
 * How a command ended and what it printed, masked: card numbers and the other values the policy's
 * detectors find are replaced before the agent sees them, also when a value was split across
 * packets.
 *
 * @param exitStatus   the exit status the host reported, {@value #NO_EXIT_STATUS} when it reported
 *                     none (the command was killed by a signal, or the channel closed early)
 * @param stdout       standard output, masked
 * @param stderr       standard error, masked
 * @param exitSignal   the signal that ended the command ({@code TERM}, {@code KILL}), or {@code null}
 * @param truncated    whether output beyond the client's limit was dropped
 * @param maskedValues how many values were masked in both streams
 */
public record CommandResult(int exitStatus, String stdout, String stderr, String exitSignal, boolean truncated,
                            long maskedValues) {

    /** The exit status of a command whose host reported none. */
    public static final int NO_EXIT_STATUS = -1;

    public CommandResult {
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }

    /** Whether the command exited with status 0. */
    public boolean succeeded() {
        return exitStatus == 0;
    }

    @Override
    public String toString() {
        return "CommandResult[exitStatus=" + exitStatus + (exitSignal != null ? ", signal=" + exitSignal : "")
                + ", stdout=" + stdout.length() + " chars, stderr=" + stderr.length() + " chars"
                + (truncated ? ", truncated" : "") + ", masked=" + maskedValues + "]";
    }
}
