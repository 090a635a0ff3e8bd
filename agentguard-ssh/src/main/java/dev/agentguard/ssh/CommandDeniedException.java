package dev.agentguard.ssh;

import dev.agentguard.core.guard.Refusal;

import java.io.IOException;
import java.util.Objects;

/**
 * The policy refused a command, a shell line or an SFTP operation, or an approval it required was
 * refused or did not come in time. Nothing was sent to the host, and the refusal is in the audit
 * journal (an INTENT event with decision DENIED).
 *
 * <p>An {@link IOException}, as SSH clients report a remote operation that could not be done. The
 * message names the rule and the reason, e.g.
 * {@code denied by rule "no-shadow": cat reads /etc/shadow}, never a credential or a masked value.
 */
public class CommandDeniedException extends IOException {

    private static final long serialVersionUID = 1L;

    private final Refusal refusal;
    private final String ruleId;
    private final String reason;

    CommandDeniedException(String message, Refusal refusal, String ruleId, String reason) {
        super(Objects.requireNonNull(message, "message"));
        this.refusal = Objects.requireNonNull(refusal, "refusal");
        this.ruleId = ruleId;
        this.reason = reason;
    }

    /**
     * Why it was refused: {@code DENIED_BY_POLICY}, {@code APPROVAL_DENIED} or
     * {@code APPROVAL_TIMED_OUT}.
     */
    public Refusal refusal() {
        return refusal;
    }

    /** The id of the policy rule that decided ({@code default} for the policy default), or null. */
    public String ruleId() {
        return ruleId;
    }

    /** The policy's reason, a sentence without credentials or masked values. */
    public String reason() {
        return reason;
    }
}
