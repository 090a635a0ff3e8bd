package dev.agentguard.core.guard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agentguard.core.approval.DecisionClaims;
import dev.agentguard.core.approval.DecisionSigner;
import dev.agentguard.core.approval.PendingApproval;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * An approval service on the loopback interface (the JDK's HTTP server): it reads each posted
 * request document, and answers as the test says, signing decisions with a locally generated key.
 */
final class LoopbackApprovalService implements AutoCloseable {

    /** One HTTP answer: a status, a body and, for 202, a Location. */
    record Answer(int status, String body, String location) {
        static Answer token(String compact) {
            return new Answer(200, compact, null);
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final DecisionSigner signer;
    private final Clock clock;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> polls = new CopyOnWriteArrayList<>();
    private final Map<String, String> decided = new ConcurrentHashMap<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile Function<PendingApproval, Answer> answer = r -> new Answer(500, "not configured", null);
    private volatile CountDownLatch polled = new CountDownLatch(1);

    LoopbackApprovalService(DecisionSigner signer, Clock clock) throws IOException {
        this.signer = signer;
        this.clock = clock;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/approvals", this::onRequest);
        server.createContext("/decisions/", this::onPoll);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/approvals");
    }

    /** How the service answers each request from now on. */
    void answer(Function<PendingApproval, Answer> answer) {
        this.answer = answer;
    }

    /** Answers every request after {@link #close()} only: the guard's timeout passes first. */
    void neverAnswerInTime() {
        answer(r -> {
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Answer(503, "", null);
        });
    }

    /** Answers 202 with a Location, and the token set with {@link #decide} once it is there. */
    void decideLater() {
        answer(r -> new Answer(202, "", "/decisions/" + r.requestId()));
    }

    /** The decision the next poll of {@code requestId} returns. */
    void decide(String requestId, String compact) {
        decided.put(requestId, compact);
    }

    /** Waits until the approver has polled for a decision once. */
    void awaitPoll() throws InterruptedException {
        if (!polled.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new AssertionError("the approver never polled");
        }
    }

    /** A signed decision on {@code r}, valid for five minutes from the clock's now. */
    String sign(PendingApproval r, boolean approved, String approver, Set<String> groups, String reason) {
        return signer.sign(DecisionClaims.of(approved, r.requestId(), r.actionHash(), approver, reason, clock.instant(),
                Duration.ofMinutes(5)).withGroups(groups));
    }

    /** Approves every request as {@code approver}. */
    Function<PendingApproval, Answer> approvingAs(String approver, String... groups) {
        return r -> Answer.token(sign(r, true, approver, Set.of(groups), "looks right"));
    }

    /** The request documents received, oldest first. */
    List<String> bodies() {
        return List.copyOf(bodies);
    }

    /** The request documents received, read. */
    List<PendingApproval> requests() {
        return bodies.stream().map(PendingApproval::parse).toList();
    }

    private void onRequest(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")
                    || !"application/json".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
                send(exchange, new Answer(405, "", null));
                return;
            }
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            bodies.add(body);
            send(exchange, answer.apply(PendingApproval.parse(body)));
        }
    }

    private void onPoll(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String id = path.substring(path.lastIndexOf('/') + 1);
            polls.add(id);
            polled.countDown();
            String token = decided.get(id);
            send(exchange, token == null ? new Answer(202, "", path) : Answer.token(token));
        }
    }

    private static void send(HttpExchange exchange, Answer a) throws IOException {
        byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
        if (a.location() != null) {
            exchange.getResponseHeaders().add("Location", a.location());
        }
        exchange.getResponseHeaders().add("Content-Type", "application/jose");
        exchange.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
