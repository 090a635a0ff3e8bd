package dev.agentguard.core.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.Mark;
import com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The YAML document of a policy file as a small tree in which every node keeps its line and
 * column, read with Jackson's streaming YAML parser. Jackson's own tree drops locations and
 * silently keeps the last of two equal keys; a policy reader must point at the exact line and
 * refuse duplicates.
 */
final class YamlTree {

    private static final YAMLFactory FACTORY = YAMLFactory.builder().build();
    private static final int MAX_DEPTH = 32;

    private YamlTree() {
    }

    /** A node and where it starts (1-based). */
    abstract static sealed class Node permits MapNode, ListNode, ScalarNode {
        final int line;
        final int column;

        Node(int line, int column) {
            this.line = line;
            this.column = column;
        }

        /** What the node is, for "found …" in messages; never its value. */
        abstract String kind();
    }

    /** A key of a mapping with its location. */
    record Key(String name, int line, int column) {
    }

    static final class MapNode extends Node {
        final Map<String, Key> keys = new LinkedHashMap<>();
        final Map<String, Node> values = new LinkedHashMap<>();

        MapNode(int line, int column) {
            super(line, column);
        }

        @Override
        String kind() {
            return "a mapping";
        }
    }

    static final class ListNode extends Node {
        final List<Node> items = new ArrayList<>();

        ListNode(int line, int column) {
            super(line, column);
        }

        @Override
        String kind() {
            return "a list";
        }
    }

    static final class ScalarNode extends Node {
        final JsonToken token;
        final String text;

        ScalarNode(int line, int column, JsonToken token, String text) {
            super(line, column);
            this.token = token;
            this.text = text;
        }

        boolean isText() {
            return token == JsonToken.VALUE_STRING;
        }

        boolean isNull() {
            return token == JsonToken.VALUE_NULL;
        }

        @Override
        String kind() {
            return switch (token) {
                case VALUE_STRING -> text.isEmpty() ? "nothing (an empty value)" : "text";
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
                case VALUE_TRUE, VALUE_FALSE -> "true/false";
                case VALUE_NULL -> "nothing (an empty value)";
                default -> "a value";
            };
        }
    }

    /**
     * Parses {@code yaml}; {@code null} for a document with no content (empty or only comments).
     *
     * @throws PolicyFileException for malformed YAML, duplicate keys, aliases, several documents
     */
    static Node parse(String yaml, String source) throws PolicyFileException {
        try (JsonParser p = FACTORY.createParser(yaml)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return null;
            }
            Node root = read(p, source, 0);
            if (p.nextToken() != null) {
                JsonLocation l = p.currentTokenLocation();
                throw new PolicyFileException(source, l.getLineNr(), l.getColumnNr(),
                        "a policy file holds one YAML document; remove the second document (after ---)");
            }
            return root;
        } catch (MarkedYAMLException e) {
            // SnakeYAML's full message quotes the offending lines; report its problem statement only,
            // at the problem's own mark (0-based), which is exact where the parser location lags.
            Mark m = e.getProblemMark();
            JsonLocation l = e.getLocation();
            int line = m != null ? m.getLine() + 1 : l == null ? 0 : l.getLineNr();
            int column = m != null ? m.getColumn() + 1 : l == null ? 0 : l.getColumnNr();
            throw new PolicyFileException(source, line, column, "not valid YAML: " + oneLine(e.getProblem()));
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            throw new PolicyFileException(source, l == null ? 0 : l.getLineNr(), l == null ? 0 : l.getColumnNr(),
                    "not valid YAML: " + oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new PolicyFileException(source, 0, 0, "could not read the policy text: " + e.getClass().getSimpleName());
        }
    }

    private static Node read(JsonParser p, String source, int depth) throws IOException, PolicyFileException {
        JsonLocation at = p.currentTokenLocation();
        int line = at.getLineNr();
        int column = at.getColumnNr();
        if (depth > MAX_DEPTH) {
            throw new PolicyFileException(source, line, column, "the policy is nested more than " + MAX_DEPTH
                    + " levels deep; a policy file needs only a few");
        }
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                MapNode map = new MapNode(line, column);
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    JsonLocation kl = p.currentTokenLocation();
                    String name = p.currentName();
                    Key previous = map.keys.get(name);
                    if (previous != null) {
                        throw new PolicyFileException(source, kl.getLineNr(), kl.getColumnNr(), "duplicate key \""
                                + name + "\" (first at line " + previous.line() + "); a key may appear once per mapping");
                    }
                    Key key = new Key(name, kl.getLineNr(), kl.getColumnNr());
                    p.nextToken();
                    map.keys.put(name, key);
                    map.values.put(name, read(p, source, depth + 1));
                }
                return map;
            }
            case START_ARRAY -> {
                ListNode list = new ListNode(line, column);
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.items.add(read(p, source, depth + 1));
                }
                return list;
            }
            default -> {
                if (p instanceof YAMLParser y && y.isCurrentAlias()) {
                    throw new PolicyFileException(source, line, column, "YAML aliases (*name) are not supported in a "
                            + "policy file; write the value out so that reviewers see it where it applies");
                }
                return new ScalarNode(line, column, t, p.getText());
            }
        }
    }

    private static String oneLine(String text) {
        if (text == null) {
            return "unreadable input";
        }
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).strip();
    }
}
