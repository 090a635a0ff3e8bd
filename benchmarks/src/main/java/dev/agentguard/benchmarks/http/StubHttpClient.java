package dev.agentguard.benchmarks.http;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/**
 * An {@link HttpClient} without a network, in the spirit of HikariCP's stub JDBC driver: every
 * request is answered at once, on the calling thread, with one fixed response (status 200, its
 * headers, its body in one buffer) fed through the body handler the caller passed. What a client
 * wrapped around it costs is then the wrapper's own work, with none of the loopback round trip's
 * noise.
 */
final class StubHttpClient extends HttpClient {
    private final Info info;
    private final byte[] body;

    StubHttpClient(String contentType, byte[] body) {
        this.info = Info.of(contentType, body.length);
        this.body = body.clone();
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        HttpResponse.BodySubscriber<T> subscriber = handler.apply(info);
        Demand demand = new Demand();
        subscriber.onSubscribe(demand);
        // The body goes as one item, and only when asked for, as the JDK client delivers it.
        if (demand.cancelled || demand.requested < 1) {
            throw new IOException("the body subscriber did not ask for the body");
        }
        subscriber.onNext(List.of(ByteBuffer.wrap(body).asReadOnlyBuffer()));
        subscriber.onComplete();
        T value = subscriber.getBody().toCompletableFuture().join();
        return new Response<>(request, info.headers(), value);
    }

    /** A subscription that only records what its subscriber asked for: the caller delivers. */
    static final class Demand implements Flow.Subscription {
        long requested;
        boolean cancelled;

        @Override
        public void request(long n) {
            requested = Math.min(Long.MAX_VALUE / 2, requested + n);
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return CompletableFuture.completedFuture(send(request, handler));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                            HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
        return sendAsync(request, handler);
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return Optional.empty();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return Optional.empty();
    }

    @Override
    public Redirect followRedirects() {
        return Redirect.NEVER;
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return Optional.empty();
    }

    @Override
    public SSLContext sslContext() {
        try {
            return SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default SSL context", e);
        }
    }

    @Override
    public SSLParameters sslParameters() {
        return new SSLParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return Optional.empty();
    }

    @Override
    public Version version() {
        return Version.HTTP_1_1;
    }

    @Override
    public Optional<Executor> executor() {
        return Optional.empty();
    }

    /** A 200 response over HTTP/1.1 with {@code headers}. */
    record Info(HttpHeaders headers) implements HttpResponse.ResponseInfo {
        /** A 200 response of {@code contentType} that promises {@code length} bytes. */
        static Info of(String contentType, int length) {
            return new Info(HttpHeaders.of(Map.of("Content-Type", List.of(contentType),
                    "Content-Length", List.of(Integer.toString(length))), (a, b) -> true));
        }

        @Override
        public int statusCode() {
            return 200;
        }

        @Override
        public Version version() {
            return Version.HTTP_1_1;
        }
    }

    private record Response<T>(HttpRequest request, HttpHeaders headers, T body) implements HttpResponse<T> {
        @Override
        public int statusCode() {
            return 200;
        }

        @Override
        public Optional<HttpResponse<T>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return Optional.empty();
        }

        @Override
        public URI uri() {
            return request.uri();
        }

        @Override
        public Version version() {
            return Version.HTTP_1_1;
        }
    }
}
