package dev.agentguard.http;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * A client with the lifecycle methods of Java 21's {@code HttpClient} ({@code shutdown},
 * {@code shutdownNow}, {@code awaitTermination}, {@code isTerminated}, {@code close}), which
 * records their calls: on Java 17 it shows that the guard forwards them to a client that has them;
 * on Java 21 and later they override the JDK's. Everything else goes to a real client.
 */
public final class Java21ShapedClient extends HttpClient {

    final HttpClient real = HttpClient.newHttpClient();
    final List<String> calls = new CopyOnWriteArrayList<>();
    private volatile boolean terminated;

    public void shutdown() {
        calls.add("shutdown");
    }

    public void shutdownNow() {
        calls.add("shutdownNow");
        terminated = true;
    }

    public boolean awaitTermination(Duration duration) throws InterruptedException {
        calls.add("awaitTermination " + duration.isNegative());
        return terminated;
    }

    public boolean isTerminated() {
        calls.add("isTerminated");
        return terminated;
    }

    public void close() {
        calls.add("close");
        terminated = true;
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return real.cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return real.connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
        return real.followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return real.proxy();
    }

    @Override
    public SSLContext sslContext() {
        return real.sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
        return real.sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return real.authenticator();
    }

    @Override
    public Version version() {
        return real.version();
    }

    @Override
    public Optional<Executor> executor() {
        return real.executor();
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        return real.send(request, handler);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        return real.sendAsync(request, handler);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                            HttpResponse.PushPromiseHandler<T> push) {
        throw new AssertionError("the guard never hands a push promise handler to the wrapped client");
    }
}
