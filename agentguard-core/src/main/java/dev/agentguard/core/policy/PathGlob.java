package dev.agentguard.core.policy;

import java.util.List;

/**
 * A compiled glob over an absolute path, for the {@code paths} and {@code writes} of an ssh
 * condition: segments separated by {@code /}; {@code *} matches any run of characters within a
 * segment, {@code ?} one character, and a {@code **} segment any number of segments, none
 * included ({@code /var/log/**} matches {@code /var/log} too).
 *
 * <p>Besides matching a known path it answers the two questions a policy asks about paths it only
 * partly knows, each in the direction that fails closed: whether a path ending in known segments
 * under an unknown directory <em>may</em> match (deny), and whether every path a shell glob can
 * expand to <em>surely</em> matches (allow). Matching allocates little and runs in time
 * proportional to the pattern's segments times the path's.
 */
final class PathGlob {

    private final String text;
    private final String[] segments;
    private final boolean wildcard;

    private PathGlob(String text, String[] segments) {
        this.text = text;
        this.segments = segments;
        this.wildcard = text.indexOf('*') >= 0 || text.indexOf('?') >= 0;
    }

    /** Compiles a pattern that {@link SshCondition#checkPath} accepted. */
    static PathGlob compile(String text) {
        return new PathGlob(text, text.equals("/") ? new String[0] : text.substring(1).split("/"));
    }

    /** The pattern as written. */
    String text() {
        return text;
    }

    /** Whether the pattern has a {@code *} or {@code ?}. */
    boolean hasWildcard() {
        return wildcard;
    }

    /** Whether the absolute path made of {@code path}'s segments matches. */
    boolean matches(List<String> path, boolean ignoreCase) {
        return match(path, ignoreCase, false);
    }

    /** Whether the last segment of the pattern matches {@code name}: a program found by name may be this path. */
    boolean lastSegmentMatches(String name, boolean ignoreCase) {
        if (segments.length == 0) {
            return false;
        }
        String last = segments[segments.length - 1];
        return last.equals("**") || globMatches(last, name, ignoreCase);
    }

    /**
     * Whether some path that ends with {@code suffix} under a directory nobody knows could match:
     * the pattern's tail matches the suffix and its head any directory. An empty suffix (the
     * unknown directory itself) may match any pattern.
     */
    boolean mayMatchUnder(List<String> suffix, boolean ignoreCase) {
        return suffix.isEmpty() || match(suffix, ignoreCase, true);
    }

    /**
     * Whether some path the pattern matches lies in the directory {@code directory} or below it, or
     * is that directory: the directory read with everything under it may reach a match. With
     * {@code anyStart}, {@code directory} is the known end of a path under an unknown directory.
     */
    boolean mayMatchBelow(List<String> directory, boolean ignoreCase, boolean anyStart) {
        return match(directory, ignoreCase, anyStart, true);
    }

    /**
     * Whether the pattern matches all of {@code path}; with {@code anyStart}, whether some tail of
     * the pattern does (its head then matches the unknown directory); with {@code prefix}, whether
     * some head of the pattern does (its tail then matches what lies below). One pass over the
     * pattern, two rows of {@code path.size() + 1} flags.
     */
    private boolean match(List<String> path, boolean ignoreCase, boolean anyStart) {
        return match(path, ignoreCase, anyStart, false);
    }

    private boolean match(List<String> path, boolean ignoreCase, boolean anyStart, boolean prefix) {
        int n = path.size();
        if (prefix && n == 0) {
            return true; // the root, or a directory nobody knows, holds every path
        }
        boolean[] reach = new boolean[n + 1];
        boolean[] next = new boolean[n + 1];
        reach[0] = true;
        for (String seg : segments) {
            if (anyStart) {
                reach[0] = true; // the match may start at this segment
            }
            java.util.Arrays.fill(next, false);
            boolean any = false;
            if (seg.equals("**")) {
                boolean running = false;
                for (int j = 0; j <= n; j++) {
                    running |= reach[j];
                    next[j] = running;
                    any |= running;
                }
            } else {
                for (int j = 0; j < n; j++) {
                    if (reach[j] && globMatches(seg, path.get(j), ignoreCase)) {
                        next[j + 1] = true;
                        any = true;
                    }
                }
            }
            if (!any && !anyStart) {
                return false;
            }
            boolean[] t = reach;
            reach = next;
            next = t;
            if (prefix && reach[n]) {
                return true;
            }
        }
        return reach[n];
    }

