package dev.agentguard.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP (or HTTPS) server on loopback for the tests: the JDK's {@code HttpServer}, with
 * routes by path prefix and a record of every request it received, so a test can prove what
 * reached the wire — and what did not.
 */
final class LoopbackServer implements AutoCloseable {

    /** A request as the server received it. */
    record Received(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {

        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** What a route answers. */
    record Reply(int status, Map<String, String> headers, byte[] body) {

        static Reply text(int status, String body) {
            return new Reply(status, Map.of("Content-Type", "text/plain; charset=utf-8"),
                    body.getBytes(StandardCharsets.UTF_8));
        }

        static Reply json(String body) {
            return new Reply(200, Map.of("Content-Type", "application/json"), body.getBytes(StandardCharsets.UTF_8));
        }

        static Reply redirect(int status, String location) {
            return new Reply(status, Map.of("Location", location), new byte[0]);
        }
    }

    /** A route: answers a received request, may block (for cancellation tests). */
    @FunctionalInterface
    interface Route {
        Reply answer(Received request) throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final TreeMap<String, Route> routes = new TreeMap<>();

    private LoopbackServer(HttpServer server) {
        this.server = server;
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** An HTTP server on 127.0.0.1, with an echo route at {@code /}. */
    static LoopbackServer http() throws IOException {
        LoopbackServer s = new LoopbackServer(HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
        s.route("/", r -> Reply.text(200, "ok " + r.method() + " " + r.rawPath()));
        return s;
    }

    /** An HTTPS server on 127.0.0.1 (named {@code localhost}); {@code needClientAuth} requires a client certificate. */
    static LoopbackServer https(SSLContext context, boolean needClientAuth) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = context.getDefaultSSLParameters();
                p.setNeedClientAuth(needClientAuth);
                params.setSSLParameters(p);
            }
        });
        LoopbackServer s = new LoopbackServer(server);
        s.route("/", r -> Reply.text(200, "ok " + r.method() + " " + r.rawPath()));
        return s;
    }

    /** Answers requests whose path starts with {@code prefix} (the longest prefix wins). */
    LoopbackServer route(String prefix, Route route) {
        synchronized (routes) {
            routes.put(prefix, route);
        }
        return this;
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:port} + path (or https://localhost:port for an HTTPS server). */
    URI uri(String pathAndQuery) {
        String base = server instanceof HttpsServer ? "https://localhost:" : "http://127.0.0.1:";
        return URI.create(base + port() + pathAndQuery);
    }

    /** Every request received so far, in order. */
    List<Received> received() {
        return List.copyOf(received);
    }

    /** Requests received for {@code rawPath}. */
    List<Received> received(String rawPath) {
        List<Received> out = new ArrayList<>();
        for (Received r : received) {
            if (r.rawPath().equals(rawPath)) {
                out.add(r);
            }
        }
        return out;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Map<String, List<String>> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
            URI uri = exchange.getRequestURI();
            Received r = new Received(exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(),
                    Map.copyOf(headers), body);
            received.add(r);
            Route route;
            synchronized (routes) {
                Map.Entry<String, Route> e = routes.floorEntry(uri.getRawPath());
                while (e != null && !uri.getRawPath().startsWith(e.getKey())) {
                    e = routes.lowerEntry(e.getKey());
                }
                route = e == null ? routes.get("/") : e.getValue();
            }
            Reply reply;
            try {
                reply = route.answer(r);
            } catch (Exception e) {
                reply = Reply.text(500, "route failed: " + e.getClass().getSimpleName());
            }
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            boolean noBody = exchange.getRequestMethod().equals("HEAD") || reply.status() == 204
                    || reply.status() == 304;
            exchange.sendResponseHeaders(reply.status(), noBody ? -1 : reply.body().length == 0 ? -1
                    : reply.body().length);
            if (!noBody && reply.body().length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(reply.body());
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
