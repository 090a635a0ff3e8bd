package dev.agentguard.core.identity;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import dev.agentguard.core.identity.JwksServer.Mode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.agentguard.core.identity.Refusals.assertRejected;
import static dev.agentguard.core.identity.TestIssuer.AGENT;
import static dev.agentguard.core.identity.TestIssuer.NOW;
import static dev.agentguard.core.identity.TestIssuer.RSA;
import static dev.agentguard.core.identity.TestIssuer.RSA_2;
import static dev.agentguard.core.identity.TestIssuer.claims;
import static dev.agentguard.core.identity.TestIssuer.sign;
import static dev.agentguard.core.identity.TestIssuer.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keys fetched from a JWKS endpoint served by the JDK's HTTP server on loopback. */
class RemoteJwksTest {

    private final MutableClock clock = new MutableClock(NOW);
    private JwksServer server;

    @BeforeEach
    void start() throws Exception {
        server = new JwksServer(TestIssuer.publicKeys(RSA));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private AgentTokenVerifier.Builder remote() {
        return AgentTokenVerifier.builder().issuer(TestIssuer.ISSUER).audience(TestIssuer.AUDIENCE)
                .acceptedAlgorithms("RS256").jwksUrl(server.url()).clock(clock);
    }

    private String keySet() {
        return "the key set at " + server.url();
    }

    @Test
    void fetchesTheKeySetOnceForManyTokens() throws IdentityException {
        AgentTokenVerifier verifier = remote().build();

        for (int i = 0; i < 20; i++) {
            assertEquals("agent-" + i, verifier.verify(token(claims().subject("agent-" + i).build())).agentId());
        }

        assertEquals(1, server.requests());
    }

    @Test
    void fetchesTheKeySetAgainWhenATokenNamesANewKey() throws IdentityException {
        AgentTokenVerifier verifier = remote().build();
        assertEquals(AGENT, verifier.verify(token()).agentId());

        server.publish(TestIssuer.publicKeys(RSA, RSA_2)); // the provider rotates: rsa-2 signs from now on
        String rotated = sign(RSA_2, JWSAlgorithm.RS256, JOSEObjectType.JWT, claims().build());

        assertEquals(AGENT, verifier.verify(rotated).agentId());
        assertEquals(AGENT, verifier.verify(token()).agentId()); // rsa-1 tokens still in flight keep working
        assertEquals(2, server.requests());
    }

    @Test
    void refusesAKeyTheProviderDoesNotPublishAfterRefreshing() {
        AgentTokenVerifier verifier = remote().build();
        String unknown = sign(RSA_2, JWSAlgorithm.RS256, JOSEObjectType.JWT, claims().build());

        assertRejected(verifier, unknown, "agent token rejected: no key in " + keySet() + " matches its key id (kid) "
                + "\"rsa-2\" and algorithm RS256");
        assertEquals(2, server.requests()); // the first fetch, then one more looking for rsa-2
    }

    @Test
    void rateLimitsRefreshesCausedByMadeUpKeyIds() throws IdentityException {
        AgentTokenVerifier verifier = remote().build();
        verifier.verify(token());
        assertRejected(verifier, sign(TestIssuer.rsa("made-up-1"), JWSAlgorithm.RS256, JOSEObjectType.JWT,
                claims().build()), "agent token rejected: no key in " + keySet() + " matches its key id (kid) "
                + "\"made-up-1\" and algorithm RS256");

        String third = sign(TestIssuer.rsa("made-up-2"), JWSAlgorithm.RS256, JOSEObjectType.JWT, claims().build());
        IdentityException limited = assertRejected(verifier, third, "agent token not verified: " + keySet()
                + " could not be read (its refreshes are rate-limited); the next call tries again");

        assertInstanceOf(KeySetUnavailableException.class, limited);
        assertEquals(2, server.requests()); // nimbus allows two fetches per interval
        assertEquals(AGENT, verifier.verify(token()).agentId()); // known keys are unaffected
    }

    @Test
    void anUnreachableKeySetIsRetriedOnTheNextCallWithoutRebuilding() throws IdentityException {
        server.mode(Mode.FAIL);
        AgentTokenVerifier verifier = remote().build();
        String token = token();

        IdentityException down = assertRejected(verifier, token, "agent token not verified: " + keySet()
                + " could not be read (HTTP 500); the next call tries again");
        assertInstanceOf(KeySetUnavailableException.class, down);

        server.mode(Mode.SERVE);
        assertEquals(AGENT, verifier.verify(token).agentId());
    }

    @Test
    void aSlowKeySetEndpointTimesOut() {
        server.mode(Mode.HANG);
        AgentTokenVerifier verifier = remote().readTimeout(Duration.ofMillis(200)).build();

        assertRejected(verifier, token(), "agent token not verified: " + keySet() + " could not be read "
                + "(SocketTimeoutException: \"Read timed out\"); the next call tries again");
    }

    @Test
    void keepsUsingTheLastKeySetThroughAnOutage() throws IdentityException {
        AgentTokenVerifier verifier = remote().jwksCacheTimeToLive(Duration.ofMillis(2))
                .jwksRefreshRateLimit(Duration.ofMillis(1)).build();
        String token = token();
        assertEquals(AGENT, verifier.verify(token).agentId());
        server.mode(Mode.FAIL);

        // Nimbus expires its cache by the system clock: verify until a refetch has hit the failing endpoint.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (server.requests() < 2 && System.nanoTime() < deadline) {
            assertEquals(AGENT, verifier.verify(token).agentId());
        }

        assertTrue(server.requests() >= 2, "the cache never expired");
        assertEquals(AGENT, verifier.verify(token).agentId());
    }

    @Test
    void withoutOutageToleranceAnOutageRefusesOnceTheCacheExpires() throws IdentityException {
        AgentTokenVerifier verifier = remote().jwksCacheTimeToLive(Duration.ofMillis(2))
                .jwksRefreshRateLimit(Duration.ofMillis(1)).jwksOutageTolerance(Duration.ZERO).build();
        String token = token();
        assertEquals(AGENT, verifier.verify(token).agentId());
        server.mode(Mode.FAIL);

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        IdentityException refused = null;
        while (refused == null && System.nanoTime() < deadline) {
            try {
                verifier.verify(token);
            } catch (IdentityException e) {
                refused = e;
            }
        }

        assertInstanceOf(KeySetUnavailableException.class, refused);
    }

    @Test
    void theDefaultTimeoutsAreWellAboveNimbusDefaults() {
        assertEquals(Duration.ofSeconds(2), AgentTokenVerifier.DEFAULT_JWKS_TIMEOUT);
        assertTrue(AgentTokenVerifier.DEFAULT_JWKS_TIMEOUT.toMillis()
                > com.nimbusds.jose.jwk.source.JWKSourceBuilder.DEFAULT_HTTP_READ_TIMEOUT);
        assertThrows(IllegalArgumentException.class, () -> remote().readTimeout(Duration.ofMinutes(5)));
    }
}
