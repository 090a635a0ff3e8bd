package dev.agentguard.http;

import javax.net.ssl.SSLSession;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;

/**
 * A response as the agent sees it: the body masked, the headers as they describe that body, and
 * {@link #request()} and {@link #previousResponse()} giving the agent's own requests back — never
 * the request that went on the wire, which may carry a credential of the guard.
 */
final class GuardedResponse<T> implements HttpResponse<T> {

    private final int statusCode;
    private final AgentRequest request;
    private final HttpResponse<T> previous;
    private final HttpHeaders headers;
    private final T body;
    private final SSLSession sslSession;
    private final HttpClient.Version version;

    GuardedResponse(int statusCode, AgentRequest request, HttpResponse<T> previous, HttpHeaders headers, T body,
                    SSLSession sslSession, HttpClient.Version version) {
        this.statusCode = statusCode;
        this.request = request;
        this.previous = previous;
        this.headers = headers;
        this.body = body;
        this.sslSession = sslSession;
        this.version = version;
    }

    @Override
    public int statusCode() {
        return statusCode;
    }

    @Override
    public HttpRequest request() {
        return request;
    }

    @Override
    public Optional<HttpResponse<T>> previousResponse() {
        return Optional.ofNullable(previous);
    }

    @Override
    public HttpHeaders headers() {
        return headers;
    }

    @Override
    public T body() {
        return body;
    }

    @Override
    public Optional<SSLSession> sslSession() {
        return Optional.ofNullable(sslSession);
    }

    @Override
    public URI uri() {
        return request.uri();
    }

    @Override
    public HttpClient.Version version() {
        return version;
    }

    @Override
    public String toString() {
        return "(" + request.method() + " " + request.uri() + ") " + statusCode;
    }
}
