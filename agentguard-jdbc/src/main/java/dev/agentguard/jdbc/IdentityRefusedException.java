package dev.agentguard.jdbc;

import java.sql.SQLInvalidAuthorizationSpecException;

/**
 * No verified agent identity was available (missing, expired or failed verification), so no
 * connection was opened or no statement ran. The attempt is in the audit journal (phase
 * IDENTITY, decision DENIED).
 *
 * <p>SQLState {@value #SQL_STATE} (invalid authorization specification), as a database reports
 * a failed login.
 */
public class IdentityRefusedException extends SQLInvalidAuthorizationSpecException {

    /** SQLState {@code 28000}: invalid authorization specification. */
    public static final String SQL_STATE = "28000";

    private static final long serialVersionUID = 1L;

    IdentityRefusedException(String message) {
        super(message, SQL_STATE);
    }
}
