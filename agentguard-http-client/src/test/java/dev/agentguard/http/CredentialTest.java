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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import static dev.agentguard.junit.JournalAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guard adds the credential of each target; the agent can neither read it nor send it elsewhere. */
class CredentialTest {

    private static final String TOKEN = "tok-7Hq2-SECRET-b41d";
    private static final String REFUNDS_TOKEN = "tok-refunds-ONLY-99x";
    private static final String API_KEY = "key-Zx81-SECRET";

    @TempJournal
    Journal journal;

    private LoopbackServer server;
    private LoopbackServer other;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.http();
        other = LoopbackServer.http();
    }

    @AfterEach
    void stop() {
        server.close();
        other.close();
    }

    private String origin() {
        return "http://127.0.0.1:" + server.port();
    }

    private GuardedHttpClient bearer() {
        return Agents.client(journal).followRedirects(HttpClient.Redirect.NORMAL)
                .credential(origin() + "/v1", HttpCredential.bearerToken(TOKEN)).build();
    }

    private static HttpRequest get(java.net.URI uri) {
        return HttpRequest.newBuilder(uri).build();
    }

    @Test
    void injectsTheTargetsBearerTokenWhichTheAgentCannotReadBack() throws Exception {
        server.route("/v1/first", r -> LoopbackServer.Reply.redirect(302, "/v1/orders/7"));
        GuardedHttpClient http = bearer();

        HttpResponse<String> response = http.send(get(server.uri("/v1/first")), HttpResponse.BodyHandlers.ofString());

        assertEquals("Bearer " + TOKEN, server.received("/v1/first").get(0).header("authorization"));
        assertEquals("Bearer " + TOKEN, server.received("/v1/orders/7").get(0).header("authorization"));
        assertFalse(response.request().headers().firstValue("authorization").isPresent());
        assertFalse(response.previousResponse().orElseThrow().request().headers().firstValue("authorization")
                .isPresent());
        assertFalse(response.toString().contains(TOKEN));
        assertFalse(http.toString().contains(TOKEN));
        assertEquals("HttpCredential.bearerToken(****)", HttpCredential.bearerToken(TOKEN).toString());
        assertNoSecretIn(journal.directory(), TOKEN);
    }

    @Test
    void replacesAnAuthorizationTheAgentSetsForACredentialedTarget() throws Exception {
        GuardedHttpClient http = bearer();

        http.send(HttpRequest.newBuilder(server.uri("/v1/orders")).header("Authorization", "Bearer agent-guess")
                .build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(List.of("Bearer " + TOKEN), server.received("/v1/orders").get(0).headers().get("authorization"));
    }

    @Test
    void sendsApiKeysAndBasicAuthenticationInTheirHeaders() throws Exception {
        GuardedHttpClient http = Agents.client(journal)
                .credential(origin() + "/v1/orders", HttpCredential.apiKey("X-Api-Key", API_KEY))
                .credential(origin() + "/public", HttpCredential.basicAuth("svc-payments", "pa55-SECRET"))
                .build();

        http.send(HttpRequest.newBuilder(server.uri("/v1/orders/1")).header("X-Api-Key", "agent-made-up").build(),
                HttpResponse.BodyHandlers.discarding());
        http.send(get(server.uri("/public/rates")), HttpResponse.BodyHandlers.discarding());

        assertEquals(List.of(API_KEY), server.received("/v1/orders/1").get(0).headers().get("x-api-key"));
        assertEquals("Basic " + Base64.getEncoder().encodeToString("svc-payments:pa55-SECRET"
                        .getBytes(StandardCharsets.UTF_8)), server.received("/public/rates").get(0).header("authorization"));
        assertEquals("HttpCredential.apiKey(X-Api-Key, ****)", HttpCredential.apiKey("X-Api-Key", API_KEY).toString());
        assertNoSecretIn(journal.directory(), API_KEY, "pa55-SECRET");
    }

    @Test
    void picksTheMostSpecificTargetAndNoneOutsideThem() throws Exception {
        GuardedHttpClient http = Agents.client(journal)
                .credential(origin() + "/v1", HttpCredential.bearerToken(TOKEN))
                .credential(origin() + "/v1/orders/", HttpCredential.bearerToken(REFUNDS_TOKEN))
                .build();

        http.send(get(server.uri("/v1/orders/9")), HttpResponse.BodyHandlers.discarding());
        http.send(get(server.uri("/v1/ordersx")), HttpResponse.BodyHandlers.discarding());
        http.send(get(server.uri("/v1")), HttpResponse.BodyHandlers.discarding());
        http.send(get(server.uri("/public/x")), HttpResponse.BodyHandlers.discarding());
        http.send(get(java.net.URI.create("http://localhost:" + server.port() + "/v1/orders/9")),
                HttpResponse.BodyHandlers.discarding());

        List<LoopbackServer.Received> got = server.received();
        assertEquals("Bearer " + REFUNDS_TOKEN, got.get(0).header("authorization"));
        assertEquals("Bearer " + TOKEN, got.get(1).header("authorization"), "/v1/ordersx is not under /v1/orders");
        assertEquals("Bearer " + TOKEN, got.get(2).header("authorization"));
        assertNull(got.get(3).header("authorization"));
        assertNull(got.get(4).header("authorization"), "another host name is another target");
    }

    @Test
    void sendsNoCredentialToAPathThatOnlyLooksLikeTheTarget() throws Exception {
        GuardedHttpClient http = bearer();

        for (String path : List.of("/v1/../public/x", "/v1/%2e%2e/public/y", "/V1/orders", "/public/v1/orders")) {
            http.send(get(server.uri(path)), HttpResponse.BodyHandlers.discarding());
        }

        assertEquals(4, server.received().size());
        for (LoopbackServer.Received r : server.received()) {
            assertNull(r.header("authorization"), r.rawPath());
        }
    }

    @Test
    void neverCarriesTheCredentialToAnotherHostOnARedirect() throws Exception {
        other.route("/v1/", r -> LoopbackServer.Reply.text(200, "stolen?"));
        server.route("/v1/steal", r -> LoopbackServer.Reply.redirect(307, other.uri("/v1/collect").toString()));
        server.route("/v1/leave", r -> LoopbackServer.Reply.redirect(302, "/public/landing"));
        GuardedHttpClient http = bearer();

        http.send(get(server.uri("/v1/steal")), HttpResponse.BodyHandlers.discarding());
        http.send(get(server.uri("/v1/leave")), HttpResponse.BodyHandlers.discarding());

        assertEquals(1, other.received("/v1/collect").size());
        assertNull(other.received("/v1/collect").get(0).header("authorization"),
                "the credential is decided per hop: the other host is not its target");
        assertNull(server.received("/public/landing").get(0).header("authorization"),
                "a hop within the origin but outside the target carries none either");
        assertNoSecretIn(journal.directory(), TOKEN);
    }

    @Test
    void keepsTheCredentialOutOfRefusals() throws Exception {
        GuardedHttpClient http = bearer();

        HttpPolicyViolationException e = assertThrows(HttpPolicyViolationException.class,
                () -> http.send(get(server.uri("/admin/keys")), HttpResponse.BodyHandlers.discarding()));

        assertFalse(e.getMessage().contains(TOKEN));
        assertTrue(server.received().isEmpty());
        assertThat(journal).containsNoMatch(java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(TOKEN)));
    }

    @Test
    void rejectsCredentialValuesThatCouldSplitAHeaderWithoutEchoingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HttpCredential.bearerToken("abc\r\nX-Evil: 1"));
        assertFalse(e.getMessage().contains("abc"));
        assertThrows(IllegalArgumentException.class, () -> HttpCredential.apiKey("Host", API_KEY));
        assertThrows(IllegalArgumentException.class, () -> HttpCredential.basicAuth("a:b", "pw"));
    }

    /** Reads every file of the journal directory as bytes and looks for the secrets, plain and base64. */
    static void assertNoSecretIn(Path directory, String... secrets) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (String secret : secrets) {
                    assertFalse(content.contains(secret), "the journal file " + f.getFileName() + " holds a secret");
                    String b64 = Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
                    assertFalse(content.contains(b64.substring(0, b64.length() - 4)),
                            "the journal file " + f.getFileName() + " holds a secret in base64");
                }
            }
        }
    }
}
