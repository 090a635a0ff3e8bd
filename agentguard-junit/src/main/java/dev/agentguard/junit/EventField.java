package dev.agentguard.junit;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Phase;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One piece of text an event carries, with a label that says where it sits, for the content
 * checks ({@code containsNoPan}, {@code containsNoMatch}).
 *
 * <p>Covers every field that holds caller-supplied text: the text fields, each object, each count
 * name and value, each extension name and value. Left out are the values the journal itself
 * makes (event id, sequence, timestamp, hashes), the enum fields, and the resource of the
 * journal's own events (channel {@code JOURNAL}, phase {@code SYSTEM}): that is the journal's
 * directory, and the random digits of a temporary directory's name (JUnit's {@code @TempDir}
 * has 19 of them) pass for a card number about one time in fifty.
 *
 * @param label where the text sits, e.g. {@code action}, {@code objects[2]}, {@code extensions["note"]}
 * @param text  the text
 */
record EventField(String label, String text) {

    /** The text of {@code e}, field by field, in the order of the event format. */
    static List<EventField> of(AuditEvent e) {
        List<EventField> out = new ArrayList<>();
        add(out, "agent", e.agentId());
        add(out, "onBehalfOf", e.onBehalfOf());
        add(out, "session", e.sessionId());
        add(out, "trace", e.traceId());
        add(out, "intent", e.intent());
        if (!isJournalsOwn(e)) {
            add(out, "resource", e.resource());
        }
        add(out, "action", e.action());
        for (int i = 0; i < e.objects().size(); i++) {
            add(out, "objects[" + i + "]", e.objects().get(i));
        }
        add(out, "rule", e.ruleId());
        add(out, "approval", e.approvalRef());
        add(out, "error", e.error());
        // A number can leak a card as well as a text can; counts are checked as decimal text.
        int k = 1;
        for (Map.Entry<String, Long> c : new TreeMap<>(e.counts()).entrySet()) {
            // Names are labelled by position so that a label never repeats what it points at.
            add(out, "counts name #" + k++, c.getKey());
            add(out, "counts[\"" + EventLines.display(c.getKey()) + "\"]", Long.toString(c.getValue()));
        }
        k = 1;
        for (Map.Entry<String, String> x : new TreeMap<>(e.extensions()).entrySet()) {
            add(out, "extensions name #" + k++, x.getKey());
            add(out, "extensions[\"" + EventLines.display(x.getKey()) + "\"]", x.getValue());
        }
        return out;
    }

    private static boolean isJournalsOwn(AuditEvent e) {
        return e.channel() == Channel.JOURNAL && e.phase() == Phase.SYSTEM;
    }

    private static void add(List<EventField> out, String label, String text) {
        if (text != null) {
            out.add(new EventField(label, text));
        }
    }
}
