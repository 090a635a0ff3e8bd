package dev.agentguard.junit;

import dev.agentguard.audit.AuditEvent;

import java.util.List;
import java.util.function.Predicate;

/**
 * Renders events for failure messages, one line each:
 * <pre>
 * #2 INTENT   agent=payments-agent channel=JDBC decision=DENIED rule=no-delete action="DELETE FROM cards"
 * </pre>
 * Every text shown goes through {@link #display}, so a failure message never prints a card number,
 * whatever the events hold.
 */
final class EventLines {
    /** At most this many events are listed; the most recent ones, since that is where a test looks. */
    static final int MAX_LISTED = 20;

    private static final int MAX_TEXT = 80;

    private EventLines() {
    }

    /** One line describing {@code e}. */
    static String line(AuditEvent e) {
        return "#" + e.sequence() + " " + pad(e.phase().name(), 8)
                + " agent=" + orDash(e.agentId())
                + " channel=" + e.channel()
                + " decision=" + (e.decision() == null ? "-" : e.decision().name())
                + " rule=" + orDash(e.ruleId())
                + " action=" + (e.action() == null ? "-" : "\"" + display(e.action()) + "\"");
    }

    /**
     * Appends a titled listing of the most recent {@value #MAX_LISTED} of {@code events}. When
     * {@code marked} is given, the events it accepts are flagged with {@code *}.
     */
    static void appendListing(StringBuilder out, List<AuditEvent> events, Predicate<AuditEvent> marked) {
        if (events.isEmpty()) {
            out.append("\nEvents: none.");
            return;
        }
        int from = Math.max(0, events.size() - MAX_LISTED);
        out.append("\nEvents (");
        if (from > 0) {
            out.append("last ").append(MAX_LISTED).append(" of ");
        }
        out.append(events.size()).append(", oldest first");
        if (marked != null) {
            out.append("; * = matches");
        }
        out.append("):");
        appendLines(out, events.subList(from, events.size()), marked);
    }

    /** Appends one indented line per event (no title). */
    static void appendLines(StringBuilder out, List<AuditEvent> events, Predicate<AuditEvent> marked) {
        for (AuditEvent e : events) {
            out.append("\n  ");
            if (marked != null) {
                out.append(marked.test(e) ? "* " : "  ");
            }
            out.append(line(e));
        }
    }

    /**
     * Text made safe and short for a message: card numbers masked, line breaks and other control
     * characters escaped, cut to {@value #MAX_TEXT} characters.
     */
    static String display(String text) {
        String masked = PanFinder.maskAll(text);
        StringBuilder out = new StringBuilder(Math.min(masked.length(), MAX_TEXT) + 8);
        for (int i = 0; i < masked.length(); i++) {
            if (out.length() >= MAX_TEXT) {
                out.append('…');
                break;
            }
            char c = masked.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '"' -> out.append("\\\"");
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static String orDash(String text) {
        return text == null ? "-" : display(text);
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
