package dev.agentguard.samples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sample's payments API, served by the sample itself on loopback: the kind of internal
 * service an agent calls beside its database. It answers card look-ups with the full PAN in
 * JSON (as many internal APIs do: the caller is trusted), takes refunds, and has an admin
 * path. Every call needs the operator's bearer token, which the guarded client adds; the
 * agent never holds it.
 */
final class PaymentsApi implements AutoCloseable {
    /** The card the API answers for {@code /v1/cards/1}: a Visa test PAN. */
    static final Map<String, String> CARD_1 = Map.of("holder", "Ada Lovelace", "pan", "4111111111111111",
            "expiry", "12/29");

    private final HttpServer server;
    private final String token;
    private final AtomicInteger adminCalls = new AtomicInteger();
    private final AtomicInteger refunds = new AtomicInteger();
    private final AtomicInteger unauthorised = new AtomicInteger();

    private PaymentsApi(HttpServer server, String token) {
        this.server = server;
        this.token = token;
    }

    /** Starts the API on a free loopback port with a new random bearer token. */
    static PaymentsApi start() throws IOException {
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        PaymentsApi api = new PaymentsApi(server, HexFormat.of().formatHex(secret));
        server.createContext("/v1/cards/", api::card);
        server.createContext("/v1/refunds", api::refund);
        server.createContext("/admin/", api::admin);
        server.start();
        return api;
    }

    /** The API's base address, {@code http://127.0.0.1:PORT}. */
    URI baseUri() {
        InetSocketAddress a = server.getAddress();
        return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort());
    }

    /** The bearer token the API accepts: the operator's secret, given to the guard and never to the agent. */
    String token() {
        return token;
    }

    /** Calls that reached the admin path (the policy denies them, so none should). */
    int adminCalls() {
        return adminCalls.get();
    }

    /** Refunds the API accepted. */
    int refunds() {
        return refunds.get();
    }

    /** Calls refused for a missing or wrong bearer token. */
    int unauthorised() {
        return unauthorised.get();
    }

    private boolean authorised(HttpExchange exchange) throws IOException {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        // Compared in constant time, as a real service would.
        boolean ok = header != null && MessageDigest.isEqual(header.getBytes(StandardCharsets.US_ASCII),
                ("Bearer " + token).getBytes(StandardCharsets.US_ASCII));
        if (!ok) {
            unauthorised.incrementAndGet();
            respond(exchange, 401, "{\"error\":\"unauthorised\"}");
        }
        return ok;
    }

    private void card(HttpExchange exchange) throws IOException {
        if (!authorised(exchange)) {
            return;
        }
        if (!exchange.getRequestURI().getPath().equals("/v1/cards/1")) {
            respond(exchange, 404, "{\"error\":\"no such card\"}");
            return;
        }
        respond(exchange, 200, "{\"id\":1,\"holder\":\"" + CARD_1.get("holder") + "\",\"pan\":\"" + CARD_1.get("pan")
                + "\",\"expiry\":\"" + CARD_1.get("expiry") + "\"}");
    }

    private void refund(HttpExchange exchange) throws IOException {
        if (!authorised(exchange)) {
            return;
        }
        try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
        }
        int id = refunds.incrementAndGet();
        respond(exchange, 201, "{\"refund\":\"rf-" + id + "\",\"status\":\"accepted\"}");
    }

    private void admin(HttpExchange exchange) throws IOException {
        adminCalls.incrementAndGet();
        respond(exchange, 200, "{\"users\":[\"root\"]}");
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
