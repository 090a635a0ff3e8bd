package dev.agentguard.benchmarks.http;

import com.sun.net.httpserver.HttpServer;
import dev.agentguard.benchmarks.ServerProcess;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * A loopback HTTP server with two answers: a small JSON object ({@code /small}) and a 1 MiB
 * JSON array of card records with a card number in every 64th record ({@code /big}); in the
 * benchmark's JVM ({@link #start()}) or in one of its own ({@link #main}).
 */
final class ApiServer implements AutoCloseable {
    static final byte[] SMALL = "{\"id\":42,\"status\":\"shipped\",\"amount\":\"19.99\"}".getBytes(StandardCharsets.UTF_8);
    static final byte[] BIG = bigJson(1 << 20);

    private final HttpServer server;

    private ApiServer(HttpServer server) {
        this.server = server;
    }

    static ApiServer start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "bench-api");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/small", e -> respond(e, SMALL));
        server.createContext("/big", e -> respond(e, BIG));
        server.start();
        return new ApiServer(server);
    }

    /**
     * In a JVM of its own ({@link #startInOwnJvm()}): prints {@code ready <port>} and serves until
     * its standard input closes.
     */
    public static void main(String[] args) throws IOException {
        try (ApiServer server = start()) {
            ServerProcess.serveUntilParentCloses(Integer.toString(server.server.getAddress().getPort()));
        } finally {
            System.exit(0); // no thread of the server's may keep an orphaned child alive
        }
    }

    /**
     * A server in a JVM of its own; its address is {@code http://127.0.0.1:<}{@link
     * ServerProcess#details() details}{@code >}.
     */
    static ServerProcess startInOwnJvm() throws IOException {
        return ServerProcess.start(ApiServer.class, List.of("-Xms256m", "-Xmx256m", "-Dsun.net.httpserver.nodelay=true"));
    }

    URI uri(String path) {
        InetSocketAddress a = server.getAddress();
        return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + path);
    }

    private static void respond(com.sun.net.httpserver.HttpExchange e, byte[] body) throws IOException {
        e.getRequestBody().readAllBytes();
        e.getResponseHeaders().set("Content-Type", "application/json");
        e.sendResponseHeaders(200, body.length);
        try (OutputStream out = e.getResponseBody()) {
            out.write(body);
        }
    }

    /** A JSON array of about {@code size} bytes; every 64th record holds a Luhn-valid Visa test number. */
    static byte[] bigJson(int size) {
        StringBuilder b = new StringBuilder(size + 256).append('[');
        for (int i = 0; b.length() < size - 200; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"id\":").append(i).append(",\"holder\":\"Customer ").append(i)
                    .append("\",\"note\":\"order shipped on time, no issues reported\",\"card\":\"")
                    .append(i % 64 == 0 ? "4111111111111111" : "on file").append("\",\"ts\":")
                    .append(1_764_000_000_000L + i).append('}');
        }
        return b.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
