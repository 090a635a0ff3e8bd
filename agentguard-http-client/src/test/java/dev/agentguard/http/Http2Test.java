package dev.agentguard.http;

import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.junit.TempJournal;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.agentguard.junit.JournalAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guarded client over HTTP/2 (cleartext, upgraded from HTTP/1.1), against Jetty. */
class Http2Test {

    private static final String PAN = "5555555555554444";

    @TempJournal
    Journal journal;

    private Server jetty;
    private int port;
    /** Protocol and Authorization header of every request Jetty received. */
    private final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        jetty = new Server();
        HttpConfiguration config = new HttpConfiguration();
        ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(config),
                new HTTP2CServerConnectionFactory(config));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        jetty.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String path = request.getHttpURI().getPath();
                seen.add(request.getConnectionMetaData().getHttpVersion() + " " + path + " "
                        + request.getHeaders().get(HttpHeader.AUTHORIZATION));
                if (path.startsWith("/hop/")) {
                    response.setStatus(302);
                    response.getHeaders().put(HttpHeader.LOCATION, "/v1/cards/" + path.substring(5));
                    callback.succeeded();
                    return true;
                }
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                response.write(true, ByteBuffer.wrap(("{\"path\":\"" + path + "\",\"pan\":\"" + PAN + "\"}")
                        .getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        jetty.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        jetty.stop();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Test
    void guardsRequestsOverHttp2() throws Exception {
        GuardedHttpClient http = Agents.client(journal)
                .client(HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build())
                .credential("http://127.0.0.1:" + port + "/v1", HttpCredential.bearerToken("h2-token-SECRET"))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();

        HttpResponse<String> first = http.send(HttpRequest.newBuilder(uri("/v1/cards/0")).build(),
                HttpResponse.BodyHandlers.ofString());
        List<CompletableFuture<HttpResponse<String>>> many = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            many.add(http.sendAsync(HttpRequest.newBuilder(uri((i % 2 == 0 ? "/hop/" : "/v1/cards/") + i)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }

        assertEquals(HttpClient.Version.HTTP_2, first.version());
        for (CompletableFuture<HttpResponse<String>> f : many) {
            HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode());
            assertFalse(r.body().contains(PAN), r.body());
            assertEquals(HttpClient.Version.HTTP_2, r.version());
        }
        assertEquals(13, seen.size());
        for (String s : seen) {
            assertTrue(s.startsWith("HTTP/2.0 "), s);
            assertTrue(s.contains(" /v1/") == s.endsWith(" Bearer h2-token-SECRET"),
                    "the credential goes to its target only: " + s);
        }
        assertThat(journal).containsNoPan()
                .hasExactly(13).eventsMatching(e -> e.phase(Phase.INTENT))
                .hasExactly(13).eventsMatching(e -> e.phase(Phase.OUTCOME).outcome(Outcome.SUCCESS));
        CredentialTest.assertNoSecretIn(journal.directory(), "h2-token-SECRET");
        http.close();
    }
}
