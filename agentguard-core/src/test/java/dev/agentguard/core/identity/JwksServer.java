package dev.agentguard.core.identity;

import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A JWKS endpoint on loopback, served by the JDK's HTTP server; a test changes what it answers. */
final class JwksServer implements AutoCloseable {

    /** What the endpoint does with the next request. */
    enum Mode { SERVE, FAIL, HANG }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicReference<JWKSet> keys;
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.SERVE);
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);

    JwksServer(JWKSet keys) throws IOException {
        this.keys = new AtomicReference<>(keys);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/jwks", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            switch (mode.get()) {
                case FAIL -> exchange.sendResponseHeaders(500, -1);
                case HANG -> {
                    try {
                        release.await(); // until the test ends; the client's read timeout fires first
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                case SERVE -> {
                    byte[] body = keys.get().toString().getBytes(StandardCharsets.UTF_8); // public keys only
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            }
        }
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
    }

    void publish(JWKSet keys) {
        this.keys.set(keys);
    }

    void mode(Mode mode) {
        this.mode.set(mode);
    }

    int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
