package dev.agentguard.http;

import dev.agentguard.audit.journal.Journal;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTPS targets: client certificates go to their target only, and NORMAL never follows https to http. */
class HttpsTest {

    @TempJournal
    Journal journal;

    private TestTls tls;
    private LoopbackServer mutual;
    private LoopbackServer otherMutual;
    private LoopbackServer plainHttps;
    private LoopbackServer http;

    @BeforeEach
    void start() throws Exception {
        tls = TestTls.get();
        mutual = LoopbackServer.https(tls.serverContext(), true);
        otherMutual = LoopbackServer.https(tls.serverContext(), true);
        plainHttps = LoopbackServer.https(tls.serverContext(), false);
        http = LoopbackServer.http();
    }

    @AfterEach
    void stop() {
        mutual.close();
        otherMutual.close();
        plainHttps.close();
        http.close();
    }

    private HttpClient trustingClient() throws Exception {
        return HttpClient.newBuilder().sslContext(tls.trustingClient()).build();
    }

    @Test
    void presentsTheClientCertificateToItsTargetOnly() throws Exception {
        HttpClient base = trustingClient();
        GuardedHttpClient guarded = Agents.client(journal).client(base)
                .credential("https://localhost:" + mutual.port() + "/v1",
                        HttpCredential.clientCertificate(tls.clientWithCertificate()))
                .build();

        HttpResponse<String> ok = guarded.send(HttpRequest.newBuilder(mutual.uri("/v1/orders")).build(),
                HttpResponse.BodyHandlers.ofString());
        IOException refusedByServer = assertThrows(IOException.class, () -> guarded.send(
                HttpRequest.newBuilder(otherMutual.uri("/v1/orders")).build(), HttpResponse.BodyHandlers.ofString()));

        assertEquals(200, ok.statusCode());
        assertTrue(ok.sslSession().isPresent());
        assertEquals(1, mutual.received("/v1/orders").size());
        assertTrue(otherMutual.received().isEmpty(), "another target never gets the certificate: " + refusedByServer);
        assertSame(base.sslContext(), guarded.sslContext(), "the agent sees the wrapped client's context");
        assertNotSame(tls.clientWithCertificate(), guarded.sslContext());
        guarded.close();
    }

    @Test
    void normalRedirectsNeverGoFromHttpsToHttp() throws Exception {
        http.route("/v1/orders", r -> LoopbackServer.Reply.text(200, "plain"));
        plainHttps.route("/hop/down", r -> LoopbackServer.Reply.redirect(302, http.uri("/v1/orders").toString()));
        GuardedHttpClient normal = Agents.client(journal).client(trustingClient())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        GuardedHttpClient always = Agents.client(journal).client(trustingClient())
                .followRedirects(HttpClient.Redirect.ALWAYS).build();

        HttpResponse<String> kept = normal.send(HttpRequest.newBuilder(plainHttps.uri("/hop/down")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(302, kept.statusCode());
        assertTrue(http.received().isEmpty());

        HttpResponse<String> followed = always.send(HttpRequest.newBuilder(plainHttps.uri("/hop/down")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("plain", followed.body());
        assertEquals(1, http.received("/v1/orders").size());
    }
}
