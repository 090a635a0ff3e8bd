package dev.agentguard.audit.integrity;

/** A checkpoint file holds a line that is not a checkpoint; the message names the file and line. */
public final class MalformedCheckpointException extends Exception {
    public MalformedCheckpointException(String message) {
        super(message);
    }
}
