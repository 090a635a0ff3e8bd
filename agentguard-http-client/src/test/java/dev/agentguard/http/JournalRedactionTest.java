package dev.agentguard.http;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static dev.agentguard.junit.JournalAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What the journal shows of a request: method and URL with secrets masked; no header value, no body. */
class JournalRedactionTest {

    private static final String PAN = "4111111111111111";

    @TempJournal
    Journal journal;

    private LoopbackServer server;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.http();
        server.route("/v1/", r -> new LoopbackServer.Reply(200, Map.of("Set-Cookie", "sid=SERVER-SESSION-77",
                "Content-Type", "text/plain"), "fine".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String intentAction() {
        List<AuditEvent> events = Agents.httpEvents(journal);
        return events.get(events.size() - 2).action();
    }

    @Test
    void masksCardNumbersAndCredentialsInTheQueryButKeepsParameterNames() throws Exception {
        GuardedHttpClient http = Agents.client(journal).redactQueryParameters("customer").build();

        http.send(HttpRequest.newBuilder(server.uri("/v1/cards?pan=" + PAN + "&limit=10&access_token=eyJhbGciOi"
                + "&customer=alice&sig=abc&spaced=4111%201111%201111%201111")).build(),
                HttpResponse.BodyHandlers.discarding());

        assertEquals("GET http://127.0.0.1:" + server.port() + "/v1/cards?pan=411111******1111&limit=10"
                + "&access_token=[REDACTED]&customer=[REDACTED]&sig=[REDACTED]&spaced=4111%2011**%20****%201111",
                intentAction());
        assertEquals(PAN, server.received().get(0).rawQuery().substring(4, 20), "the server gets the real query");
        assertThat(journal).containsNoPan();
    }

    @Test
    void masksACardNumberInThePathAndInADeniedRequest() throws Exception {
        GuardedHttpClient http = Agents.client(journal).build();

        http.send(HttpRequest.newBuilder(server.uri("/v1/cards/" + PAN)).build(), HttpResponse.BodyHandlers.discarding());
        HttpPolicyViolationException e = assertThrows(HttpPolicyViolationException.class, () -> http.send(
                HttpRequest.newBuilder(server.uri("/admin/cards/" + PAN + "?pan=" + PAN)).build(),
                HttpResponse.BodyHandlers.discarding()));

        assertEquals(-1, e.getMessage().indexOf(PAN));
        assertThat(journal).containsNoPan()
                .hasExactly(1).eventsMatching(ev -> ev.phase(Phase.INTENT)
                        .action("GET http://127.0.0.1:" + server.port() + "/v1/cards/411111******1111"));
    }

    @Test
    void neverJournalsHeaderValuesOrBodies() throws Exception {
        GuardedHttpClient http = Agents.client(journal).sensitiveHeaders("X-Partner-Key").build();

        http.send(HttpRequest.newBuilder(server.uri("/v1/orders")).header("Cookie", "sid=AGENT-COOKIE-31")
                .header("Authorization", "Bearer AGENT-TOKEN-55").header("Proxy-Authorization", "Basic UFJPWFkt")
                .header("X-Partner-Key", "PARTNER-KEY-93").build(), HttpResponse.BodyHandlers.discarding());
        http.send(HttpRequest.newBuilder(server.uri("/v1/refunds")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":50,\"pan\":\"" + PAN
                        + "\",\"note\":\"BODY-NOTE-62\"}")).build(), HttpResponse.BodyHandlers.discarding());

        CredentialTest.assertNoSecretIn(journal.directory(), "AGENT-COOKIE-31", "AGENT-TOKEN-55", "UFJPWFkt",
                "PARTNER-KEY-93", "SERVER-SESSION-77", "BODY-NOTE-62", PAN);
        assertThat(journal).containsNoPan()
                .hasExactly(1).eventsMatching(ev -> ev.phase(Phase.OUTCOME).actionContaining("/v1/refunds")
                        .where("counts the body it sent", a -> a.count("bytes.sent").orElse(0L) > 40));
    }
}
