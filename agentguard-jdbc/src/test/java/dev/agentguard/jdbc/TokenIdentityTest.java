package dev.agentguard.jdbc;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.identity.AgentTokenVerifier;
import dev.agentguard.core.identity.TokenIdentitySource;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static dev.agentguard.junit.JournalAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An agent that works with an OIDC token: expiry mid-session refuses, a refreshed token resumes on the same connection. */
class TokenIdentityTest {
    private static final Instant T0 = Instant.parse("2026-11-26T09:00:00Z");

    @TempJournal
    Journal journal;

    private static String token(RSAKey key, String sub, Instant expires) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(),
                new JWTClaimsSet.Builder().issuer("https://idp.example").audience("payments-db").subject(sub)
                        .claim("roles", List.of("payments")).issueTime(Date.from(T0))
                        .expirationTime(Date.from(expires)).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static boolean readsCardOne(Statement s) throws Exception {
        try (ResultSet rs = s.executeQuery("SELECT holder FROM cards WHERE id = 1")) {
            return rs.next();
        }
    }

    @Test
    void refusesTheStatementAfterTheTokenExpiresAndResumesWithARefreshedOne() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        MutableClock clock = new MutableClock(T0);
        AgentTokenVerifier verifier = AgentTokenVerifier.builder().issuer("https://idp.example").audience("payments-db")
                .acceptedAlgorithms("RS256").jwkSet(new JWKSet(key.toPublicJWK())).roleClaims("roles")
                .clockSkew(Duration.ofSeconds(30)).clock(clock).build();
        AtomicReference<String> current = new AtomicReference<>(token(key, "payments-agent", T0.plusSeconds(300)));

        try (PaymentsDatabase db = PaymentsDatabase.h2()) {
            GuardedDataSource ds = GuardedDataSource.builder().dataSource(db.forGuard()).name("payments-db")
                    .identity(TokenIdentitySource.supplier(verifier, current::get)).policy(TestPolicies.payments())
                    .journal(journal).clock(clock).build();
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                assertTrue(readsCardOne(s));

                clock.advance(Duration.ofSeconds(331)); // past exp + skew
                IdentityRefusedException expired = assertThrows(IdentityRefusedException.class, () -> readsCardOne(s));
                assertEquals("28000", expired.getSQLState());
                assertFalse(expired.getMessage().contains(current.get()), "the token never appears in a message");

                current.set(token(key, "payments-agent", T0.plusSeconds(900)));
                assertTrue(readsCardOne(s), "the refreshed token resumes work on the same connection");
            }
        }
        assertThat(journal)
                .hasExactly(2).eventsMatching(e -> e.phase(Phase.INTENT).agent("payments-agent").decision(Decision.ALLOWED))
                .hasExactly(1).eventsMatching(e -> e.phase(Phase.IDENTITY).decision(Decision.DENIED))
                .containsNoMatch(java.util.regex.Pattern.compile("eyJ[A-Za-z0-9_-]{10,}"));
    }
}
