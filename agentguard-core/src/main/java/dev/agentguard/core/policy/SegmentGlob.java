package dev.agentguard.core.policy;

import java.util.regex.Pattern;

/**
 * A compiled, case-insensitive glob over a name made of segments, such as a host
 * ({@code api.example.com}, segments separated by {@code .}) or a path ({@code /v1/orders/42},
 * separated by {@code /}). The whole name must match.
 * <ul>
 *   <li>{@code *} matches any run of characters within one segment, {@code ?} one character;</li>
 *   <li>{@code **} matches across segments; {@code /**} at the end of a path pattern matches the
 *       path before it too ({@code /admin/**} matches {@code /admin}), {@code /**}{@code /} in the
 *       middle zero or more segments, and {@code **.} at the start of a host pattern the domain
 *       itself or any subdomain ({@code **.example.com} matches {@code example.com}).</li>
 * </ul>
 * Case-insensitive for paths too: a server that ignores case must not let {@code /ADMIN} past a
 * deny rule on {@code /admin/**}.
 *
 * <p>Path globs have a second, wider reading for deny and require-approval rules,
 * {@link #matchesIgnoringTrailingSlash}: many servers (Spring MVC before 6, Express, Rails)
 * route {@code /v1/refunds/} as {@code /v1/refunds}, so a rule on one must see the other. Allow
 * rules keep {@link #matches}: a server may route the other form elsewhere.
 */
final class SegmentGlob {

    /** The longest pattern accepted; real patterns are a few dozen characters. */
    static final int MAX_LENGTH = 500;

    private final String text;
    private final Pattern regex;
    private final Pattern regexIgnoringTrailingSlash;

    private SegmentGlob(String text, Pattern regex, Pattern regexIgnoringTrailingSlash) {
        this.text = text;
        this.regex = regex;
        this.regexIgnoringTrailingSlash = regexIgnoringTrailingSlash;
    }

    /**
     * Compiles {@code text}, whose segments are separated by {@code separator}. The caller has
     * checked the characters.
     */
    static SegmentGlob compile(String text, char separator) {
        Pattern exact = Pattern.compile(regex(text, separator), Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
        Pattern lenient = exact;
        if (separator == '/' && !text.endsWith("/**")) {
            String bare = text.length() > 1 && text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
            lenient = Pattern.compile(regex(bare, separator) + "/?", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
        }
        return new SegmentGlob(text, exact, lenient);
    }

    private static String regex(String text, char separator) {
        StringBuilder re = new StringBuilder(text.length() + 16);
        String sep = Pattern.quote(String.valueOf(separator));
        String notSep = "[^" + (separator == '/' ? "/" : "\\.") + "]";
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            boolean sepStarStar = c == separator && i + 2 < n && text.startsWith("**", i + 1);
            if (sepStarStar && i + 3 == n) {
                re.append("(?:").append(sep).append(".*)?");
                i += 3;
            } else if (sepStarStar && text.charAt(i + 3) == separator) {
                re.append(sep).append("(?:.*").append(sep).append(")?");
                i += 4;
            } else if (i == 0 && text.startsWith("**", 0) && n > 2 && text.charAt(2) == separator) {
                re.append("(?:.*").append(sep).append(")?");
                i += 3;
            } else if (c == '*' && i + 1 < n && text.charAt(i + 1) == '*') {
                re.append(".*");
                i += 2;
            } else if (c == '*') {
                re.append(notSep).append('*');
                i++;
            } else if (c == '?') {
                re.append(notSep);
                i++;
            } else {
                int j = i;
                while (j < n && text.charAt(j) != '*' && text.charAt(j) != '?'
                        && !(text.charAt(j) == separator && j > i && text.startsWith("**", j + 1))) {
                    j++;
                }
                if (j == i) {
                    j = i + 1;
                }
                re.append(Pattern.quote(text.substring(i, j)));
                i = j;
            }
        }
        return re.toString();
    }

    /** Whether the whole name matches. */
    boolean matches(String name) {
        return regex.matcher(name).matches();
    }

    /**
     * For a path glob: whether {@code path} matches with or without one trailing {@code /} on
     * either side ({@code /v1/refunds} matches {@code /v1/refunds/} and the reverse). For a host
     * glob, as {@link #matches}.
     */
    boolean matchesIgnoringTrailingSlash(String path) {
        return regexIgnoringTrailingSlash.matcher(path).matches();
    }

    /** Whether the pattern has a {@code *} or {@code ?}. */
    boolean hasWildcard() {
        return text.indexOf('*') >= 0 || text.indexOf('?') >= 0;
    }

    /** The pattern as written. */
    String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
