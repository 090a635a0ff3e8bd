package dev.agentguard.cli;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Phase;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every field of one event as "name  value" lines, named as in the JSON form
 * ({@code EventJson}) so that what a reviewer reads matches what a script reads. Absent fields
 * show as "-"; counts and extensions get one line each.
 */
final class EventDetails {
    private EventDetails() {
    }

    static List<String> lines(AuditEvent e) {
        List<String[]> fields = new ArrayList<>();
        add(fields, "eventId", e.eventId());
        add(fields, "sequence", Long.toString(e.sequence()));
        add(fields, "timestamp", e.timestamp().toString());
        add(fields, "formatVersion", Integer.toString(e.formatVersion()));
        add(fields, "phase", e.phase().name());
        add(fields, "agentId", e.agentId());
        add(fields, "onBehalfOf", e.onBehalfOf());
        add(fields, "sessionId", e.sessionId());
        add(fields, "traceId", e.traceId());
        add(fields, "intent", e.intent());
        add(fields, "channel", e.channel().name());
        add(fields, "resource", e.resource());
        add(fields, "action", e.action());
        add(fields, "objects", e.objects().isEmpty() ? null : String.join(", ", e.objects()));
        add(fields, "decision", e.decision() == null ? null : e.decision().name());
        add(fields, "ruleId", e.ruleId());
        add(fields, "approvalRef", e.approvalRef());
        add(fields, "outcome", e.outcome() == null ? null : e.outcome().name());
        add(fields, "error", e.error());
        if (e.counts().isEmpty()) {
            add(fields, "counts", null);
        }
        for (Map.Entry<String, Long> c : new TreeMap<>(e.counts()).entrySet()) {
            add(fields, "counts." + c.getKey(), Long.toString(c.getValue()));
        }
        add(fields, "durationNanos", e.duration() == null ? null
                : e.duration().toNanos() + " (" + java.math.BigDecimal.valueOf(e.duration().toNanos(), 6)
                        .stripTrailingZeros().toPlainString() + " ms)");
        if (e.extensions().isEmpty()) {
            add(fields, "extensions", null);
        }
        for (Map.Entry<String, String> x : new TreeMap<>(e.extensions()).entrySet()) {
            add(fields, "extensions." + x.getKey(), x.getValue());
        }
        if (e.phase() == Phase.OUTCOME && e.intentSequence().isPresent()) {
            // An outcome is journaled without what it shares with its intent; the reader shows those fields from it.
            add(fields, "intentEvent", "#" + e.intentSequence().getAsLong() + " (onBehalfOf, traceId, resource, action, "
                    + "objects, ruleId and approvalRef are journaled there)");
        }
        add(fields, "previousHash", e.previousHash().toHex());
        add(fields, "hash", e.hash().toHex());

        int width = fields.stream().mapToInt(f -> f[0].length()).max().orElse(0);
        List<String> lines = new ArrayList<>(fields.size());
        for (String[] f : fields) {
            lines.add(String.format("%-" + width + "s  %s", f[0], f[1]));
        }
        return lines;
    }

    private static void add(List<String[]> fields, String name, String value) {
        fields.add(new String[] {SafeText.escape(name), value == null ? "-" : SafeText.escape(value)});
    }
}
