package dev.agentguard.ssh;

import java.io.IOException;

/**
 * The session recording could not be written (a full disk, a missing directory). Every session
 * is recorded, so the session does not run anything more (fail closed); the journal keeps its
 * events, and the session-end event records that the recording is incomplete.
 */
public class RecordingFailedException extends IOException {

    private static final long serialVersionUID = 1L;

    RecordingFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
