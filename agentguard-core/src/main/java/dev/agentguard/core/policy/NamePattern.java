package dev.agentguard.core.policy;

import java.util.Locale;

/**
 * A compiled, case-insensitive glob over a dotted name such as {@code public.cards.pan}:
 * {@code *} matches any run of characters within one part, {@code ?} one character.
 *
 * <p>Parts are compared from the right and only as many as both sides have, so a pattern
 * without a schema ({@code cards}) matches {@code public.cards}, and a name without a schema
 * matches a schema-qualified pattern: the policy cannot know the connection's search path, and
 * for deny rules the wider match is the safe one. Matching allocates nothing.
 */
final class NamePattern {

    private final String text;
    private final String[] parts;
    private final boolean[] glob;
    private final boolean wildcard;
    private final boolean dotted;

    private NamePattern(String text, String[] parts, boolean[] glob, boolean wildcard, boolean dotted) {
        this.text = text;
        this.dotted = dotted;
        this.parts = parts;
        this.glob = glob;
        this.wildcard = wildcard;
    }

    /**
     * Compiles {@code text}.
     *
     * @param what     what the pattern names, for messages ("table pattern")
     * @param maxParts the most dotted parts allowed
     * @param dotted   whether dots separate parts; otherwise the text is one part
     * @throws IllegalArgumentException naming the pattern and what is wrong with it
     */
    static NamePattern compile(String what, String text, int maxParts, boolean dotted) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty; remove the entry or write a name");
        }
        String trimmed = text.strip();
        if (trimmed.indexOf('"') >= 0 || trimmed.indexOf('`') >= 0) {
            throw new IllegalArgumentException(what + " \"" + trimmed + "\" contains a quote; write the name "
                    + "without quotes (matching is case-insensitive)");
        }
        String[] raw = dotted ? trimmed.split("\\.", -1) : new String[] {trimmed};
        if (raw.length > maxParts) {
            throw new IllegalArgumentException(what + " \"" + trimmed + "\" has " + raw.length + " dotted parts; at most "
                    + maxParts + " are allowed");
        }
        String[] parts = new String[raw.length];
        boolean[] glob = new boolean[raw.length];
        boolean wildcard = false;
        for (int i = 0; i < raw.length; i++) {
            String part = raw[i].strip();
            if (part.isEmpty()) {
                throw new IllegalArgumentException(what + " \"" + trimmed + "\" has an empty part; write names "
                        + "separated by single dots, such as public.cards");
            }
            parts[i] = part.toLowerCase(Locale.ROOT);
            glob[i] = part.indexOf('*') >= 0 || part.indexOf('?') >= 0;
            wildcard |= glob[i];
        }
        return new NamePattern(trimmed, parts, glob, wildcard, dotted);
    }

    /** The pattern as written. */
    String text() {
        return text;
    }

    /** Whether the pattern has a {@code *} or {@code ?}. */
    boolean hasWildcard() {
        return wildcard;
    }

    /** Whether {@code name} matches, comparing trailing parts; a {@code *} in the name is an ordinary character. */
    boolean matches(String name) {
        if (!dotted) {
            return partMatches(0, name, 0, name.length());
        }
        return matchFrom(name, name.length(), parts.length - 1);
    }

    /** Whether the pattern names {@code name} without wildcards: how an allow rule unlocks a dangerous form. */
    boolean namesExactly(String name) {
        return !wildcard && matches(name);
    }

    /**
     * For a column pattern: whether reading column {@code column} may read what the pattern names.
     * A star read ({@code cards.*}) may include any column of its table, so it matches every column
     * pattern whose table part matches (fail closed). A bare {@code *} is handled by the caller,
     * which knows the tables read.
     */
    boolean mayOverlapColumn(String column) {
        int len = column.length();
        if (len >= 1 && column.charAt(len - 1) == '*' && (len == 1 || column.charAt(len - 2) == '.')) {
            return len == 1 || matchFrom(column, len - 2, parts.length - 2);
        }
        return matches(column);
    }

    /** For a column pattern: whether a star read of {@code table} may include a column the pattern names. */
    boolean mayOverlapStarOf(String table) {
        return matchFrom(table, table.length(), parts.length - 2);
    }

    /** For a column pattern: whether it covers a star read of {@code table}, i.e. its column part matches every column. */
    boolean coversStarOf(String table) {
        return partMatches(parts.length - 1, "*", 0, 1) && matchFrom(table, table.length(), parts.length - 2);
    }

    /** Compares pattern parts {@code [0..lastPart]} with the name's parts ending before {@code end}, from the right. */
    private boolean matchFrom(String name, int end, int lastPart) {
        for (int p = lastPart; p >= 0; p--) {
            if (end < 0) {
                return true; // the name has fewer parts: the pattern's leading parts are not compared
            }
            int dot = end == 0 ? -1 : name.lastIndexOf('.', end - 1);
            if (!partMatches(p, name, dot + 1, end)) {
                return false;
            }
            end = dot;
        }
        return true;
    }

    private boolean partMatches(int p, String s, int from, int to) {
        String part = parts[p];
        if (!glob[p]) {
            return to - from == part.length() && s.regionMatches(true, from, part, 0, part.length());
        }
        return globMatches(part, s, from, to);
    }

    /** Iterative glob match with single-star backtracking: linear for the patterns policies use. */
    private static boolean globMatches(String pat, String s, int from, int to) {
        int p = 0;
        int i = from;
        int starP = -1;
        int starI = -1;
        int plen = pat.length();
        while (i < to) {
            char c = Character.toLowerCase(s.charAt(i));
            if (p < plen && pat.charAt(p) == '*') {
                starP = p++;
                starI = i;
            } else if (p < plen && (pat.charAt(p) == '?' || pat.charAt(p) == c)) {
                p++;
                i++;
            } else if (starP >= 0) {
                p = starP + 1;
                i = ++starI;
            } else {
                return false;
            }
        }
        while (p < plen && pat.charAt(p) == '*') {
            p++;
        }
        return p == plen;
    }

    @Override
    public String toString() {
        return text;
    }
}
