package dev.agentguard.audit.internal;

/** The bytes of a journal entry are not a well-formed event; the message says what is wrong. */
public final class MalformedEventException extends Exception {
    public MalformedEventException(String message) {
        super(message);
    }
}
