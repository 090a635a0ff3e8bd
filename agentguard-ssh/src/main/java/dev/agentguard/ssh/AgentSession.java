package dev.agentguard.ssh;

import dev.agentguard.core.guard.CallContext;
import dev.agentguard.core.identity.AgentIdentity;

import java.util.Objects;

/**
 * One guarded SSH session's side of the journal: the agent identity captured when the session
 * opened, the session id every event carries, and the intent and trace id the agent set. The
 * {@link CallContext} is rebuilt only when one of them changes.
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

    synchronized void intent(String intent) {
        this.intent = intent;
        rebuild();
    }

    private void rebuild() {
        context = new CallContext(identity, sessionId, traceId, intent);
    }
}
