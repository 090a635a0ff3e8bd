package dev.agentguard.http;

import dev.agentguard.core.action.HttpAction;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A request as the agent wrote it (or, for a redirect hop, as the agent's request becomes when
 * it follows the redirect): never a header the guard added, so never a credential. It is both the
 * snapshot the guard decides on — read from the agent's {@link HttpRequest} once, so a request
 * object that answers differently on a second call cannot change what is sent after the decision
 * — and what {@code response.request()} gives back to the agent.
 */
final class AgentRequest extends HttpRequest {

    private final URI uri;
    private final String method;
    private final HttpHeaders headers;
    private final BodyPublisher body;
    private final Duration timeout;
    private final HttpClient.Version version;
    private final boolean expectContinue;
    /** The action of this request without a body, made when the URI was checked; null when not made. */
    private final HttpAction bodyless;

    AgentRequest(URI uri, String method, HttpHeaders headers, BodyPublisher body, Duration timeout,
                 HttpClient.Version version, boolean expectContinue) {
        this(uri, method, headers, body, timeout, version, expectContinue, null);
    }

    private AgentRequest(URI uri, String method, HttpHeaders headers, BodyPublisher body, Duration timeout,
                         HttpClient.Version version, boolean expectContinue, HttpAction bodyless) {
        this.bodyless = bodyless;
        this.uri = Objects.requireNonNull(uri, "uri");
        this.method = Objects.requireNonNull(method, "method");
        this.headers = Objects.requireNonNull(headers, "headers");
        this.body = body;
        this.timeout = timeout;
        this.version = version;
        this.expectContinue = expectContinue;
    }

    /**
     * Reads {@code request} once.
     *
     * @throws IllegalArgumentException when the request is not one the JDK client would send
     *                                  (a relative URI, a scheme other than http or https, no host),
     *                                  or carries user information in its URL
     */
    static AgentRequest snapshot(HttpRequest request) {
        return snapshot(request, null);
    }

    /**
     * {@link #snapshot(HttpRequest)}, taking the request's body-less action from {@code actions}
     * (the client's, or {@code null}) when it was made before.
     */
    static AgentRequest snapshot(HttpRequest request, BodylessActions actions) {
        Objects.requireNonNull(request, "request");
        URI uri = Objects.requireNonNull(request.uri(), "request.uri()");
        checkParts(uri, "the request URI");
        String method = request.method();
        // HttpHeaders is a final, immutable class that validated its names when it was made, so the
        // agent's headers are kept as they are: read once, they cannot change afterwards.
        HttpHeaders headers = request.headers();
        HttpAction bodyless = bodylessAction(uri, method, headers, "the request URI", actions);
        Objects.requireNonNull(method, "request.method()");
        if (headers == null) {
            throw new IllegalArgumentException("the request's headers are not valid HTTP headers "
                    + "(NullPointerException)");
        }
        return new AgentRequest(uri, method, headers, request.bodyPublisher().orElse(null),
                request.timeout().orElse(null), request.version().orElse(null), request.expectContinue(), bodyless);
    }

    /**
     * The action of this request as the policy sees it when it has no body (size 0, no JSON
     * fields), made once when the request was read; {@code null} when it was not made there.
     */
    HttpAction bodylessAction() {
        return bodyless;
    }

    /**
     * Checks the host as {@link #checkUri} does, by making the request's action without a body:
     * that action is the one decided on for a request without a body, so the URI is read once. A
     * method or header the action refuses is left to the decision, which refuses it as before.
     */
    private static HttpAction bodylessAction(URI uri, String method, HttpHeaders headers, String what,
                                             BodylessActions actions) {
        if (method != null && headers != null) {
            try {
                return actions == null ? HttpAction.of(method, uri, headers.map(), 0, Map.of())
                        : actions.of(method, uri, headers.map());
            } catch (IllegalArgumentException e) {
                // The URI's fault is reported below as checkUri reports it; the method's or a header's, where decided.
            }
        }
        checkHost(uri, what);
        return null;
    }

    /** Checks what the guard needs of a URI to decide on it, as the JDK client would and more. */
    static void checkUri(URI uri, String what) {
        checkParts(uri, what);
        checkHost(uri, what);
    }

    private static void checkParts(URI uri, String what) {
        if (!uri.isAbsolute() || uri.isOpaque()) {
            throw new IllegalArgumentException(what + " must be an absolute http or https URI, such as "
                    + "https://api.example.com/v1/orders");
        }
        String scheme = uri.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException(what + " has scheme \"" + printable(scheme) + "\"; the guarded "
                    + "client sends http and https only");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(what + " has no host the guard can decide on (a host name may "
                    + "hold letters, digits, '-' and '.')");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(what + " carries user information (user:password@host), which is "
                    + "refused: the guard owns credentials; the operator configures them per target "
                    + "(GuardedHttpClient.Builder.credential)");
        }
    }

    private static void checkHost(URI uri, String what) {
        try {
            // A host the policy cannot decide on (0177.0.0.1, which resolvers read differently; 0.0.0.0) is refused
            // here, so that neither a request nor a redirect hop gets as far as the guard with it.
            HttpAction.of("GET", uri, Set.of(), 0, Map.of());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage());
        }
    }

    private static String printable(String s) {
        String cut = s.length() > 20 ? s.substring(0, 20) + "…" : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** The body publisher the agent gave, or {@code null}. */
    BodyPublisher body() {
        return body;
    }

    @Override
    public Optional<BodyPublisher> bodyPublisher() {
        return Optional.ofNullable(body);
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    @Override
    public boolean expectContinue() {
        return expectContinue;
    }

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public Optional<HttpClient.Version> version() {
        return Optional.ofNullable(version);
    }

    @Override
    public HttpHeaders headers() {
        return headers;
    }

    @Override
    public String toString() {
        return uri + " " + method;
    }
}
