package dev.agentguard.core.identity;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;

import static dev.agentguard.core.identity.Refusals.assertRejected;
import static dev.agentguard.core.identity.TestIssuer.AGENT;
import static dev.agentguard.core.identity.TestIssuer.EC;
import static dev.agentguard.core.identity.TestIssuer.NOW;
import static dev.agentguard.core.identity.TestIssuer.RSA;
import static dev.agentguard.core.identity.TestIssuer.RSA_2;
import static dev.agentguard.core.identity.TestIssuer.claims;
import static dev.agentguard.core.identity.TestIssuer.sign;
import static dev.agentguard.core.identity.TestIssuer.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Signature, algorithm, type and registered-claim checks of a token. */
class AgentTokenVerifierTest {

    private final MutableClock clock = new MutableClock(NOW);
    private final AgentTokenVerifier verifier = TestIssuer.verifier(clock, RSA, EC).build();

    @Test
    void acceptsATokenSignedByTheIssuersRsaKey() throws IdentityException {
        AgentIdentity identity = verifier.verify(token());

        assertEquals(new AgentIdentity(AGENT, null, Set.of(), Set.of(), NOW.plus(Duration.ofMinutes(11))), identity);
    }

    @Test
    void acceptsATokenSignedByTheIssuersEcKey() throws IdentityException {
        String token = sign(EC, JWSAlgorithm.ES256, JOSEObjectType.JWT, claims().build());

        assertEquals(AGENT, verifier.verify(token).agentId());
    }

    @Test
    void theIdentityExpiresWhenTheVerifierStopsAcceptingTheToken() throws IdentityException {
        AgentIdentity identity = verifier.verify(token());

        assertEquals(NOW.plus(Duration.ofMinutes(10)).plus(AgentTokenVerifier.DEFAULT_CLOCK_SKEW), identity.expiresAt());
    }

    @Test
    void refusesAMissingToken() {
        assertRejected(verifier, null, "no agent token was presented");
        assertRejected(verifier, "  ", "no agent token was presented");
    }

    @Test
    void refusesGarbageWithoutQuotingIt() {
        String garbage = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXBhc3N3b3JkLWluLWEtYmFkLXRva2Vu";

        assertRejected(verifier, garbage,
                "agent token rejected: it is not a well-formed JWT (three base64url parts: header, claims, signature)");
    }

    @Test
    void refusesHostileHeadersAsMalformed() {
        String claims = base64(claims().build().toString());
        String deep = "{\"alg\":\"RS256\",\"x\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";
        String notBase64 = "e30*!." + claims + ".c2ln";
        String notJson = base64("{\"alg\":\"RS256\",") + "." + claims + ".c2ln";

        for (String token : List.of(base64(deep) + "." + claims + ".c2ln", notBase64, notJson, "a.b.c.d.e.f")) {
            IdentityException e = assertThrows(IdentityException.class, () -> verifier.verify(token));
            assertEquals("agent token rejected: it is not a well-formed JWT (three base64url parts: header, claims, "
                    + "signature)", e.getMessage(), token.substring(0, 10));
        }
    }

    @Test
    void refusesAnOversizedTokenBeforeParsingIt() {
        String huge = "a".repeat(AgentTokenVerifier.MAX_TOKEN_LENGTH + 1);

        assertRejected(verifier, huge, "agent token rejected: it is 65537 characters long; at most 65536 are accepted");
    }

    @Test
    void refusesAnUnsignedTokenWithAlgNone() {
        String unsigned = new PlainJWT(claims().build()).serialize();

        assertRejected(verifier, unsigned,
                "agent token rejected: it is unsigned (alg \"none\"); only tokens signed with RS256, ES256 are accepted");
    }

    @Test
    void refusesAlgNoneSpelledInCapitals() {
        String header = base64("{\"alg\":\"NONE\",\"typ\":\"JWT\"}");
        String claims = base64(claims().build().toString());

        assertRejected(verifier, header + "." + claims + ".",
                "agent token rejected: it is not a well-formed JWT (three base64url parts: header, claims, signature)");
        assertRejected(verifier, header + "." + claims + "." + base64("sig-nature-bytes"),
                "agent token rejected: it is signed with \"NONE\", which is not accepted; accepted: RS256, ES256");
    }