    /**
     * For allow rules: whether every path the shell glob with segments {@code glob} (escapes kept,
     * {@code **} meaning any segments) can expand to matches. Errs towards no: a glob segment the
     * pattern does not plainly cover is not covered, and a segment that could match {@code .} or
     * {@code ..} (a leading dot or bracket) covers nothing.
     */
    boolean covers(List<String> glob) {
        for (String g : glob) {
            if (mayMatchDotEntry(g)) {
                return false;
            }
        }
        int n = glob.size();
        boolean[] reach = new boolean[n + 1];
        boolean[] next = new boolean[n + 1];
        reach[0] = true;
        for (String seg : segments) {
            java.util.Arrays.fill(next, false);
            if (seg.equals("**")) {
                boolean running = false;
                for (int j = 0; j <= n; j++) {
                    running |= reach[j];
                    next[j] = running;
                }
            } else {
                for (int j = 0; j < n; j++) {
                    if (reach[j] && segmentCovers(seg, glob.get(j))) {
                        next[j + 1] = true;
                    }
                }
            }
            boolean[] t = reach;
            reach = next;
            next = t;
        }
        return reach[n];
    }

    private static boolean segmentCovers(String pattern, String globSegment) {
        if (globSegment.equals("**")) {
            return false; // only a '**' of the pattern covers any number of segments
        }
        if (!hasShellGlob(globSegment)) {
            return globMatches(pattern, unescape(globSegment), false);
        }
        if (pattern.equals("*")) {
            return true;
        }
        // The same text with the same meaning: '*' and '?' match alike; brackets and escapes do not.
        return pattern.equals(globSegment) && globSegment.indexOf('[') < 0 && globSegment.indexOf('\\') < 0;
    }

    /**
     * For deny rules: whether some path the shell glob {@code glob} can expand to may match. Errs
     * towards yes: two wildcard segments are taken to overlap.
     */
    boolean mayOverlap(List<String> glob, boolean ignoreCase) {
        return overlap(glob, ignoreCase, false);
    }

    /**
     * For deny rules: whether some directory the shell glob {@code glob} can expand to may hold,
     * or be, a path the pattern matches. Errs towards yes.
     */
    boolean mayOverlapBelow(List<String> glob, boolean ignoreCase) {
        return overlap(glob, ignoreCase, true);
    }

    private boolean overlap(List<String> glob, boolean ignoreCase, boolean prefix) {
        // reach[i][j]: pattern segments before i and glob segments before j can meet. Row by row,
        // keeping two rows: (i, j) is reached from (i-1, j), (i, j-1) and (i-1, j-1).
        int p = segments.length;
        int n = glob.size();
        boolean[] prev = new boolean[n + 1];
        boolean[] cur = new boolean[n + 1];
        for (int i = 0; i <= p; i++) {
            boolean patternStars = i < p && segments[i].equals("**");
            boolean previousStars = i > 0 && segments[i - 1].equals("**");
            for (int j = 0; j <= n; j++) {
                boolean r = i == 0 && j == 0;
                if (!r && i > 0 && prev[j] && (previousStars || (j < n && glob.get(j).equals("**")))) {
                    r = true; // a pattern '**' ends, or a glob '**' takes the pattern segment i-1
                }
                if (!r && j > 0 && cur[j - 1] && (patternStars || glob.get(j - 1).equals("**"))) {
                    r = true; // a pattern '**' takes glob segment j-1, or a glob '**' ends
                }
                if (!r && i > 0 && j > 0 && prev[j - 1] && !previousStars && !glob.get(j - 1).equals("**")
                        && segmentsOverlap(segments[i - 1], glob.get(j - 1), ignoreCase)) {
                    r = true;
                }
                cur[j] = r;
            }
            if (prefix && cur[n]) {
                return true; // a head of the pattern meets the whole glob; its tail lies below
            }
            boolean[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[n];
    }

    private static boolean segmentsOverlap(String pattern, String globSegment, boolean ignoreCase) {
        if (!hasShellGlob(globSegment)) {
            return globMatches(pattern, unescape(globSegment), ignoreCase);
        }
        if (pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0) {
            return shellGlobMatches(globSegment, pattern, ignoreCase);
        }
        return true;
    }

    /**
     * Whether a shell glob segment could expand to {@code .} or {@code ..}, which would leave the
     * directory. A leading {@code *} or {@code ?} never matches a leading dot; a bracket may.
     */
    private static boolean mayMatchDotEntry(String globSegment) {
        if (globSegment.startsWith("*") || globSegment.startsWith("?")) {
            return false;
        }
        return shellGlobMatches(globSegment, ".", false) || shellGlobMatches(globSegment, "..", false);
    }

    /** Whether a shell glob segment has an unescaped {@code *}, {@code ?} or {@code [}. */
    static boolean hasShellGlob(String segment) {
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '*' || c == '?' || c == '[') {
                return true;
            }
        }
        return false;
    }

