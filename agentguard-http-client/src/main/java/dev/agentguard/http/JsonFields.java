package dev.agentguard.http;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the fields the policy compares ({@code jsonField} conditions) from a buffered request
 * body. A field name is a top-level member ({@code amount}) or a JSON pointer ({@code /refund/amount}).
 *
 * <p>Read the way that fails closed: servers disagree on bodies that are not plain JSON, so a
 * field whose value a server could read differently from the guard is left out, and a missing
 * field satisfies deny and require-approval conditions and no allow condition. Left out are:
 * every field of a body that is not one complete JSON document (trailing content, comments,
 * duplicate member names anywhere — some parsers take the first, others the last), a top-level
 * name that appears in several letter cases ({@code amount} and {@code Amount}: case-blind binders
 * read either), and values that are not numbers or strings. Numbers keep every digit (no
 * rounding through {@code double}), written in plain or scientific notation.
 */
final class JsonFields {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .build();

    private JsonFields() {
    }

    /** The values of {@code fields} in {@code body}, field → text; a field that cannot be read safely is absent. */
    static Map<String, String> read(byte[] body, int length, List<String> fields) {
        if (fields.isEmpty() || length == 0) {
            return Map.of();
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(body, 0, length);
        } catch (Exception | StackOverflowError e) {
            return Map.of();
        }
        if (root == null || !root.isContainerNode()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String field : fields) {
            JsonNode value = field.startsWith("/") ? pointer(root, field) : member(root, field);
            String text = text(value);
            if (text != null) {
                out.put(field, text);
            }
        }
        return out;
    }

    private static JsonNode pointer(JsonNode root, String field) {
        try {
            JsonNode n = root.at(JsonPointer.compile(field));
            return n.isMissingNode() ? null : n;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The top-level member named {@code name}, unless another member has the same name in other letter case. */
    private static JsonNode member(JsonNode root, String name) {
        if (!root.isObject()) {
            return null;
        }
        JsonNode found = null;
        int matches = 0;
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                matches++;
                found = e.getValue();
            }
        }
        return matches == 1 ? found : null;
    }

    private static String text(JsonNode value) {
        if (value == null) {
            return null;
        }
        if (value.isNumber()) {
            // toString keeps scientific notation short: 1E+1000000 must not become a million digits.
            return value.decimalValue().toString();
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        return null;
    }
}
