package dev.agentguard.audit.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.agentguard.audit.AuditEvent;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Map;

/**
 * The documented JSON form of an {@link AuditEvent}: one object per event, used by
 * {@code agentguard export --format jsonl}, every {@code --json} output and, later, the
 * shippers. Field names are stable API (docs/journal-format.md); absent optional fields are
 * left out rather than written as {@code null}.
 *
 * <pre>
 * {"formatVersion":2,"eventId":"3f9a0c1b2d4e-42","sequence":42,"timestamp":"2026-11-25T22:14:03.123456789Z",
 *  "phase":"INTENT","agentId":"payments-agent","channel":"JDBC","action":"DELETE FROM cards",
 *  "objects":["PUBLIC.CARDS"],"decision":"DENIED","ruleId":"no-delete-without-where",
 *  "previousHash":"…","hash":"…"}
 * </pre>
 */
public final class EventJson {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private EventJson() {
    }

    /** The event as one line of JSON (no trailing newline). */
    public static String toJson(AuditEvent e) {
        StringWriter out = new StringWriter(512);
        try {
            write(e, out);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex); // a StringWriter does not fail
        }
        return out.toString();
    }

    /** Writes the event as one JSON object (no trailing newline) to {@code out}. */
    public static void write(AuditEvent e, Writer out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            write(e, g);
        }
    }

    /** Writes the event as one JSON object with {@code g}, for callers that embed it. */
    public static void write(AuditEvent e, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeNumberField("formatVersion", e.formatVersion());
        g.writeStringField("eventId", e.eventId());
        g.writeNumberField("sequence", e.sequence());
        g.writeStringField("timestamp", e.timestamp().toString());
        g.writeStringField("phase", e.phase().name());
        text(g, "agentId", e.agentId());
        text(g, "onBehalfOf", e.onBehalfOf());
        text(g, "sessionId", e.sessionId());
        text(g, "traceId", e.traceId());
        text(g, "intent", e.intent());
        g.writeStringField("channel", e.channel().name());
        text(g, "resource", e.resource());
        text(g, "action", e.action());
        if (!e.objects().isEmpty()) {
            g.writeArrayFieldStart("objects");
            for (String o : e.objects()) {
                g.writeString(o);
            }
            g.writeEndArray();
        }
        if (e.decision() != null) {
            g.writeStringField("decision", e.decision().name());
        }
        text(g, "ruleId", e.ruleId());
        text(g, "approvalRef", e.approvalRef());
        if (e.outcome() != null) {
            g.writeStringField("outcome", e.outcome().name());
        }
        text(g, "error", e.error());
        if (!e.counts().isEmpty()) {
            g.writeObjectFieldStart("counts");
            for (Map.Entry<String, Long> c : new java.util.TreeMap<>(e.counts()).entrySet()) {
                g.writeNumberField(c.getKey(), c.getValue());
            }
            g.writeEndObject();
        }
        if (e.duration() != null) {
            g.writeNumberField("durationNanos", e.duration().toNanos());
        }
        if (!e.extensions().isEmpty()) {
            g.writeObjectFieldStart("extensions");
            for (Map.Entry<String, String> x : new java.util.TreeMap<>(e.extensions()).entrySet()) {
                g.writeStringField(x.getKey(), x.getValue());
            }
            g.writeEndObject();
        }
        g.writeStringField("previousHash", e.previousHash().toHex());
        g.writeStringField("hash", e.hash().toHex());
        g.writeEndObject();
    }

    private static void text(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }
}
