package dev.agentguard.core.guard;

import java.util.Objects;

/**
 * The guard refused an action; it never reached its target. Channels translate it into their
 * own failure (a {@code SQLException} subclass in JDBC, an {@code IOException} in HTTP).
 *
 * <p>The message names the refusal, the rule and the reason, e.g.
 * {@code denied by rule "no-delete-without-where": DELETE without WHERE on public.cards}; it
 * never holds a literal value, bind value, token or key.
 */
public class ActionRefusedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final Refusal refusal;
    private final String ruleId;
    private final String reason;

    /**
     * @param refusal why the action was refused
     * @param ruleId  the policy rule behind the refusal, or {@code null} when no rule was involved
     * @param reason  a redacted human sentence
     */
    public ActionRefusedException(Refusal refusal, String ruleId, String reason) {
        this(refusal, ruleId, reason, null);
    }

    /** As {@link #ActionRefusedException(Refusal, String, String)}, with the underlying cause. */
    public ActionRefusedException(Refusal refusal, String ruleId, String reason, Throwable cause) {
        super(message(Objects.requireNonNull(refusal, "refusal"), ruleId, Objects.requireNonNull(reason, "reason")),
                cause);
        this.refusal = refusal;
        this.ruleId = ruleId;
        this.reason = reason;
    }

    private static String message(Refusal refusal, String ruleId, String reason) {
        String rule = ruleId == null ? "" : " \"" + ruleId + "\"";
        return switch (refusal) {
            case DENIED_BY_POLICY -> "denied by rule" + rule + ": " + reason;
            case APPROVAL_DENIED -> "approval for rule" + rule + " refused: " + reason;
            case APPROVAL_TIMED_OUT -> "approval for rule" + rule + " timed out: " + reason;
            case NO_IDENTITY -> "no verified agent identity: " + reason;
            case JOURNAL_UNAVAILABLE -> "refused because the audit journal cannot record the action: " + reason;
        };
    }

    /** Why the action was refused. */
    public Refusal refusal() {
        return refusal;
    }

    /** The policy rule behind the refusal; {@code null} for identity and journal refusals. */
    public String ruleId() {
        return ruleId;
    }

    /** The reason, without the refusal prefix of the message. */
    public String reason() {
        return reason;
    }
}
