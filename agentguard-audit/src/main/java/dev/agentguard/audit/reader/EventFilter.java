package dev.agentguard.audit.reader;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Phase;

import java.time.Instant;
import java.util.Objects;

/**
 * Which events to read: every criterion that is set must match. Immutable; each {@code with}
 * method returns a new filter.
 *
 * <pre>{@code
 * EventFilter f = EventFilter.all().agent("payments-agent").channel(Channel.JDBC).decision(Decision.DENIED)
 *         .from(Instant.parse("2026-11-01T00:00:00Z"));
 * }</pre>
 *
 * @param agentId    the agent id, exactly
 * @param onBehalfOf the human the agent acted for, exactly
 * @param sessionId  the session id, exactly
 * @param channel    the channel
 * @param decision   the decision
 * @param phase      the phase
 * @param from       first instant included
 * @param until      first instant excluded
 */
public record EventFilter(String agentId, String onBehalfOf, String sessionId, Channel channel,
                          Decision decision, Phase phase, Instant from, Instant until) {

    private static final EventFilter ALL = new EventFilter(null, null, null, null, null, null, null, null);

    public EventFilter {
        if (from != null && until != null && !from.isBefore(until)) {
            throw new IllegalArgumentException("time range is empty: from " + from + " is not before until " + until);
        }
    }

    /** Matches every event. */
    public static EventFilter all() {
        return ALL;
    }

    public EventFilter agent(String agentId) {
        return new EventFilter(agentId, onBehalfOf, sessionId, channel, decision, phase, from, until);
    }

    public EventFilter onBehalfOf(String user) {
        return new EventFilter(agentId, user, sessionId, channel, decision, phase, from, until);
    }

    public EventFilter session(String sessionId) {
        return new EventFilter(agentId, onBehalfOf, sessionId, channel, decision, phase, from, until);
    }

    public EventFilter channel(Channel channel) {
        return new EventFilter(agentId, onBehalfOf, sessionId, channel, decision, phase, from, until);
    }

    public EventFilter decision(Decision decision) {
        return new EventFilter(agentId, onBehalfOf, sessionId, channel, decision, phase, from, until);
    }

    public EventFilter phase(Phase phase) {
        return new EventFilter(agentId, onBehalfOf, sessionId, channel, decision, phase, from, until);
    }

    /** Events at or after {@code from}. */
    public EventFilter from(Instant from) {
        return new EventFilter(agentId, onBehalfOf, sessionId, channel, decision, phase, from, until);
    }

    /** Events before {@code until}. */
    public EventFilter until(Instant until) {
        return new EventFilter(agentId, onBehalfOf, sessionId, channel, decision, phase, from, until);
    }

    /** True when {@code e} meets every criterion that is set. */
    public boolean test(AuditEvent e) {
        return (agentId == null || agentId.equals(e.agentId()))
                && (onBehalfOf == null || onBehalfOf.equals(e.onBehalfOf()))
                && (sessionId == null || sessionId.equals(e.sessionId()))
                && (channel == null || channel == e.channel())
                && (decision == null || decision == e.decision())
                && (phase == null || phase == e.phase())
                && (from == null || !e.timestamp().isBefore(from))
                && (until == null || e.timestamp().isBefore(until));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventFilter f && Objects.equals(agentId, f.agentId) && Objects.equals(onBehalfOf, f.onBehalfOf)
                && Objects.equals(sessionId, f.sessionId) && channel == f.channel && decision == f.decision
                && phase == f.phase && Objects.equals(from, f.from) && Objects.equals(until, f.until);
    }

    @Override
    public int hashCode() {
        return Objects.hash(agentId, onBehalfOf, sessionId, channel, decision, phase, from, until);
    }
}
