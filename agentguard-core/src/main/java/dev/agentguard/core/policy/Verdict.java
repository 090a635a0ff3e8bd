package dev.agentguard.core.policy;

import java.util.Objects;

/**
 * A policy's answer for one action.
 *
 * @param effect   allow, deny or require approval
 * @param ruleId   the id of the rule that decided, {@value #DEFAULT_RULE} when the policy default
 *                 applied, or {@value #POLICY_ERROR_RULE} when the policy could not be evaluated
 * @param reason   a human sentence saying why; names kinds, tables, columns and functions, never a
 *                 literal value
 * @param rowLimit the most rows a query may return, 0 for no limit
 */
public record Verdict(Effect effect, String ruleId, String reason, long rowLimit) {

    /** The rule id of a verdict that came from the policy default. */
    public static final String DEFAULT_RULE = "default";

    /** The rule id of a verdict that came from a failure inside the evaluation (always a denial). */
    public static final String POLICY_ERROR_RULE = "policy-error";

    public Verdict {
        Objects.requireNonNull(effect, "effect");
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(reason, "reason");
        if (rowLimit < 0) {
            throw new IllegalArgumentException("rowLimit must be 0 (no limit) or positive, got " + rowLimit);
        }
    }

    /** Whether the action may run without further ado. */
    public boolean allowed() {
        return effect == Effect.ALLOW;
    }
}
