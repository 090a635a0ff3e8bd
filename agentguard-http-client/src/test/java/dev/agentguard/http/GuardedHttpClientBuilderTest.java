package dev.agentguard.http;

import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.action.HttpAction;
import dev.agentguard.core.guard.Guard;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.Test;

import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Building a guarded client: a bad or unsafe setting is rejected with a message that says what to do. */
class GuardedHttpClientBuilderTest {

    @TempJournal
    Journal journal;

    @Test
    void requiresAClientANameAnIdentityAndAPolicyWithAJournal() {
        assertEquals("client is not set: pass the HttpClient to guard, e.g. HttpClient.newHttpClient()",
                assertThrows(IllegalStateException.class, () -> GuardedHttpClient.builder().name("api")
                        .identity(Agents.PAYMENTS_AGENT).policy(TestPolicies.paymentsApi()).journal(journal).build())
                        .getMessage());
        assertEquals("name is not set: name the client as audit events should show it, e.g. name(\"payments-api\")",
                assertThrows(IllegalStateException.class, () -> GuardedHttpClient.builder()
                        .client(HttpClient.newHttpClient()).identity(Agents.PAYMENTS_AGENT)
                        .policy(TestPolicies.paymentsApi()).journal(journal).build()).getMessage());
        assertEquals("identity is not set: pass the IdentitySource of the agent, e.g. "
                        + "IdentitySource.fixed(AgentIdentity.of(\"payments-agent\"))",
                assertThrows(IllegalStateException.class, () -> GuardedHttpClient.builder()
                        .client(HttpClient.newHttpClient()).name("api").policy(TestPolicies.paymentsApi())
                        .journal(journal).build()).getMessage());
        assertEquals("journal is not set: pass a policy and a journal, or a Guard built from them",
                assertThrows(IllegalStateException.class, () -> GuardedHttpClient.builder()
                        .client(HttpClient.newHttpClient()).name("api").identity(Agents.PAYMENTS_AGENT)
                        .policy(TestPolicies.paymentsApi()).build()).getMessage());
        Guard guard = Guard.builder().policy(TestPolicies.paymentsApi()).journal(journal).build();
        assertEquals("guard is set together with policy, journal, approver or approvalTimeout: configure those on the "
                        + "Guard, or drop guard(...) and set them here",
                assertThrows(IllegalStateException.class, () -> Agents.client(journal).guard(guard).build())
                        .getMessage());
    }

    @Test
    void refusesAWrappedClientThatFollowsRedirectsOrHoldsAnAuthenticator() {
        IllegalStateException redirects = assertThrows(IllegalStateException.class, () -> Agents.client(journal)
                .client(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()).build());
        assertEquals("the wrapped HttpClient follows redirects (NORMAL), so its hops would reach the network without a "
                + "decision: build it with followRedirects(HttpClient.Redirect.NEVER) and set the redirects the agent "
                + "gets with GuardedHttpClient.Builder.followRedirects(...)", redirects.getMessage());

        Authenticator passwords = new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication("svc", "pw".toCharArray());
            }
        };
        IllegalStateException auth = assertThrows(IllegalStateException.class, () -> Agents.client(journal)
                .client(HttpClient.newBuilder().authenticator(passwords).build()).build());
        assertTrue(auth.getMessage().startsWith("the wrapped HttpClient has an Authenticator"), auth.getMessage());
    }

    @Test
    void refusesToGuardTwiceAndBadSettings() {
        GuardedHttpClient once = GuardedHttpClient.wrap(HttpClient.newHttpClient(), "payments-api",
                Guard.builder().policy(TestPolicies.paymentsApi()).journal(journal).build(), Agents.PAYMENTS_AGENT);
        assertEquals("payments-api", once.name());
        assertTrue(once.sessionId().startsWith("http-"));
        assertEquals("GuardedHttpClient[payments-api]", once.toString());
        assertEquals("client is already a GuardedHttpClient: guard the client it wraps once, with one policy",
                assertThrows(IllegalArgumentException.class, () -> GuardedHttpClient.builder().client(once))
                        .getMessage());
        assertEquals("name \"api?forged\" is not allowed: use 1 to 200 printable characters, e.g. \"payments-api\"",
                assertThrows(IllegalArgumentException.class, () -> GuardedHttpClient.builder().name("api\nforged"))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> GuardedHttpClient.builder().maxRedirects(0));
        assertThrows(IllegalArgumentException.class, () -> GuardedHttpClient.builder().maxRedirects(21));
        assertThrows(IllegalArgumentException.class, () -> GuardedHttpClient.builder().requestBodyLimit(-1));
        assertThrows(IllegalArgumentException.class, () -> GuardedHttpClient.builder().forwardIdentity("Host"));
        assertThrows(IllegalArgumentException.class, () -> GuardedHttpClient.builder().forwardIdentity("X Agent"));
        assertThrows(IllegalArgumentException.class, () -> GuardedHttpClient.builder().sensitiveHeaders("a:b"));
        assertEquals("target http://api.example.com is http: a client certificate needs an https target",
                assertThrows(IllegalArgumentException.class, () -> GuardedHttpClient.builder().credential(
                        "http://api.example.com", HttpCredential.clientCertificate(sslContext()))).getMessage());
        assertEquals("target https://api.example.com/v1 has a credential already; one target, one credential (use a "
                        + "longer path prefix for another)",
                assertThrows(IllegalArgumentException.class, () -> GuardedHttpClient.builder()
                        .credential("https://api.example.com/v1/", HttpCredential.bearerToken("a"))
                        .credential("https://API.example.com:443/v1", HttpCredential.bearerToken("b"))).getMessage());
    }

    @Test
    void readsTargetsAsUrlsAndRefusesAnythingVague() {
        HttpTarget t = HttpTarget.of("https://API.Example.com/v1/");
        assertEquals(new HttpTarget("https", "api.example.com", 443, "/v1"), t);
        assertEquals("https://api.example.com/v1", t.toString());
        assertEquals("http://10.0.0.1:8080", HttpTarget.of("http://10.0.0.1:8080").toString());
        assertTrue(t.covers(action("https://api.example.com/v1/orders/7")));
        assertTrue(t.covers(action("https://api.example.com/v1")));
        assertFalse(t.covers(action("https://api.example.com/v10")));
        assertFalse(t.covers(action("http://api.example.com/v1/orders")));
        assertFalse(t.covers(action("https://api.example.com:8443/v1/orders")));
        assertFalse(t.covers(action("https://api.example.com/v1/../../v1/x")), "a path that climbs out is no target's");
        assertThrows(IllegalArgumentException.class, () -> HttpTarget.of("https://user:pw@api.example.com"));
        assertThrows(IllegalArgumentException.class, () -> HttpTarget.of("https://api.example.com/v1?x=1"));
        assertThrows(IllegalArgumentException.class, () -> HttpTarget.of("https://*.example.com"));
        assertThrows(IllegalArgumentException.class, () -> HttpTarget.of("ftp://api.example.com"));
        assertThrows(IllegalArgumentException.class, () -> HttpTarget.of("/v1"));
    }

    private static HttpAction action(String url) {
        return HttpAction.of("GET", URI.create(url), Set.of(), 0, Map.of());
    }

    private static javax.net.ssl.SSLContext sslContext() {
        try {
            return javax.net.ssl.SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
