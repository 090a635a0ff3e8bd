package dev.agentguard.ship.verify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Whether a shipped record's JSON says what the hashed event it carries says. The JSON a
 * verifier would write for the event is the reference: every field of the record must be there
 * with the same value, and no field of the reference may be missing — except fields a newer
 * AgentGuard added to the JSON after the record was shipped by an older one, which an old
 * record cannot have.
 */
final class JsonAgreement {
    /** The fields of the event JSON as of format version 1 (docs/journal-format.md); omitting one is tampering. */
    static final Set<String> VERSION_1_FIELDS = Set.of("formatVersion", "eventId", "sequence", "timestamp", "phase",
            "agentId", "onBehalfOf", "sessionId", "traceId", "intent", "channel", "resource", "action", "objects",
            "decision", "ruleId", "approvalRef", "outcome", "error", "counts", "durationNanos", "extensions",
            "previousHash", "hash");

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private JsonAgreement() {
    }

    /**
     * {@code null} when {@code record} agrees with {@code reference}, else what differs
     * ("field 'action' differs", "field 'decision' is missing", "field 'x' is not in the event",
     * "it is not one JSON object (…)").
     */
    static String disagreement(String record, String reference) {
        if (record.equals(reference)) {
            return null;
        }
        Map<String, Object> shipped;
        Map<String, Object> expected;
        try {
            shipped = parseObject(record);
            expected = parseObject(reference);
        } catch (IOException | RuntimeException e) {
            return "it is not one JSON object (" + e.getMessage() + ")";
        }
        for (Map.Entry<String, Object> f : shipped.entrySet()) {
            if (!expected.containsKey(f.getKey())) {
                return "field '" + f.getKey() + "' is not in the event";
            }
            if (!Objects.equals(f.getValue(), expected.get(f.getKey()))) {
                return "field '" + f.getKey() + "' differs";
            }
        }
        for (String name : expected.keySet()) {
            if (!shipped.containsKey(name) && VERSION_1_FIELDS.contains(name)) {
                return "field '" + name + "' is missing";
            }
        }
        return null;
    }

    private static Map<String, Object> parseObject(String json) throws IOException {
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not an object");
            }
            Map<String, Object> m = object(p);
            if (p.nextToken() != null) {
                throw new IOException("text after the object");
            }
            return m;
        }
    }

    private static Map<String, Object> object(JsonParser p) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (m.put(name, value(p)) != null) {
                throw new IOException("field '" + name + "' twice"); // a consumer could read either copy
            }
        }
        return m;
    }

    private static Object value(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case START_OBJECT -> object(p);
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(value(p));
                }
                yield list;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getDecimalValue().stripTrailingZeros();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IOException("unexpected " + p.currentToken());
        };
    }
}
