package dev.agentguard.junit;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Hash;
import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds {@link AuditEvent} records directly, for assertions over events a journal would never
 * hold (its safety net masks card numbers before it writes).
 */
final class Events {
    private final long sequence;
    private Phase phase = Phase.INTENT;
    private String agent;
    private String onBehalfOf;
    private String session;
    private String intent;
    private Channel channel = Channel.JDBC;
    private String resource;
    private String action;
    private final List<String> objects = new ArrayList<>();
    private Decision decision;
    private String rule;
    private Outcome outcome;
    private String error;
    private final Map<String, Long> counts = new TreeMap<>();
    private final Map<String, String> extensions = new TreeMap<>();

    private Events(long sequence) {
        this.sequence = sequence;
    }

    static Events event(long sequence) {
        return new Events(sequence);
    }

    Events phase(Phase p) { this.phase = p; return this; }
    Events agent(String a) { this.agent = a; return this; }
    Events onBehalfOf(String u) { this.onBehalfOf = u; return this; }
    Events session(String s) { this.session = s; return this; }
    Events intent(String i) { this.intent = i; return this; }
    Events channel(Channel c) { this.channel = c; return this; }
    Events resource(String r) { this.resource = r; return this; }
    Events action(String a) { this.action = a; return this; }
    Events objects(String... names) { objects.addAll(List.of(names)); return this; }
    Events decision(Decision d, String ruleId) { this.decision = d; this.rule = ruleId; return this; }
    Events outcome(Outcome o) { this.outcome = o; return this; }
    Events error(String e) { this.error = e; return this; }
    Events count(String name, long value) { counts.put(name, value); return this; }
    Events extension(String name, String value) { extensions.put(name, value); return this; }

    AuditEvent build() {
        return new AuditEvent(AuditEvent.FORMAT_VERSION, "0123abcdefab-" + sequence, sequence,
                Instant.parse("2026-11-25T22:14:03Z").plusSeconds(sequence), phase, agent, onBehalfOf, session, null,
                intent, channel, resource, action, objects, decision, rule, null, outcome, error, counts, null,
                extensions, Hash.ZERO, Hash.ZERO);
    }

    /** A payments agent that deletes a card and is denied, then reads one and is allowed: 4 events. */
    static List<AuditEvent> paymentsStory() {
        return List.of(
                event(1).phase(Phase.SYSTEM).channel(Channel.JOURNAL).agent("agentguard-journal").action("journal.open").build(),
                event(2).agent("payments-agent").action("DELETE FROM cards WHERE id = ?").objects("PUBLIC.CARDS")
                        .decision(Decision.DENIED, "no-delete").build(),
                event(3).agent("payments-agent").action("SELECT pan FROM cards WHERE id = ?").objects("PUBLIC.CARDS")
                        .decision(Decision.MASKED, "mask-pan").build(),
                event(4).phase(Phase.OUTCOME).agent("payments-agent").action("SELECT pan FROM cards WHERE id = ?")
                        .outcome(Outcome.SUCCESS).count("rows", 1).build());
    }
}
