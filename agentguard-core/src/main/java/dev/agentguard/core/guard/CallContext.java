package dev.agentguard.core.guard;

import dev.agentguard.core.identity.AgentIdentity;

import java.util.Objects;

/**
 * Who is acting and in which session, for one guarded call.
 *
 * @param identity  the verified agent identity
 * @param sessionId the agent session: a connection, HTTP client or SSH session id
 * @param traceId   a correlation id across channels, or {@code null}: a W3C {@code traceparent}
 *                  (validated when the call is guarded; an invalid one is ignored and the journal
 *                  notes why) or any other id, journaled as given
 * @param intent    the purpose the agent states for the action, or {@code null}; masked before
 *                  it is journaled or shown to an approver
 */
public record CallContext(AgentIdentity identity, String sessionId, String traceId, String intent) {

    public CallContext {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(sessionId, "sessionId");
        if (sessionId.isBlank()) {
            throw new IllegalArgumentException("sessionId must not be blank: journal events group by session");
        }
        if (traceId != null && traceId.isBlank()) {
            traceId = null;
        }
        if (intent != null && intent.isBlank()) {
            intent = null;
        }
    }

    /** A context without trace id or intent. */
    public static CallContext of(AgentIdentity identity, String sessionId) {
        return new CallContext(identity, sessionId, null, null);
    }

    /** This context with {@code intent} as the stated purpose. */
    public CallContext withIntent(String intent) {
        return new CallContext(identity, sessionId, traceId, intent);
    }

    /** This context with {@code traceId}. */
    public CallContext withTrace(String traceId) {
        return new CallContext(identity, sessionId, traceId, intent);
    }
}