    /** A shell glob segment without its backslash escapes (for one without wildcards). */
    static String unescape(String segment) {
        if (segment.indexOf('\\') < 0) {
            return segment;
        }
        StringBuilder b = new StringBuilder(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '\\' && i + 1 < segment.length()) {
                c = segment.charAt(++i);
            }
            b.append(c);
        }
        return b.toString();
    }

    /** A policy glob: {@code *} any run of characters, {@code ?} one character. Iterative, linear for policy patterns. */
    static boolean globMatches(String pattern, String text, boolean ignoreCase) {
        int p = 0;
        int i = 0;
        int starP = -1;
        int starI = -1;
        int plen = pattern.length();
        int tlen = text.length();
        while (i < tlen) {
            char c = text.charAt(i);
            if (p < plen && pattern.charAt(p) == '*') {
                starP = p++;
                starI = i;
            } else if (p < plen && (pattern.charAt(p) == '?' || same(pattern.charAt(p), c, ignoreCase))) {
                p++;
                i++;
            } else if (starP >= 0) {
                p = starP + 1;
                i = ++starI;
            } else {
                return false;
            }
        }
        while (p < plen && pattern.charAt(p) == '*') {
            p++;
        }
        return p == plen;
    }

    /**
     * A shell glob segment against a name: {@code *}, {@code ?}, backslash escapes, and a bracket
     * expression taken to match any one character (so, for deny rules, it errs towards a match).
     */
    static boolean shellGlobMatches(String glob, String text, boolean ignoreCase) {
        return shellFrom(glob, 0, text, 0, ignoreCase, 0);
    }

    private static boolean shellFrom(String g, int gi, String t, int ti, boolean ignoreCase, int depth) {
        if (depth > 64) {
            return true; // far beyond real patterns; say "may match"
        }
        while (gi < g.length()) {
            char c = g.charAt(gi);
            if (c == '*') {
                while (gi < g.length() && g.charAt(gi) == '*') {
                    gi++;
                }
                if (gi == g.length()) {
                    return true;
                }
                for (int k = ti; k <= t.length(); k++) {
                    if (shellFrom(g, gi, t, k, ignoreCase, depth + 1)) {
                        return true;
                    }
                }
                return false;
            }
            if (ti >= t.length()) {
                return false;
            }
            if (c == '?') {
                gi++;
                ti++;
            } else if (c == '[') {
                int close = g.indexOf(']', gi + 2);
                gi = close < 0 ? g.length() : close + 1;
                ti++;
            } else {
                if (c == '\\' && gi + 1 < g.length()) {
                    c = g.charAt(++gi);
                }
                if (!same(c, t.charAt(ti), ignoreCase)) {
                    return false;
                }
                gi++;
                ti++;
            }
        }
        return ti == t.length();
    }

    private static boolean same(char a, char b, boolean ignoreCase) {
        return a == b || (ignoreCase && Character.toLowerCase(a) == Character.toLowerCase(b));
    }

    @Override
    public String toString() {
        return text;
    }
}
