package dev.agentguard.core.masking;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed {@link JsonFieldRule} pointer: unescaped segments, {@code *} for any one. Matching
 * allocates nothing.
 */
final class JsonPointerPattern {
    /** Deeper pointers are refused: no response document worth a rule nests further. */
    static final int MAX_SEGMENTS = 64;
    private static final String FORM = "write a JSON pointer such as /card/number or /cards/*/number"
            + " (~1 for a / and ~0 for a ~ inside a name, * for any one member or index)";

    /** Unescaped segments; null stands for the wildcard. */
    private final String[] segments;

    private JsonPointerPattern(String[] segments) {
        this.segments = segments;
    }

    static JsonPointerPattern parse(String pointer) {
        if (pointer.isEmpty() || pointer.charAt(0) != '/') {
            throw new IllegalArgumentException("JSON field pointer \"" + pointer + "\" does not start with /: " + FORM);
        }
        List<String> segments = new ArrayList<>();
        int from = 1;
        while (true) {
            int slash = pointer.indexOf('/', from);
            String raw = pointer.substring(from, slash < 0 ? pointer.length() : slash);
            segments.add(raw.equals("*") ? null : unescape(pointer, raw));
            if (slash < 0) {
                break;
            }
            from = slash + 1;
        }
        if (segments.size() > MAX_SEGMENTS) {
            throw new IllegalArgumentException("JSON field pointer \"" + pointer + "\" has " + segments.size()
                    + " segments, at most " + MAX_SEGMENTS + " are allowed: " + FORM);
        }
        return new JsonPointerPattern(segments.toArray(new String[0]));
    }

    private static String unescape(String pointer, String raw) {
        if (raw.indexOf('~') < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '~') {
                out.append(c);
                continue;
            }
            char next = i + 1 < raw.length() ? raw.charAt(i + 1) : 0;
            if (next == '0') {
                out.append('~');
            } else if (next == '1') {
                out.append('/');
            } else {
                throw new IllegalArgumentException("JSON field pointer \"" + pointer
                        + "\" has a ~ not followed by 0 or 1: " + FORM);
            }
            i++;
        }
        return out.toString();
    }

    /** Whether {@code path} (member names and array indexes, outermost first) is the pointed-to value. */
    boolean matches(List<? extends CharSequence> path) {
        if (path.size() != segments.length) {
            return false;
        }
        for (int i = segments.length - 1; i >= 0; i--) { // innermost first: that is where paths differ
            String segment = segments[i];
            if (segment != null && !contentEquals(segment, path.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean contentEquals(String a, CharSequence b) {
        int n = a.length();
        if (b.length() != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (a.charAt(i) != b.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
