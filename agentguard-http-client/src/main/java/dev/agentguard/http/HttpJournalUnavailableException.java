package dev.agentguard.http;

import java.io.IOException;

/**
 * The audit journal could not be written. Before a request (or a redirect hop) this means it was
 * not sent (fail closed: nothing goes out unjournaled); after it, the message says the request
 * was sent and only its outcome event is missing. Retrying helps only once the journal is
 * writable again.
 */
public class HttpJournalUnavailableException extends IOException {

    private static final long serialVersionUID = 1L;

    HttpJournalUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
