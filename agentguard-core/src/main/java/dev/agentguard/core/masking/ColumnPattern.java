package dev.agentguard.core.masking;

import java.util.Locale;

/**
 * A parsed column pattern: up to three case-insensitive globs matched against the trailing parts
 * of {@code schema.table.column}. Matching allocates nothing.
 */
final class ColumnPattern {
    private static final String FORM = "write column, table.column or schema.table.column, each part a name or a glob"
            + " with * and ?";

    /** Lower-case globs; the last one matches the column. */
    private final String[] parts;

    private ColumnPattern(String[] parts) {
        this.parts = parts;
    }

    static ColumnPattern parse(String pattern) {
        if (pattern.isEmpty()) {
            throw new IllegalArgumentException("masking column pattern is empty: " + FORM);
        }
        String[] parts = pattern.toLowerCase(Locale.ROOT).split("\\.", -1);
        if (parts.length > 3) {
            throw new IllegalArgumentException("masking column pattern \"" + pattern + "\" has " + parts.length
                    + " parts, at most 3 are allowed: " + FORM);
        }
        for (String part : parts) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException("masking column pattern \"" + pattern + "\" has an empty part: " + FORM);
            }
            for (int i = 0; i < part.length(); i++) {
                if (Character.isWhitespace(part.charAt(i))) {
                    throw new IllegalArgumentException("masking column pattern \"" + pattern
                            + "\" contains whitespace: " + FORM);
                }
            }
        }
        return new ColumnPattern(parts);
    }

    /**
     * Whether the column matches. A part that is {@code null} or empty is unknown and matches
     * any glob: when a driver cannot say which table a column came from, masking it is the
     * fail-closed answer.
     */
    boolean matches(String schema, String table, String column) {
        int n = parts.length;
        if (!matchesPart(parts[n - 1], column)) {
            return false;
        }
        if (n >= 2 && !matchesPart(parts[n - 2], table)) {
            return false;
        }
        return n < 3 || matchesPart(parts[0], schema);
    }

    /**
     * Whether the column part alone matches {@code name}, which is known (a JSON member name):
     * the table and schema parts do not restrict it, an empty name is matched like any other.
     */
    boolean matchesColumn(CharSequence name) {
        return glob(parts[parts.length - 1], name);
    }

    private static boolean matchesPart(String glob, String name) {
        return name == null || name.isEmpty() || glob(glob, name);
    }

    /** Iterative glob match with single-star backtracking; case-insensitive. */
    static boolean glob(String glob, CharSequence name) {
        int g = 0;
        int s = 0;
        int starG = -1;
        int starS = 0;
        int gn = glob.length();
        int sn = name.length();
        while (s < sn) {
            if (g < gn) {
                char pc = glob.charAt(g);
                if (pc == '*') {
                    starG = g++;
                    starS = s;
                    continue;
                }
                if (pc == '?' || pc == fold(name.charAt(s))) {
                    g++;
                    s++;
                    continue;
                }
            }
            if (starG < 0) {
                return false;
            }
            g = starG + 1;
            s = ++starS;
        }
        while (g < gn && glob.charAt(g) == '*') {
            g++;
        }
        return g == gn;
    }

    private static char fold(char c) {
        return c < 0x80 ? (c >= 'A' && c <= 'Z' ? (char) (c + 32) : c) : Character.toLowerCase(c);
    }
}
