package dev.agentguard.http;

import dev.agentguard.core.guard.Refusal;

import java.io.IOException;
import java.util.Objects;

/**
 * The policy refused a request, or an approval it required was refused or did not come in time.
 * The request never reached the network, and the refusal is in the audit journal (an INTENT
 * event with decision DENIED). For a redirect the guard follows, the hop that was refused did not
 * go out; the hops before it did, and are journaled.
 *
 * <p>An {@link IOException}, as the JDK client reports a request that could not be made, so agent
 * code that handles network errors already handles it. The message names the rule and the reason,
 * e.g. {@code denied by rule "no-admin": GET https://api.example.com path /admin/**}, never a
 * credential, a query value or anything of the body.
 */
public class HttpPolicyViolationException extends IOException {

    private static final long serialVersionUID = 1L;

    private final Refusal refusal;
    private final String ruleId;
    private final String reason;

    HttpPolicyViolationException(String message, Refusal refusal, String ruleId, String reason) {
        super(Objects.requireNonNull(message, "message"));
        this.refusal = Objects.requireNonNull(refusal, "refusal");
        this.ruleId = ruleId;
        this.reason = reason;
    }

    /**
     * Why the request was refused: {@code DENIED_BY_POLICY}, {@code APPROVAL_DENIED} or
     * {@code APPROVAL_TIMED_OUT}.
     */
    public Refusal refusal() {
        return refusal;
    }

    /** The id of the policy rule that decided ({@code default} for the policy default), or null. */
    public String ruleId() {
        return ruleId;
    }

    /** The policy's reason, a sentence without query values, body content or credentials. */
    public String reason() {
        return reason;
    }
}
