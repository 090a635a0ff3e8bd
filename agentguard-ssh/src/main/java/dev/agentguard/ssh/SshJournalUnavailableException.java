package dev.agentguard.ssh;

import java.io.IOException;

/**
 * The audit journal could not be written. Before an action this means it did not run (fail
 * closed: nothing reaches a host unjournaled); after it, the message says the action ran and only
 * its outcome event is missing.
 */
public class SshJournalUnavailableException extends IOException {

    private static final long serialVersionUID = 1L;

    SshJournalUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
