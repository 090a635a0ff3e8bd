package dev.agentguard.cli;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.audit.reader.EventFilter;
import dev.agentguard.audit.reader.JournalReader;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The command transcript of an SSH session, which {@code show} prints under an event of a session
 * of the guarded SSH client (one with an {@code ssh.session.open} event): every command, shell line
 * and SFTP operation in order, with its decision, rule, and how it ended (exit status, failure),
 * read from the session's intent and outcome events. Text is escaped for the terminal like every
 * journal text.
 */
final class SessionTranscript {

    private SessionTranscript() {
    }

    static void print(Path journal, String sessionId, PrintWriter out) throws JournalException {
        List<AuditEvent> events;
        try (JournalReader reader = JournalReader.open(journal)) {
            events = reader.events(EventFilter.all().session(sessionId).channel(Channel.SSH));
        }
        if (events.stream().noneMatch(e -> e.phase() == Phase.SYSTEM && "ssh.session.open".equals(e.action()))) {
            return; // not a session of the guarded SSH client
        }
        Map<String, AuditEvent> outcomes = new HashMap<>();
        for (AuditEvent e : events) {
            String intent = e.extensions().get("intent-seq");
            if (e.phase() == Phase.OUTCOME && intent != null) {
                outcomes.put(intent, e);
            }
        }
        out.println();
        out.println("Transcript of session " + SafeText.escape(sessionId) + ":");
        for (AuditEvent e : events) {
            if (e.phase() == Phase.INTENT) {
                out.println("  " + line(e, outcomes.get(Long.toString(e.sequence()))));
            } else if (e.phase() == Phase.SYSTEM && e.action() != null && e.action().startsWith("ssh.")) {
                out.println("  [" + SafeText.escape(e.action()) + (e.outcome() == Outcome.FAILURE
                        ? ": " + SafeText.escape(e.error()) : "") + "]");
            }
        }
    }

    private static String line(AuditEvent intent, AuditEvent outcome) {
        StringBuilder b = new StringBuilder();
        String action = SafeText.escape(intent.action());
        b.append(action != null && action.startsWith("sftp ") ? "" : "$ ").append(action);
        b.append("    ").append(intent.decisionIfAny().map(Enum::name).orElse("-"));
        if (intent.ruleId() != null) {
            b.append(" (").append(SafeText.escape(intent.ruleId())).append(')');
        }
        if (intent.outcome() == Outcome.FAILURE) {
            b.append(": ").append(SafeText.escape(intent.error()));
        } else if (outcome != null) {
            outcome.count("exit.status").ifPresent(s -> b.append(", exit ").append(s));
            outcome.count("bytes").ifPresent(s -> b.append(", ").append(s).append(" bytes"));
            if (outcome.outcome() == Outcome.FAILURE && outcome.count("exit.status").isEmpty()) {
                b.append(", failed: ").append(SafeText.escape(outcome.error()));
            }
        } else {
            b.append(", no outcome event");
        }
        return b.toString();
    }
}
