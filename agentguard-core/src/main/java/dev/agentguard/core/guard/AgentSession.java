package dev.agentguard.core.guard;

import dev.agentguard.core.identity.AgentIdentity;

import java.util.Objects;

/**
 * One guarded session's side of the journal — a JDBC connection, an SSH session: the agent
 * identity captured when it opened, the session id every one of its events carries, and the trace
 * id and stated intent the agent set (JDBC through {@code Connection.setClientInfo}). Channels use
 * it to hand {@link Guard#check} their {@link CallContext}.
 *
 * <p>The {@link CallContext} is rebuilt only when one of them changes, so an action costs no
 * allocation here. Thread-safe.
 */
public final class AgentSession {

    private final String sessionId;
    private volatile AgentIdentity identity;
    private volatile String traceId;
    private volatile String intent;
    private volatile CallContext context;

    /** A session of {@code identity}, whose events carry {@code sessionId}. */
    public AgentSession(AgentIdentity identity, String sessionId) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
        this.context = new CallContext(identity, sessionId, null, null);
    }

    /** The id every event of the session carries. */
    public String sessionId() {
        return sessionId;
    }

    /** The session's identity, as last renewed. */
    public AgentIdentity identity() {
        return identity;
    }

    /** The trace id the agent set, or {@code null}. */
    public String traceId() {
        return traceId;
    }

    /** The (redacted) intent the agent stated, or {@code null}. */
    public String intent() {
        return intent;
    }

    /** The context the guard journals the session's actions under. */
    public CallContext context() {
        return context;
    }

    /** A renewed identity of the same agent (a refreshed token). */
    public synchronized void renew(AgentIdentity renewed) {
        if (!renewed.agentId().equals(identity.agentId())) {
            throw new IllegalArgumentException("a session keeps its agent");
        }
        identity = renewed;
        rebuild();
    }

    /** Sets the trace id of the session's next actions ({@code null} clears it). */
    public synchronized void traceId(String traceId) {
        this.traceId = traceId;
        rebuild();
    }

    /** Sets the intent of the session's next actions, already redacted ({@code null} clears it). */
    public synchronized void intent(String redactedIntent) {
        this.intent = redactedIntent;
        rebuild();
    }

    private void rebuild() {
        context = new CallContext(identity, sessionId, traceId, intent);
    }
}
