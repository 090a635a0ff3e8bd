package dev.agentguard.jdbc;

import dev.agentguard.core.guard.CallContext;
import dev.agentguard.core.identity.AgentIdentity;

import java.util.Objects;

/**
 * One guarded connection's side of the journal: the agent identity captured when the
 * connection was opened, the session id every event of the connection carries, and the trace
 * id and stated intent the agent set through {@code Connection.setClientInfo}.
 *
 * <p>The {@link CallContext} is rebuilt only when one of them changes, so a statement costs no
 * allocation here.
 */
final class AgentSession {

    private final String sessionId;
    private volatile AgentIdentity identity;
    private volatile String traceId;
    private volatile String intent;
    private volatile CallContext context;

    AgentSession(AgentIdentity identity, String sessionId) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
        this.context = new CallContext(identity, sessionId, null, null);
    }

    String sessionId() {
        return sessionId;
    }

    AgentIdentity identity() {
        return identity;
    }

    String traceId() {
        return traceId;
    }

    String intent() {
        return intent;
    }

    CallContext context() {
        return context;
    }

    /** A renewed identity of the same agent (a refreshed token). */
    synchronized void renew(AgentIdentity renewed) {
        if (!renewed.agentId().equals(identity.agentId())) {
            throw new IllegalArgumentException("a session keeps its agent");
        }
        identity = renewed;
        rebuild();
    }

    synchronized void traceId(String traceId) {
        this.traceId = traceId;
        rebuild();
    }

    synchronized void intent(String redactedIntent) {
        this.intent = redactedIntent;
        rebuild();
    }

    private void rebuild() {
        context = new CallContext(identity, sessionId, traceId, intent);
    }
}
