package dev.agentguard.jdbc;

import java.sql.SQLException;

/**
 * The audit journal could not be written. Before a statement this means the statement did not
 * run (fail closed: nothing runs unjournaled); after it, the message says the statement ran
 * and only its outcome event is missing.
 *
 * <p>SQLState {@value #SQL_STATE} (I/O error, class 58 "system error", as PostgreSQL and DB2
 * use it): the failure is in the guard's storage, not in the statement, and retrying helps only
 * once the journal is writable again.
 */
public class JournalUnavailableException extends SQLException {

    /** SQLState {@code 58030}: I/O error. */
    public static final String SQL_STATE = "58030";

    private static final long serialVersionUID = 1L;

    JournalUnavailableException(String message, Throwable cause) {
        super(message, SQL_STATE, cause);
    }
}
