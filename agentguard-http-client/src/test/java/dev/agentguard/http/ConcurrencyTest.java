package dev.agentguard.http;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.identity.AgentContext;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One client, many agents on many threads: no event is lost, and none lands on another agent. */
class ConcurrencyTest {

    private static final int THREADS = 16;
    private static final int REQUESTS = 12;

    @TempJournal
    Journal journal;

    private LoopbackServer server;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.http();
        server.route("/hop/", r -> LoopbackServer.Reply.redirect(302, "/v1/after" + r.rawPath().substring(4)));
        server.route("/v1/", r -> LoopbackServer.Reply.text(200, "for " + r.header("x-agent-id")));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void journalsExactlyOneOutcomePerIntentForTheRightAgent() throws Exception {
        GuardedHttpClient http = Agents.client(journal).followRedirects(HttpClient.Redirect.NORMAL)
                .forwardIdentity("X-Agent-Id").build();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            String agent = "agent-" + t;
            done.add(pool.submit(() -> {
                go.await();
                try (AgentContext.Scope scope = AgentContext.bind(AgentIdentity.of(agent, "payments"))) {
                    for (int i = 0; i < REQUESTS; i++) {
                        String path = (i % 3 == 0 ? "/hop/" : "/v1/") + agent + "/" + i;
                        HttpRequest request = HttpRequest.newBuilder(server.uri(path)).build();
                        HttpResponse<String> r = i % 2 == 0
                                ? http.send(request, HttpResponse.BodyHandlers.ofString())
                                : http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).get(30, TimeUnit.SECONDS);
                        assertEquals("for " + agent, r.body(), "the server saw the calling agent");
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        List<AuditEvent> events = Agents.httpEvents(journal);
        Map<Long, AuditEvent> intents = new HashMap<>();
        Map<Long, Integer> outcomesPerIntent = new HashMap<>();
        for (AuditEvent e : events) {
            if (e.phase() == Phase.INTENT) {
                intents.put(e.sequence(), e);
            }
        }
        for (AuditEvent e : events) {
            if (e.phase() == Phase.OUTCOME) {
                long seq = Long.parseLong(e.extensions().get("intent-seq"));
                AuditEvent intent = intents.get(seq);
                assertNotNull(intent, "every outcome refers to an intent");
                assertEquals(intent.agentId(), e.agentId());
                assertEquals(intent.action(), e.action());
                assertEquals(intent.traceId(), e.traceId());
                assertTrue(e.action().contains("/" + e.agentId() + "/"), "the request was the agent's own");
                outcomesPerIntent.merge(seq, 1, Integer::sum);
            }
        }
        int redirects = THREADS * ((REQUESTS + 2) / 3);
        assertEquals(THREADS * REQUESTS + redirects, intents.size());
        assertEquals(intents.keySet(), outcomesPerIntent.keySet());
        assertTrue(outcomesPerIntent.values().stream().allMatch(n -> n == 1), "exactly one outcome per intent");
    }
}
