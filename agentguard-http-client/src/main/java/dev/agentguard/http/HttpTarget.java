package dev.agentguard.http;

import dev.agentguard.core.action.HttpAction;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a configured {@link HttpCredential} is sent: a scheme, host, port and path prefix. A
 * request goes to a target when its scheme, host and port are equal and its normalised path
 * ({@link HttpAction#path()}, the path the policy decided) is the prefix or lies under it, segment
 * by segment: {@code /v1} covers {@code /v1} and {@code /v1/orders}, not {@code /v10}. Among the
 * targets a request goes to, the one with the longest path prefix wins.
 *
 * <p>Hosts and schemes compare case-insensitively; the path prefix compares case-sensitively, so
 * a credential is never sent to a path that only a case-blind server would take for the
 * prefix. A request whose path climbs above the root goes to no target, and a request goes to a
 * target only when its path both with and without {@code ;parameters}
 * ({@link HttpAction#routedPaths()}) lies under the prefix.
 *
 * @param scheme     {@code http} or {@code https}, lower case
 * @param host       the host in the canonical form requests are compared in
 *                   ({@link HttpAction#canonicalHost}): lower case, without brackets for IPv6
 * @param port       the port, 1 to 65535 (the scheme's default when the URL names none)
 * @param pathPrefix the path prefix, starting with {@code /}, without a trailing {@code /}
 *                   (except the root {@code /} itself)
 */
public record HttpTarget(String scheme, String host, int port, String pathPrefix) {

    private static final Pattern HOST = Pattern.compile("[a-z0-9._~:%-]{1,253}");

    public HttpTarget {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(pathPrefix, "pathPrefix");
        scheme = scheme.toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("an HTTP target's scheme must be http or https, got \""
                    + printable(scheme) + "\"");
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (!HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("an HTTP target's host must be a host name or IP address, such as "
                    + "api.example.com; wildcards are not allowed: name every host that gets a credential");
        }
        try {
            host = HttpAction.canonicalHost(host); // the form requests are compared in
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("an HTTP target's host is not allowed: " + e.getMessage());
        }
        if (port == -1) {
            port = HttpAction.defaultPort(scheme);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("an HTTP target's port must be 1 to 65535, got " + port);
        }
        if (!pathPrefix.startsWith("/")) {
            throw new IllegalArgumentException("an HTTP target's path prefix must start with '/', such as /v1");
        }
        for (String segment : pathPrefix.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("an HTTP target's path prefix must not have '.' or '..' segments");
            }
        }
        if (pathPrefix.contains("//") || pathPrefix.contains("?") || pathPrefix.contains("#")) {
            throw new IllegalArgumentException("an HTTP target's path prefix must be a plain path such as /v1/refunds, "
                    + "without empty segments, query or fragment");
        }
        while (pathPrefix.length() > 1 && pathPrefix.endsWith("/")) {
            pathPrefix = pathPrefix.substring(0, pathPrefix.length() - 1);
        }
    }

    /**
     * The target a URL names: {@code https://api.example.com} (every path of that origin) or
     * {@code https://api.example.com:8443/v1/} (paths under {@code /v1}). The URL must not carry
     * user information, a query or a fragment.
     *
     * @throws IllegalArgumentException when {@code url} is not such a URL
     */
    public static HttpTarget of(String url) {
        Objects.requireNonNull(url, "url");
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("an HTTP target is a URL such as https://api.example.com/v1; this one is "
                    + "not a valid URI at index " + e.getIndex());
        }
        if (!uri.isAbsolute() || uri.isOpaque() || uri.getHost() == null) {
            throw new IllegalArgumentException("an HTTP target is an absolute http or https URL with a host, such as "
                    + "https://api.example.com/v1");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("an HTTP target URL must not carry user information (user:password@); "
                    + "give the credential as an HttpCredential");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("an HTTP target URL must not have a query or fragment; a credential "
                    + "applies to a path prefix");
        }
        String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
        return new HttpTarget(uri.getScheme(), uri.getHost(), uri.getPort(), path);
    }

    /** Whether a request, as the policy sees it, goes to this target. */
    public boolean covers(HttpAction request) {
        Objects.requireNonNull(request, "request");
        if (request.pathEscapes() || request.port() != port || !request.scheme().equals(scheme)
                || !request.host().equals(host)) {
            return false;
        }
        if (pathPrefix.equals("/")) {
            return true;
        }
        if (!underPrefix(request.path())) {
            return false;
        }
        for (String routed : request.routedPaths()) {
            if (!underPrefix(routed)) {
                return false;
            }
        }
        return true;
    }

    private boolean underPrefix(String path) {
        return path.startsWith(pathPrefix)
                && (path.length() == pathPrefix.length() || path.charAt(pathPrefix.length()) == '/');
    }

    /** The target as a URL, {@code https://api.example.com/v1}, the port only when not the default. */
    @Override
    public String toString() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        String p = port == HttpAction.defaultPort(scheme) ? "" : ":" + port;
        return scheme + "://" + h + p + (pathPrefix.equals("/") ? "" : pathPrefix);
    }

    private static String printable(String s) {
        String cut = s.length() > 20 ? s.substring(0, 20) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
