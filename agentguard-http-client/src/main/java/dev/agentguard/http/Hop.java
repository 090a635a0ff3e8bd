package dev.agentguard.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Set;

/**
 * One request of an exchange: the agent's request (index 0) or a redirect the guard follows
 * (index 1 and up), with the body it sends and the responses before it.
 *
 * <p>{@link #next} applies the JDK's redirect rules, decided by the guard instead of the wrapped
 * client so that every hop goes through the policy:
 * <ul>
 *   <li>301, 302, 303, 307 and 308 with a {@code Location} are followed, per the agent-visible
 *       policy: never ({@code NEVER}), to any http or https URL ({@code ALWAYS}), or except from
 *       https to http ({@code NORMAL});</li>
 *   <li>303 becomes a GET without body; 301 and 302 too, except that GET and HEAD stay as they are;
 *       307 and 308 send the same method and body again — only a body the guard holds as bytes,
 *       else the redirect is not followed;</li>
 *   <li>a hop to another origin (scheme, host, port) drops the agent's {@code Authorization},
 *       {@code Proxy-Authorization}, {@code Cookie}, {@code Origin}, {@code Referer} and the
 *       configured sensitive headers, and they stay dropped on later hops;</li>
 *   <li>past the hop limit, or with a {@code Location} that is not an http or https URL with a
 *       host (or that carries user information), the 3xx response is returned as it is.</li>
 * </ul>
 */
final class Hop {

    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final Set<String> CONTENT_HEADERS = Set.of("content-type", "content-encoding", "content-language",
            "content-location", "content-md5", "digest", "content-digest");

    final int index;
    final AgentRequest request;
    final RequestBody body;
    final HttpResponse<?> previous;

    Hop(int index, AgentRequest request, RequestBody body, HttpResponse<?> previous) {
        this.index = index;
        this.request = request;
        this.body = body;
        this.previous = previous;
    }

    /** This hop, with the responses before it. */
    Hop after(HttpResponse<?> previousResponse) {
        return new Hop(index, request, body, previousResponse);
    }

    /**
     * The hop a response redirects to, or {@code null} when the response is the one the agent
     * gets. Decides only whether to follow; the policy decides the new hop when it is sent.
     */
    Hop next(int status, HttpHeaders headers, HttpGate gate) {
        HttpClient.Redirect policy = gate.redirects();
        if (policy == HttpClient.Redirect.NEVER || !REDIRECTS.contains(status) || index >= gate.maxRedirects()) {
            return null;
        }
        String location = headers.firstValue("location").orElse(null);
        if (location == null) {
            return null;
        }
        URI target;
        try {
            target = request.uri().resolve(new URI(location.strip()));
            AgentRequest.checkUri(target, "the redirect location");
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
        if (policy == HttpClient.Redirect.NORMAL && request.uri().getScheme().equalsIgnoreCase("https")
                && !target.getScheme().equalsIgnoreCase("https")) {
            return null;
        }
        String method = request.method().toUpperCase(Locale.ROOT);
        boolean keepsMethod = status == 307 || status == 308
                || ((status == 301 || status == 302) && (method.equals("GET") || method.equals("HEAD")));
        if (keepsMethod && !body.resendable()) {
            return null; // the body went out once as a stream and cannot be sent again
        }
        boolean crossOrigin = !HttpGate.sameOrigin(request.uri(), target);
        Set<String> sensitive = gate.sensitiveHeaders();
        HttpHeaders kept = HttpHeaders.of(request.headers().map(), (name, value) -> {
            String n = name.toLowerCase(Locale.ROOT);
            if (crossOrigin && (sensitive.contains(n) || HttpGate.ORIGIN_HEADERS.contains(n))) {
                return false;
            }
            return keepsMethod || !CONTENT_HEADERS.contains(n);
        });
        AgentRequest next = new AgentRequest(target, keepsMethod ? request.method() : "GET", kept,
                keepsMethod ? request.body() : null, request.timeout().orElse(null), request.version().orElse(null),
                keepsMethod && request.expectContinue());
        return new Hop(index + 1, next, keepsMethod ? body : RequestBody.none(), null);
    }

    @Override
    public String toString() {
        return "Hop[" + index + ", " + request.method() + "]";
    }
}
