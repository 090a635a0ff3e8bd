package dev.agentguard.core.action;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One HTTP request, as the policy sees it. Normalised in the constructor: the method upper
 * case, scheme lower case, the host in its canonical form ({@link #canonicalHost}), the port
 * explicit (443 for https, 80 for http when none was given), the path with {@code .} segments
 * and empty segments removed and {@code ..} segments resolved.
 *
 * <p>A dot segment with path parameters ({@code ..;x}, read as {@code ..} by some servers) counts
 * as a dot segment. A path whose {@code ..} segments climb above the root ({@code /a/../../admin}),
 * or that has a {@code ..} separated by a backslash ({@code /a/..\admin}, which some servers
 * read as a separator), cannot be resolved the way every server would resolve it: it is kept as
 * given and flagged with
 * {@link #pathEscapes()}. No allow rule matches such a request, and deny and require-approval
 * rules with a path condition always do (fail closed).
 *
 * <p>Servlet containers and the frameworks on them drop {@code ;parameters} from every path
 * segment before they route ({@code /admin;x/users} reaches {@code /admin/users}); other servers
 * keep them. {@link #routedPaths()} holds the paths a server may route the request to besides
 * {@link #path()}: deny and require-approval rules match when any of them matches, allow rules
 * only when all do. The journal names {@code path}, as the agent wrote it.
 *
 * <p>Some frameworks run the method a method-override header names instead of the request's
 * ({@code POST} with {@code X-HTTP-Method-Override: DELETE} deletes), or that a {@code _method}
 * query parameter names. {@link #methodOverrides()} holds the methods the headers name; rules
 * decide on them too.
 *
 * @param method          the request method, upper case ({@code GET})
 * @param scheme          {@code http} or {@code https}
 * @param host            the host in its canonical form: lower case, without brackets for IPv6 or a
 *                        trailing dot, an IP address in one text form ({@link #canonicalHost})
 * @param port            the port, 1 to 65535; {@code -1} in the constructor means the scheme's default
 * @param path            the decoded path, starting with {@code /}, normalised unless {@code pathEscapes};
 *                        its path parameters ({@code ;x}) kept
 * @param pathEscapes     whether the path, or one of its routed forms, tried to climb above the root; then
 *                        {@code path} is as given and {@code routedPaths} is empty
 * @param routedPaths     the other normalised paths a server may route the request to: {@code path} with
 *                        the {@code ;parameters} of its segments removed, before and after percent-decoding;
 *                        empty when there are none. The constructor adds the forms it can derive from
 *                        {@code path}; {@link #of} also gives those of the still-encoded path
 * @param queryParameters decoded query parameters, name → values in order; names are case-sensitive
 * @param headerNames     the names of the headers the request carries, lower case
 * @param methodOverrides the methods, upper case, that the request's method-override headers name
 *                        ({@link #isMethodOverrideHeader}); empty when it has none or their values were
 *                        not given (see {@link #methodOverrideUnknown()})
 * @param bodySize        the request body's size in bytes; {@code -1} when unknown (a streaming body)
 * @param jsonFields      values the channel extracted from a JSON body for amount-style conditions,
 *                        field name → the value as text; empty when none were extracted
 */
public record HttpAction(String method, String scheme, String host, int port, String path, boolean pathEscapes,
                         List<String> routedPaths, Map<String, List<String>> queryParameters, Set<String> headerNames,
                         Set<String> methodOverrides, long bodySize, Map<String, String> jsonFields)
        implements ActionDetail {

    /** The body size of a request whose body length is not known in advance. */
    public static final long UNKNOWN_SIZE = -1;

    /** RFC 9110 token characters. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,32}");
    private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,200}");

    /**
     * Headers that common frameworks (Rack, Spring, ASP.NET Core, Symfony, Laravel, Google APIs)
     * read as the method to run instead of the request's, lower case. Servers that read headers
     * through CGI variables take {@code _} for {@code -}, so {@link #isMethodOverrideHeader} does too.
     */
    public static final Set<String> METHOD_OVERRIDE_HEADERS = Set.of("x-http-method-override", "x-http-method",
            "x-method-override");

    /** The query parameter that Symfony, Laravel and Spring's {@code HiddenHttpMethodFilter} read as the method. */
    public static final String METHOD_PARAMETER = "_method";

    public HttpAction {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(path, "path");
        if (!TOKEN.matcher(method).matches()) {
            throw new IllegalArgumentException("HTTP method must be a token of 1 to 32 letters, digits or !#$%&'*+.^_`|~-, "
                    + "such as GET or POST");
        }
        method = method.toUpperCase(Locale.ROOT);
        scheme = scheme.toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("HTTP scheme must be http or https; other schemes do not go through "
                    + "the HTTP channel");
        }
        host = CanonicalHost.checked(host, "HTTP");
        if (port == -1) {
            port = defaultPort(scheme);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("HTTP port must be 1 to 65535, or -1 for the scheme's default, got " + port);
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("HTTP path must start with '/'; use \"/\" for a request without a path");
        }
        String normal = normalise(path);
        boolean escapes = pathEscapes || normal == null;
        Set<String> forms = new LinkedHashSet<>();
        if (!escapes) {
            forms.add(withoutParameters(normal));
        }
        if (routedPaths != null) {
            for (String p : routedPaths) {
                Objects.requireNonNull(p, "routedPaths must not contain null");
                if (!p.startsWith("/")) {
                    throw new IllegalArgumentException("every routed path must start with '/'");
                }
                String n = normalise(p);
                if (n == null) {
                    escapes = true;
                } else {
                    forms.add(n);
                    forms.add(withoutParameters(n));
                }
            }
        }
        if (escapes) {
            pathEscapes = true;
            routedPaths = List.of();
        } else {
            path = normal;
            forms.remove(normal);
            routedPaths = List.copyOf(forms);
        }
        queryParameters = copyQuery(queryParameters);
        headerNames = copyHeaders(headerNames);
        methodOverrides = copyMethods(methodOverrides);
        if (bodySize < UNKNOWN_SIZE) {
            throw new IllegalArgumentException("bodySize must be -1 (unknown) or 0 or more, got " + bodySize);
        }
        jsonFields = copyFields(jsonFields);
    }

    /**
     * A request whose routed paths are those derived from {@code path} and whose header values are
     * not known: a method-override header among {@code headerNames} makes
     * {@link #methodOverrideUnknown()}.
     */
    public HttpAction(String method, String scheme, String host, int port, String path, boolean pathEscapes,
                      Map<String, List<String>> queryParameters, Set<String> headerNames, long bodySize,
                      Map<String, String> jsonFields) {
        this(method, scheme, host, port, path, pathEscapes, List.of(), queryParameters, headerNames, Set.of(),
                bodySize, jsonFields);
    }

    /**
     * A request to {@code uri} (absolute, http or https), with the path and query decoded from it,
     * when only the names of its headers are known. A method-override header among them has a
     * value the policy cannot see: {@link #methodOverrideUnknown()}, and rules on methods fail
     * closed. Channels that have the values use {@link #of(String, URI, Map, long, Map)}.
     *
     * @param headerNames the names of the headers the request carries, any case
     * @param bodySize    the body's size, 0 for none, {@value #UNKNOWN_SIZE} when unknown
     * @param jsonFields  values extracted from a JSON body, or an empty map
     */
    public static HttpAction of(String method, URI uri, Set<String> headerNames, long bodySize,
                                Map<String, String> jsonFields) {
        return of(method, uri, headerNames, Set.of(), bodySize, jsonFields);
    }

    /**
     * A request to {@code uri} (absolute, http or https) with its headers: the names are kept, and
     * the values of the method-override headers are read for the methods they name (a value may
     * list several, comma-separated). No other header value is kept.
     *
     * @param headers    the request's headers, name (any case) → values
     * @param bodySize   the body's size, 0 for none, {@value #UNKNOWN_SIZE} when unknown
     * @param jsonFields values extracted from a JSON body, or an empty map
     */
    public static HttpAction of(String method, URI uri, Map<String, List<String>> headers, long bodySize,
                                Map<String, String> jsonFields) {
        Objects.requireNonNull(headers, "headers");
        Set<String> overrides = new LinkedHashSet<>();
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() == null || !isMethodOverrideHeader(e.getKey()) || e.getValue() == null) {
                continue;
            }
            for (String value : e.getValue()) {
                for (String part : value == null ? new String[0] : value.split(",")) {
                    String m = part.strip();
                    // Not a method token: no framework runs it; with no method at all the override stays unknown.
                    if (TOKEN.matcher(m).matches()) {
                        overrides.add(m.toUpperCase(Locale.ROOT));
                    }
                }
            }
        }
        return of(method, uri, headers.keySet(), overrides, bodySize, jsonFields);
    }

    private static HttpAction of(String method, URI uri, Set<String> headerNames, Set<String> overrides,
                                 long bodySize, Map<String, String> jsonFields) {
        Objects.requireNonNull(uri, "uri");
        if (!uri.isAbsolute() || uri.isOpaque() || uri.getHost() == null) {
            throw new IllegalArgumentException("an HTTP request needs an absolute http or https URI with a host, "
                    + "such as https://api.example.com/v1/orders");
        }
        String rawPath = uri.getRawPath();
        String path = rawPath == null || rawPath.isEmpty() ? "/" : decode(rawPath, false);
        // A server that drops ;parameters before decoding reads /admin;x%2F..%2F/users as /admin/users.
        List<String> routed = List.of();
        if (rawPath != null && rawPath.indexOf(';') >= 0) {
            routed = List.of(decode(withoutParameters(rawPath), false));
        }
        return new HttpAction(method, uri.getScheme(), uri.getHost(), uri.getPort(), path, false, routed,
                parseQuery(uri.getRawQuery()), headerNames, overrides, bodySize, jsonFields);
    }

    /**
     * The form of {@code host} that policies compare: lower case, without brackets or one trailing
     * dot; an IPv4 address as four decimal numbers ({@code 2130706433} is {@code 127.0.0.1}); an
     * IPv4-mapped or IPv4-compatible IPv6 address as that IPv4 address ({@code ::ffff:7f00:1} is
     * {@code 127.0.0.1}); any other IPv6 address in the RFC 5952 form ({@code 0:0:0:0:0:0:0:1} is
     * {@code ::1}). Reads literals as the JDK's {@code HttpClient} connects to them, without DNS.
     *
     * @throws IllegalArgumentException for a host that resolvers read differently (a leading zero
     *                                  or hexadecimal in an IPv4 address), a name that ends in a
     *                                  number but is no IPv4 address, an empty label, an IPv6
     *                                  zone id, or a malformed IPv6 address
     */
    public static String canonicalHost(String host) {
        Objects.requireNonNull(host, "host");
        return CanonicalHost.of(host, "HTTP");
    }

    /** Whether {@code name} is a method-override header: {@link #METHOD_OVERRIDE_HEADERS}, any case, {@code _} for {@code -}. */
    public static boolean isMethodOverrideHeader(String name) {
        return METHOD_OVERRIDE_HEADERS.contains(name.toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    /**
     * Whether the request has a method-override header whose methods are not known: the header
     * names alone were given, or no value named a method. Rules fail closed on it: a deny or
     * require-approval rule with {@code methods} matches, an allow rule with {@code methods} does not.
     */
    public boolean methodOverrideUnknown() {
        if (!methodOverrides.isEmpty() || headerNames.isEmpty()) {
            return false;
        }
        for (String name : headerNames) {
            if (isMethodOverrideHeader(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A request written as a request line, {@code "POST https://api.example.com/v1/refunds"}, as
     * policy expectations name it: no headers, no body (size 0), no JSON fields.
     *
     * @throws IllegalArgumentException naming what is wrong with the text (never quoting it)
     */
    public static HttpAction ofRequestLine(String text) {
        Objects.requireNonNull(text, "text");
        String t = text.strip();
        int space = t.indexOf(' ');
        if (space < 0) {
            throw new IllegalArgumentException("an HTTP action is written \"METHOD URL\", such as "
                    + "\"POST https://api.example.com/v1/refunds\"");
        }
        URI uri;
        try {
            uri = new URI(t.substring(space + 1).strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the URL of an HTTP action is not a valid URI at index " + e.getIndex()
                    + "; percent-encode spaces and other reserved characters");
        }
        return of(t.substring(0, space), uri, Set.of(), 0, Map.of());
    }

    /** The default port of {@code scheme}: 443 for https, 80 for http. */
    public static int defaultPort(String scheme) {
        return "https".equalsIgnoreCase(scheme) ? 443 : 80;
    }

    /** Whether the body size is known. */
    public boolean bodySizeKnown() {
        return bodySize >= 0;
    }

    /**
     * The request as reasons and journals name it, without its query (which may hold secrets):
     * {@code POST https://api.example.com/v1/refunds}, the port only when it is not the default.
     */
    public String describe() {
        StringBuilder b = new StringBuilder(32 + host.length() + path.length());
        b.append(method).append(' ').append(scheme).append("://");
        if (host.indexOf(':') >= 0) {
            b.append('[').append(host).append(']');
        } else {
            b.append(host);
        }
        if (port != defaultPort(scheme)) {
            b.append(':').append(port);
        }
        return b.append(path).toString();
    }

    /** {@code path} with dot segments resolved and empty segments dropped; {@code null} when {@code ..} climbs above the root. */
    static String normalise(String path) {
        List<String> segments = new ArrayList<>();
        int n = path.length();
        int start = 1;
        boolean trailingSlash = path.endsWith("/") || path.endsWith("/.") || path.endsWith("/..");
        while (start <= n) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? n : slash;
            String seg = path.substring(start, end);
            int semicolon = seg.indexOf(';');
            String core = semicolon < 0 ? seg : seg.substring(0, semicolon);
            if (core.indexOf('\\') >= 0 && isDotDotSeparatedByBackslash(core)) {
                return null;
            }
            if (core.equals("..")) {
                if (segments.isEmpty()) {
                    return null;
                }
                segments.remove(segments.size() - 1);
            } else if (!core.equals(".") && !seg.isEmpty()) {
                segments.add(seg);
            }
            if (slash < 0) {
                break;
            }
            start = slash + 1;
        }
        if (segments.isEmpty()) {
            return "/";
        }
        StringBuilder b = new StringBuilder(n);
        for (String s : segments) {
            b.append('/').append(s);
        }
        if (trailingSlash) {
            b.append('/');
        }
        return b.toString();
    }

    /**
     * {@code path} with the {@code ;parameters} of every segment removed, as servlet containers
     * route it; a segment that was only parameters is dropped. {@code path} itself when it has none.
     */
    static String withoutParameters(String path) {
        if (path.indexOf(';') < 0) {
            return path;
        }
        StringBuilder b = new StringBuilder(path.length());
        int n = path.length();
        int start = 1;
        int semicolon = path.indexOf(';');
        boolean trailingSlash = false;
        while (start <= n) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? n : slash;
            if (semicolon >= 0 && semicolon < start) {
                semicolon = path.indexOf(';', start);
            }
            int cut = semicolon >= 0 && semicolon < end ? semicolon : end;
            if (cut > start) {
                b.append('/').append(path, start, cut);
                trailingSlash = false;
            } else {
                trailingSlash = true;
            }
            if (slash < 0) {
                break;
            }
            start = slash + 1;
        }
        if (b.length() == 0) {
            return "/";
        }
        return trailingSlash ? b.append('/').toString() : b.toString();
    }

    /** Whether a backslash-separated part is {@code ..}: servers that read a backslash as {@code /} would climb. */
    private static boolean isDotDotSeparatedByBackslash(String segment) {
        for (String part : segment.split("\\\\", -1)) {
            if (part.equals("..")) {
                return true;
            }
        }
        return false;
    }

    /** Decoded query parameters, in order; a name without {@code =} has the value "". */
    static Map<String, List<String>> parseQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), true);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), true);
            out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return out;
    }

    /** Percent-decodes {@code s} as UTF-8 ({@code +} as space in a query); a malformed escape stays as written. */
    private static String decode(String s, boolean plusIsSpace) {
        if (s.indexOf('%') < 0 && !(plusIsSpace && s.indexOf('+') >= 0)) {
            return s;
        }
        byte[] out = new byte[s.length() * 3];
        int o = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                out[o++] = (byte) (hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                out[o++] = ' ';
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    bytes = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                System.arraycopy(bytes, 0, out, o, bytes.length);
                o += bytes.length;
            }
        }
        return new String(out, 0, o, StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    private static Map<String, List<String>> copyQuery(Map<String, List<String>> query) {
        if (query == null || query.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "queryParameters must not have a null name");
            List<String> values = List.copyOf(Objects.requireNonNull(e.getValue(),
                    "queryParameters must not map a name to null; use an empty list"));
            out.put(name, values.isEmpty() ? List.of("") : values);
        }
        return Collections.unmodifiableMap(out);
    }

    private static Set<String> copyHeaders(Set<String> names) {
        if (names == null || names.isEmpty()) {
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (String name : names) {
            Objects.requireNonNull(name, "headerNames must not contain null");
            if (!HEADER.matcher(name).matches()) {
                throw new IllegalArgumentException("header names must be tokens (letters, digits, '-' and the like), "
                        + "1 to 200 characters");
            }
            out.add(name.toLowerCase(Locale.ROOT));
        }
        return Collections.unmodifiableSet(out);
    }

    private static Set<String> copyMethods(Set<String> methods) {
        if (methods == null || methods.isEmpty()) {
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (String m : methods) {
            Objects.requireNonNull(m, "methodOverrides must not contain null");
            if (!TOKEN.matcher(m).matches()) {
                throw new IllegalArgumentException("methodOverrides must be method tokens such as DELETE");
            }
            out.add(m.toUpperCase(Locale.ROOT));
        }
        return Collections.unmodifiableSet(out);
    }

    private static Map<String, String> copyFields(Map<String, String> fields) {
        if (fields == null || fields.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : fields.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "jsonFields must not have a null name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("jsonFields must not have a blank field name");
            }
            out.put(name, Objects.requireNonNull(e.getValue(), "jsonFields must not map a field to null; leave it out"));
        }
        return Collections.unmodifiableMap(out);
    }
}
