package dev.agentguard.jdbc;

import dev.agentguard.core.guard.Refusal;

import java.sql.SQLException;
import java.util.Objects;

/**
 * The policy refused a statement, or an approval it required was denied or timed out. The
 * statement never reached the database, and the refusal is in the audit journal.
 *
 * <p>SQLState {@value #SQL_STATE} (insufficient privilege), as a database reports a missing
 * grant, so code that already handles that keeps working. The message names the rule and the
 * reason, never a literal value of the statement.
 */
public class PolicyViolationException extends SQLException {

    /** SQLState {@code 42501}: insufficient privilege. */
    public static final String SQL_STATE = "42501";

    private static final long serialVersionUID = 1L;

    private final Refusal refusal;
    private final String ruleId;
    private final String reason;

    PolicyViolationException(String message, Refusal refusal, String ruleId, String reason) {
        super(Objects.requireNonNull(message, "message"), SQL_STATE);
        this.refusal = Objects.requireNonNull(refusal, "refusal");
        this.ruleId = ruleId;
        this.reason = reason;
    }

    /**
     * Why the statement was refused: {@code DENIED_BY_POLICY}, {@code APPROVAL_DENIED} or
     * {@code APPROVAL_TIMED_OUT}.
     */
    public Refusal refusal() {
        return refusal;
    }

    /** The id of the policy rule that decided ({@code default} for the policy default), or null. */
    public String ruleId() {
        return ruleId;
    }

    /** The policy's reason, a sentence without literal values. */
    public String reason() {
        return reason;
    }
}
