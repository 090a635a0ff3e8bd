package dev.agentguard.core.policy;

import dev.agentguard.core.action.HttpAction;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An {@link HttpCondition} compiled at policy build: globs parsed once. Two readings, as
 * {@link HttpCondition} documents: {@link #touches} for deny and require-approval rules (any
 * overlap; an unknown value satisfies the condition on it), {@link #confines} for allow rules
 * (the request stays within the lists; an unknown value satisfies nothing).
 *
 * <p>A request may reach more than one path and run more than one method: its path with and
 * without {@code ;parameters} ({@link HttpAction#routedPaths()}), with and without a trailing
 * {@code /}, and the methods its override headers and {@code _method} parameter name. Touching
 * takes any of them, confining needs all of them, and a trailing {@code /} is only overlooked
 * by touching.
 */
final class CompiledHttpCondition {

    /** The longest JSON field value read as a number; longer text is "not a number". */
    private static final int MAX_NUMBER_LENGTH = 100;

    private final String[] methods;
    private final String[] schemes;
    private final SegmentGlob[] hosts;
    private final int[] ports;
    private final SegmentGlob[] paths;
    private final NamePattern[] queryParameters;
    private final Map<String, String> queryEquals;
    private final NamePattern[] headers;
    private final long maxBodySize; // -1: unset
    private final long bodySizeOver; // -1: unset
    private final HttpCondition.JsonField jsonField;

    CompiledHttpCondition(HttpCondition c) {
        this.methods = c.methods().toArray(new String[0]);
        this.schemes = c.schemes().toArray(new String[0]);
        this.hosts = globs(c.hosts(), '.');
        this.ports = c.ports().stream().mapToInt(Integer::intValue).toArray();
        this.paths = globs(c.paths(), '/');
        this.queryParameters = names(c.queryParameters());
        this.queryEquals = c.queryEquals();
        this.headers = names(c.headers());
        this.maxBodySize = c.maxBodySize() == null ? -1 : c.maxBodySize();
        this.bodySizeOver = c.bodySizeOver() == null ? -1 : c.bodySizeOver();
        this.jsonField = c.jsonField();
    }

    /** Deny and require-approval reading: every set condition holds, lists match on any overlap. */
    boolean touches(HttpAction a) {
        if (methods.length > 0 && !anyMethodListed(a)) {
            return false;
        }
        if (!target(a)) {
            return false;
        }
        if (paths.length > 0 && !a.pathEscapes() && touchingPath(a) == null) {
            return false;
        }
        if (queryParameters.length > 0 && !anyNameMatches(queryParameters, a.queryParameters().keySet())) {
            return false;
        }
        if (!queryEquals.isEmpty() && !anyValueEquals(a)) {
            return false;
        }
        if (headers.length > 0 && !anyNameMatches(headers, a.headerNames())) {
            return false;
        }
        if (a.bodySizeKnown()) {
            if (maxBodySize >= 0 && a.bodySize() > maxBodySize) {
                return false;
            }
            if (bodySizeOver >= 0 && a.bodySize() <= bodySizeOver) {
                return false;
            }
        }
        if (jsonField != null) {
            BigDecimal value = number(a.jsonFields().get(jsonField.field()));
            return value == null || jsonField.holds(value);
        }
        return true;
    }

    /** Allow reading: every set condition holds and the request stays within every list. */
    boolean confines(HttpAction a) {
        if (a.pathEscapes() || (methods.length > 0 && !everyMethodListed(a)) || !target(a)) {
            return false;
        }
        if (paths.length > 0 && !everyPathMatches(a)) {
            return false;
        }
        if ((queryParameters.length > 0 || !queryEquals.isEmpty()) && !queryConfined(a)) {
            return false;
        }
        if (headers.length > 0 && !allNamesMatch(headers, a.headerNames())) {
            return false;
        }
        if (maxBodySize >= 0 || bodySizeOver >= 0) {
            if (!a.bodySizeKnown() || (maxBodySize >= 0 && a.bodySize() > maxBodySize)
                    || (bodySizeOver >= 0 && a.bodySize() <= bodySizeOver)) {
                return false;
            }
        }
        if (jsonField != null) {
            BigDecimal value = number(a.jsonFields().get(jsonField.field()));
            return value != null && jsonField.holds(value);
        }
        return true;
    }

    /** Scheme, host and port: single known values, read the same by every kind of rule. */
    private boolean target(HttpAction a) {
        if (schemes.length > 0 && !contains(schemes, a.scheme())) {
            return false;
        }
        if (hosts.length > 0 && !anyMatch(hosts, a.host())) {
            return false;
        }
        if (ports.length > 0) {
            for (int p : ports) {
                if (p == a.port()) {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    /** Whether the request's method, or a method it overrides it with, is listed; an unknown override is. */
    private boolean anyMethodListed(HttpAction a) {
        if (contains(methods, a.method()) || a.methodOverrideUnknown()) {
            return true;
        }
        for (String m : a.methodOverrides()) {
            if (contains(methods, m)) {
                return true;
            }
        }
        List<String> named = a.queryParameters().get(HttpAction.METHOD_PARAMETER);
        if (named != null) {
            for (String m : named) {
                if (containsIgnoringCase(methods, m.strip())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the request's method and every method it overrides it with are listed; an unknown override is not. */
    private boolean everyMethodListed(HttpAction a) {
        if (!contains(methods, a.method()) || a.methodOverrideUnknown()) {
            return false;
        }
        for (String m : a.methodOverrides()) {
            if (!contains(methods, m)) {
                return false;
            }
        }
        List<String> named = a.queryParameters().get(HttpAction.METHOD_PARAMETER);
        if (named != null) {
            for (String m : named) {
                if (!containsIgnoringCase(methods, m.strip())) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The first path pattern that the request's path or one of its routed paths matches, a
     * trailing {@code /} overlooked; {@code null} when none does.
     */
    private SegmentGlob touchingPath(HttpAction a) {
        for (SegmentGlob p : paths) {
            if (p.matchesIgnoringTrailingSlash(a.path())) {
                return p;
            }
            for (String routed : a.routedPaths()) {
                if (p.matchesIgnoringTrailingSlash(routed)) {
                    return p;
                }
            }
        }
        return null;
    }

    /** Whether the path and every routed path match a pattern exactly. */
    private boolean everyPathMatches(HttpAction a) {
        if (!anyMatch(paths, a.path())) {
            return false;
        }
        for (String routed : a.routedPaths()) {
            if (!anyMatch(paths, routed)) {
                return false;
            }
        }
        return true;
    }

    /** Every parameter is listed, and every queryEquals parameter is present with only its value. */
    private boolean queryConfined(HttpAction a) {
        Map<String, List<String>> query = a.queryParameters();
        for (String name : query.keySet()) {
            if (!queryEquals.containsKey(name) && !anyName(queryParameters, name)) {
                return false;
            }
        }
        for (Map.Entry<String, String> e : queryEquals.entrySet()) {
            List<String> values = query.get(e.getKey());
            if (values == null) {
                return false;
            }
            for (String v : values) {
                if (!v.equals(e.getValue())) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean anyValueEquals(HttpAction a) {
        for (Map.Entry<String, String> e : queryEquals.entrySet()) {
            List<String> values = a.queryParameters().get(e.getKey());
            if (values != null && values.contains(e.getValue())) {
                return true;
            }
        }
        return false;
    }

    /**
     * What the condition matched beyond the request line, for a deny or approval reason: the
     * path pattern, the query parameters and headers by name, the body size, the JSON field's
     * bound. Never a query value or a field's value.
     */
    void describeMatch(StringBuilder b, HttpAction a) {
        if (methods.length > 0 && !contains(methods, a.method())) {
            if (a.methodOverrideUnknown()) {
                b.append(" with a method-override header naming no readable method");
            } else {
                b.append(" overridden to ").append(overridingMethod(a));
            }
        }
        if (paths.length > 0) {
            if (a.pathEscapes()) {
                b.append(" with a path that climbs above the root");
            } else {
                SegmentGlob p = touchingPath(a);
                if (p != null) {
                    b.append(" path ").append(p.text());
                }
            }
        }
        if (queryParameters.length > 0) {
            Set<String> touched = new TreeSet<>();
            for (String name : a.queryParameters().keySet()) {
                if (anyName(queryParameters, name)) {
                    touched.add(name);
                }
            }
            CompiledRule.appendList(b, "; query parameter ", "; query parameters ", touched);
        }
        if (!queryEquals.isEmpty()) {
            Set<String> touched = new TreeSet<>();
            for (Map.Entry<String, String> e : queryEquals.entrySet()) {
                List<String> values = a.queryParameters().get(e.getKey());
                if (values != null && values.contains(e.getValue())) {
                    touched.add(e.getKey());
                }
            }
            CompiledRule.appendList(b, "; listed value of query parameter ", "; listed values of query parameters ",
                    touched);
        }
        if (headers.length > 0) {
            Set<String> touched = new TreeSet<>();
            for (String name : a.headerNames()) {
                if (anyName(headers, name)) {
                    touched.add(name);
                }
            }
            CompiledRule.appendList(b, "; header ", "; headers ", touched);
        }
        if (maxBodySize >= 0 || bodySizeOver >= 0) {
            if (a.bodySizeKnown()) {
                b.append("; body of ").append(a.bodySize()).append(a.bodySize() == 1 ? " byte" : " bytes");
            } else {
                b.append("; body of unknown size");
            }
        }
        if (jsonField != null) {
            b.append("; ").append(jsonField.describe());
            if (number(a.jsonFields().get(jsonField.field())) == null) {
                b.append(" (missing or not a number)");
            }
        }
    }

    /** The listed method a method override names, for a reason; only ever a method token. */
    private String overridingMethod(HttpAction a) {
        for (String m : a.methodOverrides()) {
            if (contains(methods, m)) {
                return m;
            }
        }
        List<String> named = a.queryParameters().get(HttpAction.METHOD_PARAMETER);
        if (named != null) {
            for (String m : named) {
                for (String listed : methods) {
                    if (listed.equalsIgnoreCase(m.strip())) {
                        return listed + " (" + HttpAction.METHOD_PARAMETER + ")";
                    }
                }
            }
        }
        return "a listed method";
    }

    /** The value as a number, or {@code null} when it is missing or not one. */
    static BigDecimal number(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_NUMBER_LENGTH) {
            return null;
        }
        try {
            BigDecimal d = new BigDecimal(value.strip());
            // Refuse exponents that would make comparisons expensive; real amounts are plain.
            return Math.abs(d.scale()) > 1000 ? null : d;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean contains(String[] values, String v) {
        for (String s : values) {
            if (s.equals(v)) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsIgnoringCase(String[] values, String v) {
        for (String s : values) {
            if (s.equalsIgnoreCase(v)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyMatch(SegmentGlob[] globs, String name) {
        for (SegmentGlob g : globs) {
            if (g.matches(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyName(NamePattern[] patterns, String name) {
        for (NamePattern p : patterns) {
            if (p.matches(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyNameMatches(NamePattern[] patterns, Set<String> names) {
        for (String n : names) {
            if (anyName(patterns, n)) {
                return true;
            }
        }
        return false;
    }

    private static boolean allNamesMatch(NamePattern[] patterns, Set<String> names) {
        for (String n : names) {
            if (!anyName(patterns, n)) {
                return false;
            }
        }
        return true;
    }

    private static SegmentGlob[] globs(List<String> patterns, char separator) {
        SegmentGlob[] out = new SegmentGlob[patterns.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = SegmentGlob.compile(patterns.get(i), separator);
        }
        return out;
    }

    private static NamePattern[] names(List<String> patterns) {
        NamePattern[] out = new NamePattern[patterns.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = NamePattern.compile("name pattern", patterns.get(i), 1, false);
        }
        return out;
    }
}
