package dev.agentguard.ssh;

import java.io.IOException;
import java.time.Duration;

/**
 * A command ran longer than its timeout. The guard closed its channel (the remote process may
 * still finish on its own), and the outcome event records the failure with the output received
 * until then.
 */
public class CommandTimeoutException extends IOException {

    private static final long serialVersionUID = 1L;

    private final Duration timeout;

    CommandTimeoutException(String message, Duration timeout) {
        super(message);
        this.timeout = timeout;
    }

    /** The timeout that ran out. */
    public Duration timeout() {
        return timeout;
    }
}
