package dev.agentguard.junit;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Describes the events an assertion looks for: every criterion added must hold. Immutable; each
 * method returns a new matcher, so a matcher can be kept in a constant and refined.
 *
 * <p>Assertions take either a matcher or a lambda that refines {@link #anyEvent()}:
 * <pre>{@code
 * assertThat(journal).hasEventMatching(e -> e.agent("payments-agent").channel(Channel.JDBC)
 *         .decision(Decision.DENIED).rule("no-delete"));
 *
 * EventMatcher denied = EventMatcher.anyEvent().decision(Decision.DENIED);
 * assertThat(journal).hasExactly(1).eventsMatching(denied.rule("no-delete"));
 * }</pre>
 *
 * Text criteria compare exactly (case-sensitive) unless their name says otherwise
 * ({@link #actionContaining}). Failure messages show each criterion as written here, e.g.
 * {@code agent="payments-agent", decision=DENIED}.
 */
public final class EventMatcher {
    private static final EventMatcher ANY = new EventMatcher(List.of());

    /** One condition and how a failure message names it. */
    private record Criterion(String description, Predicate<AuditEvent> test) {
    }

    private final List<Criterion> criteria;

    private EventMatcher(List<Criterion> criteria) {
        this.criteria = criteria;
    }

    /** Matches every event; the start of every matcher. */
    public static EventMatcher anyEvent() {
        return ANY;
    }

    /** The matcher that {@code spec} makes of {@link #anyEvent()}. */
    static EventMatcher of(UnaryOperator<EventMatcher> spec) {
        Objects.requireNonNull(spec, "matcher lambda");
        return Objects.requireNonNull(spec.apply(ANY),
                "the matcher lambda returned null; return the matcher it was given, refined (e -> e.agent(\"…\"))");
    }

    /** Events of this phase (intent, outcome, identity, approval, policy or system). */
    public EventMatcher phase(Phase phase) {
        Objects.requireNonNull(phase, "phase");
        return with("phase=" + phase, e -> e.phase() == phase);
    }

    /** Events of this agent. */
    public EventMatcher agent(String agentId) {
        return withText("agent", agentId, AuditEvent::agentId);
    }

    /** Events the agent wrote on behalf of this human. */
    public EventMatcher onBehalfOf(String user) {
        return withText("onBehalfOf", user, AuditEvent::onBehalfOf);
    }

    /** Events of this session. */
    public EventMatcher session(String sessionId) {
        return withText("session", sessionId, AuditEvent::sessionId);
    }

    /** Events with this trace id. */
    public EventMatcher trace(String traceId) {
        return withText("trace", traceId, AuditEvent::traceId);
    }

    /** Events with this stated intent. */
    public EventMatcher intent(String intent) {
        return withText("intent", intent, AuditEvent::intent);
    }

    /** Events on this channel. */
    public EventMatcher channel(Channel channel) {
        Objects.requireNonNull(channel, "channel");
        return with("channel=" + channel, e -> e.channel() == channel);
    }

    /** Events on this resource (data source name, host, URL authority). */
    public EventMatcher resource(String resource) {
        return withText("resource", resource, AuditEvent::resource);
    }

    /** Events whose redacted action is exactly this text. */
    public EventMatcher action(String action) {
        return withText("action", action, AuditEvent::action);
    }

    /** Events whose redacted action contains this text. */
    public EventMatcher actionContaining(String text) {
        Objects.requireNonNull(text, "actionContaining");
        return with("action contains " + quote(text), e -> e.action() != null && e.action().contains(text));
    }

    /** Events that touch this object (table, path), among others. */
    public EventMatcher object(String name) {
        Objects.requireNonNull(name, "object");
        return with("objects contain " + quote(name), e -> e.objects().contains(name));
    }

    /** Events with this decision. */
    public EventMatcher decision(Decision decision) {
        Objects.requireNonNull(decision, "decision");
        return with("decision=" + decision, e -> e.decision() == decision);
    }

    /** Events decided by this policy rule. */
    public EventMatcher rule(String ruleId) {
        return withText("rule", ruleId, AuditEvent::ruleId);
    }

    /** Events that carry this approval reference. */
    public EventMatcher approval(String approvalRef) {
        return withText("approval", approvalRef, AuditEvent::approvalRef);
    }

    /** Events with this outcome. */
    public EventMatcher outcome(Outcome outcome) {
        Objects.requireNonNull(outcome, "outcome");
        return with("outcome=" + outcome, e -> e.outcome() == outcome);
    }

    /** Events whose count {@code name} (e.g. {@code rows}, {@code masked.cards.pan}) is {@code value}. */
    public EventMatcher count(String name, long value) {
        Objects.requireNonNull(name, "count name");
        return with("counts[" + quote(name) + "]=" + value, e -> Long.valueOf(value).equals(e.counts().get(name)));
    }

    /** Events whose extension field {@code name} is exactly {@code value}. */
    public EventMatcher extension(String name, String value) {
        Objects.requireNonNull(name, "extension name");
        Objects.requireNonNull(value, "extension value");
        return with("extensions[" + quote(name) + "]=" + quote(value), e -> value.equals(e.extensions().get(name)));
    }

    /**
     * Events that meet {@code condition}, for what the other criteria do not cover.
     *
     * @param description how failure messages name the condition, e.g. {@code "duration under 1 s"}
     */
    public EventMatcher where(String description, Predicate<AuditEvent> condition) {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(condition, "condition");
        return with(description, condition);
    }

    /** True when {@code event} meets every criterion. */
    public boolean test(AuditEvent event) {
        for (Criterion c : criteria) {
            if (!c.test().test(event)) {
                return false;
            }
        }
        return true;
    }

    /** The descriptions of the criteria {@code event} does not meet, in the order they were added. */
    List<String> unmet(AuditEvent event) {
        List<String> out = new ArrayList<>();
        for (Criterion c : criteria) {
            if (!c.test().test(event)) {
                out.add(c.description());
            }
        }
        return out;
    }

    /** How many criteria the matcher has. */
    int size() {
        return criteria.size();
    }

    /** The criteria as failure messages show them, e.g. {@code agent="a", decision=DENIED}, or {@code any event}. */
    @Override
    public String toString() {
        return criteria.isEmpty() ? "any event"
                : criteria.stream().map(Criterion::description).collect(Collectors.joining(", "));
    }

    private EventMatcher with(String description, Predicate<AuditEvent> test) {
        List<Criterion> more = new ArrayList<>(criteria.size() + 1);
        more.addAll(criteria);
        more.add(new Criterion(description, test));
        return new EventMatcher(List.copyOf(more));
    }

    private EventMatcher withText(String field, String expected, Function<AuditEvent, String> actual) {
        Objects.requireNonNull(expected, () -> field + " must not be null; to match events without a " + field
                + ", use where(\"no " + field + "\", e -> …)");
        return with(field + "=" + quote(expected), e -> expected.equals(actual.apply(e)));
    }

    private static String quote(String text) {
        return "\"" + EventLines.display(text) + "\"";
    }
}
