package dev.agentguard.http;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A client with the lifecycle methods of Java 21's {@code HttpClient} ({@code shutdown},
 * {@code shutdownNow}, {@code awaitTermination}, {@code isTerminated}, {@code close}), which
 * records their calls: on Java 17 it shows that the guard forwards them to a client that has them;
 * on Java 21 and later they override the JDK's. Everything else goes to a real client.
 */
public final class Java21ShapedClient extends DelegatingClient {

    final List<String> calls = new CopyOnWriteArrayList<>();
    private volatile boolean terminated;

    public Java21ShapedClient() {
        super(HttpClient.newHttpClient());
    }

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
}