    @Test
    void refusesAnHmacTokenKeyedWithTheRsaPublicKey() throws Exception {
        // Algorithm confusion: the attacker MACs with the public key's bytes, hoping the verifier uses them as a secret.
        byte[] publicKeyBytes = RSA.toRSAPublicKey().getEncoded();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(RSA.getKeyID()).build(),
                claims().subject("payments-bot").build());
        forged.sign(new MACSigner(publicKeyBytes));

        assertRejected(verifier, forged.serialize(),
                "agent token rejected: it is signed with \"HS256\", which is not accepted; accepted: RS256, ES256");
    }

    @Test
    void algorithmConfusionFailsEvenAtTheKeySelector() throws Exception {
        // Defence in depth: were HS256 accepted by mistake, nimbus would still offer no RSA key as an HMAC secret.
        JWSVerificationKeySelector<SecurityContext> selector = new JWSVerificationKeySelector<>(
                Set.of(JWSAlgorithm.HS256), new ImmutableJWKSet<>(TestIssuer.publicKeys(RSA)));

        assertEquals(List.of(), selector.selectJWSKeys(new JWSHeader(JWSAlgorithm.HS256), null));
    }

    @Test
    void refusesAnEncryptedToken() throws Exception {
        EncryptedJWT encrypted = new EncryptedJWT(new JWEHeader(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM),
                claims().build());
        encrypted.encrypt(new RSAEncrypter(RSA.toRSAPublicKey()));

        assertRejected(verifier, encrypted.serialize(),
                "agent token rejected: it is encrypted (JWE); present a signed token (JWS)");
    }

    @Test
    void refusesATamperedPayload() {
        String token = token();
        String[] parts = token.split("\\.");
        String tampered = parts[0] + "." + base64(claims().subject("root-bot").build().toString()) + "." + parts[2];

        assertRejected(verifier, tampered,
                "agent token rejected: its signature does not verify with the configured key set");
    }

    @Test
    void refusesATamperedSignature() {
        String token = token();
        char last = token.charAt(token.length() - 10);
        String tampered = token.substring(0, token.length() - 10) + (last == 'A' ? 'B' : 'A')
                + token.substring(token.length() - 9);

        assertRejected(verifier, tampered,
                "agent token rejected: its signature does not verify with the configured key set");
    }

    @Test
    void refusesATokenSignedByAnotherKeyUnderAKnownKeyId() {
        RSAKey attacker = TestIssuer.rsa(RSA.getKeyID());

        assertRejected(verifier, sign(attacker, JWSAlgorithm.RS256, JOSEObjectType.JWT, claims().build()),
                "agent token rejected: its signature does not verify with the configured key set");
    }

    @Test
    void ignoresAKeyEmbeddedInTheTokenHeader() {
        // A token that carries its own key (jwk header) must not be checked against that key.
        RSAKey attacker = TestIssuer.rsa("attacker");
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(RSA.getKeyID())
                .jwk(attacker.toPublicJWK()).type(JOSEObjectType.JWT).build();

        assertRejected(verifier, sign(attacker, header, claims().build()),
                "agent token rejected: its signature does not verify with the configured key set");
    }

    @Test
    void refusesCriticalHeaderParametersItDoesNotProcess() {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(RSA.getKeyID()).type(JOSEObjectType.JWT)
                .customParam("https://example.com/policy", "strict")
                .criticalParams(Set.of("https://example.com/policy")).build();

        assertRejected(verifier, sign(RSA, header, claims().build()), "agent token rejected: it marks header "
                + "parameters as critical (crit), which this verifier does not process");
    }

    @Test
    void refusesATokenWhoseKeyIdIsUnknown() {
        assertRejected(verifier, sign(RSA_2, JWSAlgorithm.RS256, JOSEObjectType.JWT, claims().build()),
                "agent token rejected: no key in the configured key set matches its key id (kid) \"rsa-2\" and "
                        + "algorithm RS256");
    }

    @Test
    void refusesATokenWithoutExpiry() {
        String forever = token(claims().expirationTime(null).build());

        assertRejected(verifier, forever,
                "agent token rejected: it has no expiry (exp); tokens without one are never accepted");
    }

    @Test
    void nimbusOwnClaimsVerifierWouldHaveAcceptedTheTokenWithoutExpiry() throws Exception {
        // The trap this verifier closes: DefaultJWTClaimsVerifier requires exp only when told to.
        DefaultJWTProcessor<SecurityContext> nimbus = new DefaultJWTProcessor<>();
        nimbus.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
                new ImmutableJWKSet<>(TestIssuer.publicKeys(RSA))));
        nimbus.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(TestIssuer.AUDIENCE,
                new JWTClaimsSet.Builder().issuer(TestIssuer.ISSUER).build(), Set.of("sub")));

        JWTClaimsSet accepted = nimbus.process(token(claims().expirationTime(null).issueTime(null).build()), null);

        assertNull(accepted.getExpirationTime());
    }

    @Test
    void refusesAnExpiredTokenBeyondTheClockSkew() {
        String token = token();
        clock.advance(Duration.ofMinutes(11));

        assertRejected(verifier, token, "agent token rejected: it expired at 2030-01-01T00:10:00Z "
                + "(now 2030-01-01T00:11:00Z, clock skew allowed 60 s)");
    }

    @Test
    void acceptsAnExpiredTokenWithinTheClockSkew() throws IdentityException {
        String token = token();
        clock.advance(Duration.ofMinutes(10).plusSeconds(59));

        assertEquals(AGENT, verifier.verify(token).agentId());
    }

    @Test
    void aZeroClockSkewAcceptsNothingPastExp() throws IdentityException {
        AgentTokenVerifier strict = TestIssuer.verifier(clock, RSA).clockSkew(Duration.ZERO).build();
        String token = token();
        clock.advance(Duration.ofMinutes(10).minusSeconds(1));
        assertEquals(AGENT, strict.verify(token).agentId());

        clock.advance(Duration.ofSeconds(1));

        assertRejected(strict, token, "agent token rejected: it expired at 2030-01-01T00:10:00Z "
                + "(now 2030-01-01T00:10:00Z, clock skew allowed 0 s)");
    }

    @Test
    void refusesATokenNotYetValidBeyondTheClockSkew() {
        String token = token(claims().notBeforeTime(Date.from(NOW.plusSeconds(61))).build());

        assertRejected(verifier, token, "agent token rejected: it is not valid before 2030-01-01T00:01:01Z "
                + "(now 2030-01-01T00:00:00Z, clock skew allowed 60 s)");
    }

    @Test
    void acceptsATokenNotYetValidWithinTheClockSkew() throws IdentityException {
        String token = token(claims().notBeforeTime(Date.from(NOW.plusSeconds(60))).build());

        assertEquals(AGENT, verifier.verify(token).agentId());
    }

    @Test
    void refusesATokenIssuedInTheFuture() {
        String token = token(claims().issueTime(Date.from(NOW.plusSeconds(300))).build());

        assertRejected(verifier, token, "agent token rejected: it was issued in the future, at "
                + "2030-01-01T00:05:00Z (now 2030-01-01T00:00:00Z, clock skew allowed 60 s)");
    }

    @Test
    void refusesAnotherIssuer() {
        assertRejected(verifier, token(claims().issuer("https://evil.example.com").build()),
                "agent token rejected: its issuer (iss) \"https://evil.example.com\" is not the accepted issuer "
                        + "https://idp.example.com/realms/agents");
        assertRejected(verifier, token(claims().issuer(null).build()),
                "agent token rejected: it names no issuer (iss); the accepted issuer is "
                        + "https://idp.example.com/realms/agents");
    }

    @Test
    void quotesAHostileIssuerSafely() {
        String hostile = "https://evil\n2030-01-01 AUDIT agent=root decision=ALLOWED\u202e" + "x".repeat(100);

        assertRejected(verifier, token(claims().issuer(hostile).build()),
                "agent token rejected: its issuer (iss) \"https://evil?2030-01-01 AUDIT agent=root "
                        + "decision=ALLOWED?" + "x".repeat(22) + "…\" is not the accepted issuer "
                        + "https://idp.example.com/realms/agents");
    }

    @Test
    void refusesATokenForAnotherAudience() {
        assertRejected(verifier, token(claims().audience(List.of("billing-api", "ledger")).build()),
                "agent token rejected: its audience (aud) [\"billing-api\", \"ledger\"] includes none of the "
                        + "accepted audiences [payments-db]");
        assertRejected(verifier, token(claims().audience((String) null).build()),
                "agent token rejected: it names no audience (aud); accepted: [payments-db]");
    }

    @Test
    void acceptsATokenWhenOneOfItsAudiencesIsAccepted() throws IdentityException {
        String token = token(claims().audience(List.of("billing-api", TestIssuer.AUDIENCE)).build());

        assertEquals(AGENT, verifier.verify(token).agentId());
    }

    @Test
    void refusesRegisteredClaimsOfTheWrongType() {
        String token = token(claims().claim("exp", "tomorrow").build());

        assertRejected(verifier, token, "agent token rejected: its claims are not a valid JWT claims set (a registered "
                + "claim such as exp, iss or aud has the wrong type)");
    }

    @Test
    void acceptsTheDefaultTypes() throws IdentityException {
        for (String typ : List.of("JWT", "at+jwt", "application/at+jwt", "jwt", "AT+JWT")) {
            String token = sign(RSA, JWSAlgorithm.RS256, new JOSEObjectType(typ), claims().build());
            assertEquals(AGENT, verifier.verify(token).agentId(), typ);
        }
    }

    @Test
    void refusesATypeNotAccepted() {
        String jose = sign(RSA, JWSAlgorithm.RS256, JOSEObjectType.JOSE, claims().build());

        assertRejected(verifier, jose, "agent token rejected: its type (typ) \"JOSE\" is not accepted; accepted: JWT, "
                + "at+jwt");
    }

    @Test
    void acceptsJoseWhenConfiguredForSpiffe() throws IdentityException {
        AgentTokenVerifier svid = TestIssuer.verifier(clock, RSA).acceptedTypes("JWT", "JOSE").build();

        assertEquals(AGENT, svid.verify(sign(RSA, JWSAlgorithm.RS256, JOSEObjectType.JOSE, claims().build())).agentId());
        assertRejected(svid, sign(RSA, JWSAlgorithm.RS256, new JOSEObjectType("at+jwt"), claims().build()),
                "agent token rejected: its type (typ) \"at+jwt\" is not accepted; accepted: JWT, JOSE");
    }

    @Test
    void acceptsATokenWithoutTypeByDefault() throws IdentityException {
        String untyped = sign(RSA, JWSAlgorithm.RS256, null, claims().build());

        assertEquals(AGENT, verifier.verify(untyped).agentId());
    }

    @Test
    void refusesATokenWithoutTypeWhenATypeIsRequired() {
        AgentTokenVerifier typed = TestIssuer.verifier(clock, RSA).acceptedTypes("at+jwt").typeRequired(true).build();

        assertRejected(typed, sign(RSA, JWSAlgorithm.RS256, null, claims().build()),
                "agent token rejected: it has no type (typ); accepted: at+jwt");
    }

    @Test
    void nimbusTypeVerifierOverSetOfWouldHaveThrownNullPointerException() {
        // The trap AcceptedTypes avoids: Set.of(...).contains(null) throws.
        DefaultJOSEObjectTypeVerifier<SecurityContext> nimbus =
                new DefaultJOSEObjectTypeVerifier<>(Set.of(JOSEObjectType.JWT));

        assertThrows(NullPointerException.class, () -> nimbus.verify(null, null));
    }

    @Test
    void refusesAnAlgorithmNotInTheAcceptedList() {
        AgentTokenVerifier ecOnly = AgentTokenVerifier.builder().issuer(TestIssuer.ISSUER)
                .audience(TestIssuer.AUDIENCE).acceptedAlgorithms("ES256").jwkSet(TestIssuer.publicKeys(RSA, EC))
                .clock(clock).build();

        assertRejected(ecOnly, token(), "agent token rejected: it is signed with \"RS256\", which is not accepted; "
                + "accepted: ES256");
    }

    @Test
    void describesItselfWithoutKeys() {
        assertEquals("AgentTokenVerifier[issuer=https://idp.example.com/realms/agents, algorithms=RS256, ES256, "
                + "keys=the configured key set]", verifier.toString());
    }

    private static String base64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
