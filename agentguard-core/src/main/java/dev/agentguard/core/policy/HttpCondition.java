package dev.agentguard.core.policy;

import dev.agentguard.core.action.HttpAction;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a rule matches in an HTTP request. Every condition that is set must hold; an unset
 * condition (an empty list, a {@code null} value) does not constrain.
 *
 * <p>Hosts and paths are case-insensitive globs ({@link SegmentGlob}): {@code *} within a
 * segment, {@code **} across segments — {@code *.example.com}, {@code /v1/orders/**}. Query
 * parameter and header names are case-insensitive globs over the whole name. A host without
 * wildcards is kept in the canonical form requests are compared in
 * ({@link HttpAction#canonicalHost}): {@code [0:0:0:0:0:0:0:1]} becomes {@code ::1},
 * {@code ::ffff:127.0.0.1} becomes {@code 127.0.0.1}.
 *
 * <p>Deny and require-approval rules see every path and method a request may reach a server
 * as: its path with and without {@code ;parameters} and a trailing {@code /}, and the methods
 * its method-override headers and {@code _method} query parameter name. Allow rules must cover
 * all of them, and do not overlook a trailing {@code /}.
 *
 * <p>As for SQL, each kind of rule reads the conditions in the direction that fails closed:
 * <ul>
 *   <li>deny and require-approval rules match a request that has <em>any</em> listed query
 *       parameter or header, or any listed value of a parameter in {@code queryEquals}; a value
 *       that is unknown — a path that climbs above the root, a body of unknown size, a JSON field
 *       that is missing or not a number — satisfies the condition on it;</li>
 *   <li>allow rules match a request that stays <em>within</em> the lists: every query parameter
 *       it has is listed in {@code queryParameters} or {@code queryEquals} (when either is set),
 *       every parameter of {@code queryEquals} is present with only that value, and every header
 *       it has is listed in {@code headers} (when set). An unknown value never satisfies a
 *       condition on it, and no allow rule matches a request whose path climbs above the
 *       root.</li>
 * </ul>
 *
 * @param methods         request methods, upper case ({@code GET}, {@code POST})
 * @param schemes         {@code http}, {@code https}
 * @param hosts           host globs, e.g. {@code api.example.com}, {@code *.example.com}; IP addresses
 *                        without wildcards in canonical form
 * @param ports           ports, 1 to 65535 (a request without a port has its scheme's default)
 * @param paths           path globs starting with {@code /}, e.g. {@code /v1/orders/**}
 * @param queryParameters query parameter names (globs)
 * @param queryEquals     query parameter name → the exact value
 * @param headers         header names (globs)
 * @param maxBodySize     the request body is at most this many bytes
 * @param bodySizeOver    the request body is larger than this many bytes
 * @param jsonField       a numeric comparison on a field of a JSON body, or {@code null}
 */
public record HttpCondition(List<String> methods, List<String> schemes, List<String> hosts, List<Integer> ports,
                            List<String> paths, List<String> queryParameters, Map<String, String> queryEquals,
                            List<String> headers, Long maxBodySize, Long bodySizeOver, JsonField jsonField)
        implements ChannelCondition {

    private static final Pattern SHOWABLE_PATTERN = Pattern.compile("[A-Za-z0-9_ .:*?/{}\\[\\]-]{1,80}");
    private static final Pattern METHOD = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,32}");
    private static final Pattern HOST_PATTERN = Pattern.compile("[A-Za-z0-9._~:%*?\\[\\]-]{1,253}");
    private static final Pattern PATH_PATTERN = Pattern.compile("/[^\\s?#]{0," + (SegmentGlob.MAX_LENGTH - 1) + "}");

    /** The condition that constrains nothing: every request whose path stays under the root. */
    public static final HttpCondition ANY = builder().build();

    public HttpCondition {
        methods = methods(methods);
        schemes = schemes(schemes);
        hosts = hosts(hosts);
        ports = ports(ports);
        paths = paths(paths);
        queryParameters = names("query parameter pattern", queryParameters);
        queryEquals = queryEquals(queryEquals);
        headers = names("header pattern", headers);
        if (maxBodySize != null && maxBodySize < 0) {
            throw new IllegalArgumentException("maxBodySize must be 0 or more bytes, got " + maxBodySize);
        }
        if (bodySizeOver != null && bodySizeOver < 0) {
            throw new IllegalArgumentException("bodySizeOver must be 0 or more bytes, got " + bodySizeOver);
        }
        if (maxBodySize != null && bodySizeOver != null && maxBodySize <= bodySizeOver) {
            throw new IllegalArgumentException("maxBodySize " + maxBodySize + " is not above bodySizeOver "
                    + bodySizeOver + ", so no request could match; raise maxBodySize or lower bodySizeOver");
        }
    }

    /** Starts an empty condition. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public boolean isEmpty() {
        return methods.isEmpty() && schemes.isEmpty() && hosts.isEmpty() && ports.isEmpty() && paths.isEmpty()
                && queryParameters.isEmpty() && queryEquals.isEmpty() && headers.isEmpty() && maxBodySize == null
                && bodySizeOver == null && jsonField == null;
    }

    /** Whether the condition looks at the body's size. */
    public boolean constrainsBodySize() {
        return maxBodySize != null || bodySizeOver != null;
    }

    /**
     * A numeric comparison on a field of a JSON request body, as the HTTP channel extracted it
     * ({@code amount}). At least one bound is set; with both, the value must lie between them.
     *
     * @param field  the field's name as the channel extracts it
     * @param over   the value is greater than this, or {@code null}
     * @param atMost the value is at most this, or {@code null}
     */
    public record JsonField(String field, BigDecimal over, BigDecimal atMost) {

        public JsonField {
            Objects.requireNonNull(field, "field");
            field = field.strip();
            if (field.isEmpty() || field.length() > 200) {
                throw new IllegalArgumentException("jsonField field must be a field name of 1 to 200 characters, "
                        + "such as amount");
            }
            if (over == null && atMost == null) {
                throw new IllegalArgumentException("jsonField " + PolicyFileReader.shown(field) + " needs a "
                        + "bound: over (the value is greater) or atMost (the value is at most)");
            }
            if (over != null && atMost != null && atMost.compareTo(over) <= 0) {
                throw new IllegalArgumentException("jsonField " + PolicyFileReader.shown(field) + ": atMost "
                        + atMost.toPlainString() + " is not above over " + over.toPlainString()
                        + ", so no value could match; raise atMost or lower over");
            }
        }

        /** The field is greater than {@code over}. */
        public static JsonField over(String field, String over) {
            return new JsonField(field, new BigDecimal(Objects.requireNonNull(over, "over")), null);
        }

        /** The field is at most {@code atMost}. */
        public static JsonField atMost(String field, String atMost) {
            return new JsonField(field, null, new BigDecimal(Objects.requireNonNull(atMost, "atMost")));
        }

        /** Whether {@code value} satisfies the bounds. */
        boolean holds(BigDecimal value) {
            return (over == null || value.compareTo(over) > 0) && (atMost == null || value.compareTo(atMost) <= 0);
        }

        /** {@code amount over 100}, {@code amount at most 100}, {@code amount over 0 and at most 100}. */
        String describe() {
            StringBuilder b = new StringBuilder("JSON field ").append(field);
            if (over != null) {
                b.append(" over ").append(over.toPlainString());
            }
            if (atMost != null) {
                b.append(over != null ? " and at most " : " at most ").append(atMost.toPlainString());
            }
            return b.toString();
        }
    }

    private static List<String> methods(List<String> values) {
        if (values == null || values.isEmpty()) {
            return List.of();
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String v : values) {
            out.add(checkMethod(v));
        }
        return List.copyOf(out);
    }

    /** Checks a method name; returns it stripped and upper case. */
    static String checkMethod(String v) {
        Objects.requireNonNull(v, "methods must not contain null");
        String m = v.strip();
        if (!METHOD.matcher(m).matches()) {
            throw new IllegalArgumentException("HTTP method " + PolicyFileReader.shown(m) + " is not a method "
                    + "name; write methods such as GET, POST, PUT, PATCH or DELETE");
        }
        return m.toUpperCase(Locale.ROOT);
    }

    private static List<String> schemes(List<String> values) {
        if (values == null || values.isEmpty()) {
            return List.of();
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String v : values) {
            out.add(checkScheme(v));
        }
        return List.copyOf(out);
    }

    /** Checks a scheme; returns it stripped and lower case. */
    static String checkScheme(String v) {
        Objects.requireNonNull(v, "schemes must not contain null");
        String s = v.strip().toLowerCase(Locale.ROOT);
        if (!s.equals("http") && !s.equals("https")) {
            throw new IllegalArgumentException("unknown scheme " + PolicyFileReader.shown(v.strip())
                    + "; allowed: http, https");
        }
        return s;
    }

    private static List<String> hosts(List<String> values) {
        if (values == null || values.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>(values.size());
        for (String v : values) {
            out.add(checkHost(v));
        }
        return List.copyOf(out);
    }

    /** Checks a host pattern; returns it stripped and lower case. */
    static String checkHost(String v) {
        Objects.requireNonNull(v, "hosts must not contain null");
        String h = v.strip().toLowerCase(Locale.ROOT);
        if (h.isEmpty()) {
            throw new IllegalArgumentException("host pattern must not be empty; remove the entry or write a host "
                    + "such as api.example.com");
        }
        if (h.contains("/") || h.contains("://")) {
            throw new IllegalArgumentException("host pattern " + shownPattern(v.strip()) + " is not a host: write "
                    + "the host alone (api.example.com), and the scheme, port and path in schemes, ports and paths");
        }
        if (!HOST_PATTERN.matcher(h).matches() || h.startsWith(".") || h.endsWith(".") || h.contains("..")) {
            throw new IllegalArgumentException("host pattern " + shownPattern(v.strip()) + " is not allowed: use "
                    + "host names of letters, digits, '-' and single dots, with * for one label and ** for several, "
                    + "such as *.example.com");
        }
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.indexOf('*') < 0 && h.indexOf('?') < 0) {
            // Requests are compared in canonical form: a rule on ::1 must match [0:0:0:0:0:0:0:1].
            try {
                h = HttpAction.canonicalHost(h);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("host pattern " + shownPattern(v.strip()) + " is not allowed: "
                        + e.getMessage());
            }
        }
        return h;
    }

    private static List<Integer> ports(List<Integer> values) {
        if (values == null || values.isEmpty()) {
            return List.of();
        }
        LinkedHashSet<Integer> out = new LinkedHashSet<>();
        for (Integer p : values) {
            Objects.requireNonNull(p, "ports must not contain null");
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("port " + p + " is not a TCP port; use 1 to 65535");
            }
            out.add(p);
        }
        return List.copyOf(out);
    }

    private static List<String> paths(List<String> values) {
        if (values == null || values.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>(values.size());
        for (String v : values) {
            out.add(checkPath(v));
        }
        return List.copyOf(out);
    }

    /** Checks a path pattern; returns it stripped. */
    static String checkPath(String v) {
        Objects.requireNonNull(v, "paths must not contain null");
        String p = v.strip();
        if (!PATH_PATTERN.matcher(p).matches()) {
            throw new IllegalArgumentException("path pattern " + shownPattern(p) + " is not allowed: a path "
                    + "pattern starts with '/', has no spaces, '?' query or '#' fragment and is at most "
                    + SegmentGlob.MAX_LENGTH + " characters, such as /v1/orders/**");
        }
        for (String segment : p.split("/", -1)) {
            if (segment.equals("..") || segment.equals(".")) {
                throw new IllegalArgumentException("path pattern " + shownPattern(p) + " has a '"
                        + segment + "' segment; requests are matched after their paths are normalised, so write the "
                        + "path without dot segments");
            }
        }
        return p;
    }

    private static List<String> names(String what, List<String> values) {
        if (values == null || values.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>(values.size());
        for (String v : values) {
            out.add(NamePattern.compile(what, v, 1, false).text());
        }
        return List.copyOf(out);
    }

    private static Map<String, String> queryEquals(Map<String, String> values) {
        if (values == null || values.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "queryEquals must not have a null name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("queryEquals must not have an empty parameter name");
            }
            out.put(name.strip(), Objects.requireNonNull(e.getValue(), "queryEquals value of a parameter must not be null"));
        }
        return Collections.unmodifiableMap(out);
    }

    /** A path or host pattern quoted for a message when it is short and plain; otherwise described. */
    static String shownPattern(String value) {
        if (SHOWABLE_PATTERN.matcher(value).matches() && value.chars().filter(Character::isDigit).count() < 12) {
            return "\"" + value + "\"";
        }
        return "(a value not shown here)";
    }

    /** Builds an {@link HttpCondition}; each setter replaces what it sets. */
    public static final class Builder {
        private List<String> methods = List.of();
        private List<String> schemes = List.of();
        private List<String> hosts = List.of();
        private List<Integer> ports = List.of();
        private List<String> paths = List.of();
        private List<String> queryParameters = List.of();
        private final Map<String, String> queryEquals = new LinkedHashMap<>();
        private List<String> headers = List.of();
        private Long maxBodySize;
        private Long bodySizeOver;
        private JsonField jsonField;

        private Builder() {
        }

        public Builder methods(String... methods) {
            this.methods = list("methods", methods);
            return this;
        }

        public Builder schemes(String... schemes) {
            this.schemes = list("schemes", schemes);
            return this;
        }

        public Builder hosts(String... patterns) {
            this.hosts = list("hosts", patterns);
            return this;
        }

        public Builder ports(int... ports) {
            List<Integer> out = new ArrayList<>(ports.length);
            for (int p : ports) {
                out.add(p);
            }
            this.ports = List.copyOf(out);
            return this;
        }

        public Builder paths(String... patterns) {
            this.paths = list("paths", patterns);
            return this;
        }

        /** Query parameter names (globs): present (deny, approval) or the only ones allowed (allow). */
        public Builder queryParameters(String... names) {
            this.queryParameters = list("queryParameters", names);
            return this;
        }

        /** Adds a query parameter that has exactly {@code value}. */
        public Builder queryEquals(String name, String value) {
            Objects.requireNonNull(name, "queryEquals name");
            Objects.requireNonNull(value, "queryEquals value");
            this.queryEquals.put(name, value);
            return this;
        }

        /** Header names (globs): present (deny, approval) or the only ones allowed (allow). */
        public Builder headers(String... names) {
            this.headers = list("headers", names);
            return this;
        }

        /** The body is at most {@code bytes}; {@code null} unsets. */
        public Builder maxBodySize(Long bytes) {
            this.maxBodySize = bytes;
            return this;
        }

        /** The body is larger than {@code bytes}; {@code null} unsets. */
        public Builder bodySizeOver(Long bytes) {
            this.bodySizeOver = bytes;
            return this;
        }

        /** A numeric comparison on a JSON body field; {@code null} unsets. */
        public Builder jsonField(JsonField jsonField) {
            this.jsonField = jsonField;
            return this;
        }

        public HttpCondition build() {
            return new HttpCondition(methods, schemes, hosts, ports, paths, queryParameters, queryEquals, headers,
                    maxBodySize, bodySizeOver, jsonField);
        }

        private static List<String> list(String what, String... values) {
            for (String v : values) {
                Objects.requireNonNull(v, what + " must not contain null");
            }
            return List.of(values);
        }
    }
}
