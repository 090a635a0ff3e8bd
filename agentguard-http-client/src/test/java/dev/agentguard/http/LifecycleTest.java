package dev.agentguard.http;

import dev.agentguard.audit.journal.Journal;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.CookieManager;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guarded client's settings and lifecycle are the wrapped client's; WebSockets are refused. */
class LifecycleTest {

    @TempJournal
    Journal journal;

    @Test
    void forwardsTheJava21LifecycleToAWrappedClientThatHasIt() throws Exception {
        Java21ShapedClient wrapped = new Java21ShapedClient();
        GuardedHttpClient http = Agents.client(journal).client(wrapped).build();

        assertFalse(http.isTerminated(), "nothing was shut down yet");
        http.shutdown();
        assertFalse(http.isTerminated());
        http.shutdownNow();
        assertTrue(http.awaitTermination(Duration.ofSeconds(5)));
        http.close();

        assertEquals(List.of("shutdown", "isTerminated", "shutdownNow", "awaitTermination false", "isTerminated",
                "close"), wrapped.calls);
    }

    @Test
    void refusesRequestsOnceShutDown() throws Exception {
        GuardedHttpClient http = Agents.client(journal).build();
        http.shutdown();

        IOException e = assertThrows(IOException.class, () -> http.send(
                HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:9/v1/x")).build(),
                HttpResponse.BodyHandlers.discarding()));
        assertEquals("the guarded HTTP client \"payments-api\" is shut down", e.getMessage());
        assertTrue(http.awaitTermination(Duration.ofSeconds(5)));
        assertTrue(http.isTerminated());
        assertEquals("GuardedHttpClient[payments-api, shut down]", http.toString());
    }

    @Test
    void closesTheRealClientsSelectorOnJava21() throws Exception {
        // The run on a newer JDK (see the pom's newer-jdk profile) must not skip this.
        if (Boolean.getBoolean("agentguard.test.newerJdk")) {
            assertTrue(Runtime.version().feature() >= 21, "the newer-JDK run is on Java " + Runtime.version());
        }
        Assumptions.assumeTrue(Runtime.version().feature() >= 21, "HttpClient has a lifecycle from Java 21 on");
        HttpClient real = HttpClient.newHttpClient();
        GuardedHttpClient http = Agents.client(journal).client(real).build();

        http.close();

        assertEquals(Boolean.TRUE, HttpClient.class.getMethod("isTerminated").invoke(real));
        assertTrue(http.isTerminated());
    }

    @Test
    void answersWithTheWrappedClientsSettingsAndItsOwnRedirectPolicy() {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            CookieManager cookies = new CookieManager();
            HttpClient real = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).cookieHandler(cookies)
                    .proxy(ProxySelector.of(null)).executor(executor).version(HttpClient.Version.HTTP_1_1).build();
            GuardedHttpClient http = Agents.client(journal).client(real).followRedirects(HttpClient.Redirect.NORMAL)
                    .build();

            assertEquals(Optional.of(Duration.ofSeconds(3)), http.connectTimeout());
            assertSame(cookies, http.cookieHandler().orElseThrow());
            assertTrue(http.proxy().isPresent());
            assertEquals(Optional.<Executor>of(executor), http.executor());
            assertEquals(HttpClient.Version.HTTP_1_1, http.version());
            assertSame(real.sslContext(), http.sslContext());
            assertEquals(real.sslParameters().getProtocols().length, http.sslParameters().getProtocols().length);
            assertEquals(Optional.empty(), http.authenticator());
            assertEquals(HttpClient.Redirect.NORMAL, http.followRedirects());
            assertEquals(HttpClient.Redirect.NEVER, real.followRedirects());
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void refusesWebSockets() {
        GuardedHttpClient http = Agents.client(journal).build();

        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, http::newWebSocketBuilder);
        assertEquals("WebSockets are refused by the guarded HTTP client \"payments-api\": messages after the handshake "
                + "cannot be decided by policy, masked or journaled; use HTTP requests", e.getMessage());
    }
}
