package dev.agentguard.cli;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.json.EventJson;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Prints events one at a time, as an aligned table or as JSON lines. The table has fixed column
 * widths so that it can stream (a journal may hold millions of events, and {@code tail -f} prints
 * as events arrive) and still line up.
 */
abstract class EventOutput {
    final PrintWriter out;
    private long printed;

    private EventOutput(PrintWriter out) {
        this.out = out;
    }

    /** JSON lines with {@code json}, else a table. */
    static EventOutput of(boolean json, PrintWriter out) {
        return json ? new JsonLines(out) : new Table(out);
    }

    /** Prints one event. */
    final void print(AuditEvent e) {
        write(e);
        printed++;
    }

    /** How many events were printed. */
    final long printed() {
        return printed;
    }

    /** Says so when nothing matched (tables only: JSON output stays empty, which is valid JSON lines). */
    void finishList() {
        // nothing for JSON lines
    }

    abstract void write(AuditEvent e);

    /** One JSON object per line, exactly as {@code EventJson} writes it. */
    static final class JsonLines extends EventOutput {
        JsonLines(PrintWriter out) {
            super(out);
        }

        @Override
        void write(AuditEvent e) {
            try {
                EventJson.write(e, out);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex); // a PrintWriter reports errors via checkError, not exceptions
            }
            out.println();
        }
    }

    /** SEQ TIME PHASE AGENT CHANNEL DECISION RULE ACTION, one event a line. */
    static final class Table extends EventOutput {
        static final String HEADER_FORMAT = "%8s  %-24s  %-8s  %-20s  %-7s  %-17s  %-20s  %s";
        static final int AGENT_WIDTH = 20;
        static final int RULE_WIDTH = 20;
        static final int ACTION_WIDTH = 72;
        static final String NO_MATCH = "No matching events.";

        private static final DateTimeFormatter TIME = DateTimeFormatter
                .ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

        private boolean headerPrinted;

        Table(PrintWriter out) {
            super(out);
        }

        @Override
        void write(AuditEvent e) {
            if (!headerPrinted) {
                out.println(String.format(Locale.ROOT, HEADER_FORMAT, "SEQ", "TIME (UTC)", "PHASE", "AGENT",
                        "CHANNEL", "DECISION", "RULE", "ACTION").stripTrailing());
                headerPrinted = true;
            }
            out.println(row(e));
        }

        @Override
        void finishList() {
            if (printed() == 0) {
                out.println(NO_MATCH);
            }
        }

        static String row(AuditEvent e) {
            return String.format(Locale.ROOT, HEADER_FORMAT,
                    e.sequence(),
                    TIME.format(e.timestamp()),
                    e.phase().name(),
                    SafeText.cell(e.agentId(), AGENT_WIDTH),
                    e.channel().name(),
                    e.decision() == null ? "-" : e.decision().name(),
                    SafeText.cell(e.ruleId(), RULE_WIDTH),
                    SafeText.cell(e.action(), ACTION_WIDTH)).stripTrailing();
        }
    }
}
