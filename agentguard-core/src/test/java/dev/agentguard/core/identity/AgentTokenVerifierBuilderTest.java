package dev.agentguard.core.identity;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.agentguard.core.identity.TestIssuer.EC;
import static dev.agentguard.core.identity.TestIssuer.RSA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The builder refuses unsafe or incomplete settings, each with a message that says what to do. */
class AgentTokenVerifierBuilderTest {

    private static AgentTokenVerifier.Builder complete() {
        return AgentTokenVerifier.builder().issuer(TestIssuer.ISSUER).audience(TestIssuer.AUDIENCE)
                .acceptedAlgorithms("RS256").jwkSet(TestIssuer.publicKeys(RSA));
    }

    private static String built(AgentTokenVerifier.Builder builder) {
        return assertThrows(IllegalStateException.class, builder::build).getMessage();
    }

    private static String set(Runnable setter) {
        return assertThrows(IllegalArgumentException.class, setter::run).getMessage();
    }

    @Test
    void issuerAudienceAlgorithmsAndKeysAreRequired() {
        assertEquals("issuer is not set: call issuer(...) with the exact iss of your identity provider's tokens, such "
                + "as issuer(\"https://idp.example.com/realms/agents\")", built(AgentTokenVerifier.builder()));
        assertEquals("audience is not set: call audience(...) with the aud your identity provider puts in the agents' "
                + "tokens, such as audience(\"payments-db\"), so that a token minted for another service is refused",
                built(AgentTokenVerifier.builder().issuer(TestIssuer.ISSUER)));
        assertEquals("acceptedAlgorithms is not set: name the algorithms your identity provider signs with, such as "
                + "acceptedAlgorithms(\"RS256\"); there is no default, so that none and HMAC are never accepted by "
                + "accident", built(AgentTokenVerifier.builder().issuer(TestIssuer.ISSUER).audience("a")));
        assertEquals("no key set is configured: call jwksUrl(...), jwksFile(...), jwkSet(...) or keySource(...) with "
                + "your identity provider's public keys", built(AgentTokenVerifier.builder().issuer(TestIssuer.ISSUER)
                .audience("a").acceptedAlgorithms("RS256")));
    }

    @Test
    void algNoneCannotBeAccepted() {
        assertEquals("acceptedAlgorithms \"none\" is never accepted: an unsigned token proves nothing about who sent "
                + "it; name the algorithm your identity provider signs with, such as RS256",
                set(() -> AgentTokenVerifier.builder().acceptedAlgorithms("RS256", "None")));
    }

    @Test
    void unknownAlgorithmsAreRefusedWithTheSupportedList() {
        assertEquals("acceptedAlgorithms \"rs256\" is not supported; use one of ES256, ES384, ES512, HS256, HS384, "
                + "HS512, PS256, PS384, PS512, RS256, RS384, RS512 (names are case-sensitive)",
                set(() -> AgentTokenVerifier.builder().acceptedAlgorithms("rs256")));
        assertEquals("acceptedAlgorithms \"EdDSA\" is not supported; use one of ES256, ES384, ES512, HS256, HS384, "
                + "HS512, PS256, PS384, PS512, RS256, RS384, RS512 (names are case-sensitive)",
                set(() -> AgentTokenVerifier.builder().acceptedAlgorithms("EdDSA")));
    }

    @Test
    void hmacCannotBeMixedWithPublicKeyAlgorithms() {
        assertEquals("acceptedAlgorithms mixes HMAC with public-key algorithms (RS256, HS256): a verifier that accepts "
                + "both lets a token be MACed with the public key's bytes (algorithm confusion); accept one kind",
                built(complete().acceptedAlgorithms("HS256")));
    }

    @Test
    void hmacIsRefusedWhenTheKeysArePublicKeys() {
        AgentTokenVerifier.Builder hmacOverRsa = AgentTokenVerifier.builder().issuer(TestIssuer.ISSUER).audience("a")
                .acceptedAlgorithms("HS256").jwkSet(TestIssuer.publicKeys(RSA));

        assertEquals("jwkSet holds RSA keys, so HMAC algorithms are refused: an HMAC checked with public key bytes is "
                + "the algorithm-confusion attack; accept RS256 or ES256 for public keys", built(hmacOverRsa));
    }

    @Test
    void hmacIsRefusedWithARemoteKeySet() {
        AgentTokenVerifier.Builder hmacOverUrl = AgentTokenVerifier.builder().issuer(TestIssuer.ISSUER).audience("a")
                .acceptedAlgorithms("HS256").jwksUrl(URI.create("https://idp.example.com/jwks"));

        assertEquals("acceptedAlgorithms HS256 needs a shared secret, which jwksUrl does not hold: HMAC tokens are "
                + "accepted only with jwkSet(...) or jwksFile(...) holding secret (oct) keys; identity providers sign "
                + "with RS256 or ES256", built(hmacOverUrl));
    }

    @Test
    void hmacWorksWithLocalSecretKeys() throws Exception {
        OctetSequenceKey secret = new OctetSequenceKeyGenerator(256).keyID("local").generate();
        AgentTokenVerifier hmac = AgentTokenVerifier.builder().issuer(TestIssuer.ISSUER).audience(TestIssuer.AUDIENCE)
                .acceptedAlgorithms("HS256").jwkSet(new JWKSet(secret)).clock(new MutableClock(TestIssuer.NOW))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("local").build(),
                TestIssuer.claims().build());
        jwt.sign(new MACSigner(secret));

        assertEquals(TestIssuer.AGENT, hmac.verify(jwt.serialize()).agentId());
    }

    @Test
    void aKeySetWithoutKeysForTheAcceptedAlgorithmsIsRefused() {
        assertEquals("jwkSet holds no public key for RSA algorithms; it holds EC: give the issuer's public keys, or "
                + "accept the algorithms they are for", built(AgentTokenVerifier.builder().issuer(TestIssuer.ISSUER)
                .audience("a").acceptedAlgorithms("RS256").jwkSet(TestIssuer.publicKeys(EC))));
    }

    @Test
    void privateKeyPartsAreDropped() throws IdentityException {
        // A key set handed over with private parts must not keep them in the verifier.
        AgentTokenVerifier verifier = AgentTokenVerifier.builder().issuer(TestIssuer.ISSUER)
                .audience(TestIssuer.AUDIENCE).acceptedAlgorithms("RS256").jwkSet(new JWKSet(RSA))
                .clock(new MutableClock(TestIssuer.NOW)).build();

        assertEquals(TestIssuer.AGENT, verifier.verify(TestIssuer.token()).agentId());
    }

    @Test
    void onlyOneKeySetCanBeConfigured() {
        assertEquals("only one key set can be configured, got jwkSet and jwksUrl: keep the one that holds your "
                + "identity provider's keys", built(complete().jwksUrl(URI.create("https://idp.example.com/jwks"))));
    }

    @Test
    void jwksUrlMustBeHttpsOutsideLoopback() {
        assertEquals("jwksUrl \"http://idp.example.com/jwks\" is not https: keys fetched over plain http can be "
                + "replaced in transit; use https (plain http is accepted for loopback addresses only)",
                set(() -> AgentTokenVerifier.builder().jwksUrl(URI.create("http://idp.example.com/jwks"))));
        assertEquals("jwksUrl \"ftp://idp.example.com/jwks\" is not an absolute https URL; give the identity "
                + "provider's jwks_uri, such as https://idp.example.com/realms/agents/protocol/openid-connect/certs",
                set(() -> AgentTokenVerifier.builder().jwksUrl(URI.create("ftp://idp.example.com/jwks"))));
        assertEquals("jwksUrl must not carry user information (user:password@); a JWKS endpoint is public: remove it "
                + "from the URL",
                set(() -> AgentTokenVerifier.builder().jwksUrl(URI.create("https://u:secret@idp.example.com/jwks"))));
        for (String loopback : List.of("http://localhost:8080/jwks", "http://127.0.0.1/jwks", "http://[::1]:1/jwks")) {
            AgentTokenVerifier.builder().jwksUrl(URI.create(loopback)); // accepted
        }
    }

    @Test
    void fetchSettingsApplyToJwksUrlOnly() {
        assertEquals("connectTimeout, jwksOutageTolerance applies to jwksUrl only, and the keys come from jwkSet: "
                + "remove them", built(complete().connectTimeout(Duration.ofSeconds(5))
                .jwksOutageTolerance(Duration.ZERO)));
    }

    @Test
    void timeoutsAndCacheSettingsAreBounded() {
        assertEquals("connectTimeout must be between 1 ms and 60000 ms, got 0 ms",
                set(() -> AgentTokenVerifier.builder().connectTimeout(Duration.ZERO)));
        assertEquals("readTimeout must be between 1 ms and 60000 ms, got 120000 ms",
                set(() -> AgentTokenVerifier.builder().readTimeout(Duration.ofMinutes(2))));
        assertEquals("jwksRefreshRateLimit (300000 ms) must be shorter than jwksCacheTimeToLive (60000 ms): shorten "
                + "the rate limit or keep fetched keys longer", built(AgentTokenVerifier.builder()
                .issuer(TestIssuer.ISSUER).audience("a").acceptedAlgorithms("RS256")
                .jwksUrl(URI.create("https://idp.example.com/jwks")).jwksCacheTimeToLive(Duration.ofMinutes(1))
                .jwksRefreshRateLimit(Duration.ofMinutes(5))));
    }

    @Test
    void clockSkewIsBoundedToFiveMinutes() {
        assertEquals("clockSkew must be between 0 s and 300 s, got 600 s: a larger skew keeps expired tokens alive; "
                + "fix the host clocks (NTP) instead",
                set(() -> AgentTokenVerifier.builder().clockSkew(Duration.ofMinutes(10))));
        assertEquals("clockSkew must be between 0 s and 300 s, got -1 s: a larger skew keeps expired tokens alive; "
                + "fix the host clocks (NTP) instead",
                set(() -> AgentTokenVerifier.builder().clockSkew(Duration.ofSeconds(-1))));
    }

    @Test
    void spiffeIdsNeedATrustDomain() {
        assertEquals("agentIdClaim SPIFFE_ID needs spiffeTrustDomain(...): name the trust domain your agents' SPIFFE "
                + "IDs belong to, such as spiffeTrustDomain(\"example.org\")",
                built(complete().agentIdClaim(AgentIdClaim.SPIFFE_ID)));
        assertEquals("spiffeTrustDomain applies to agentIdClaim SPIFFE_ID only, and agent ids come from SUBJECT: call "
                + "agentIdClaim(AgentIdClaim.SPIFFE_ID) or remove spiffeTrustDomain",
                built(complete().spiffeTrustDomain("example.org")));
        assertEquals("spiffeTrustDomain \"spiffe://Example.org\" is not a trust domain name: use lower-case letters, "
                + "digits, '.', '-' and '_', such as example.org (without spiffe://)",
                set(() -> AgentTokenVerifier.builder().spiffeTrustDomain("spiffe://Example.org")));
    }

    @Test
    void theOnBehalfOfClaimIsNotTheAgentIdClaim() {
        assertEquals("onBehalfOfClaim \"sub\" is the claim agent ids come from: name the claim that holds the user, "
                + "or remove onBehalfOfClaim", built(complete().onBehalfOfClaim("sub")));
    }

    @Test
    void blankNamesAreRefused() {
        assertEquals("issuer must not be blank: call issuer(\"https://idp.example.com/realms/agents\")",
                set(() -> AgentTokenVerifier.builder().issuer(" ")));
        assertEquals("roleClaims must not be blank: call roleClaims(\"realm_access.roles\")",
                set(() -> AgentTokenVerifier.builder().roleClaims("roles", "")));
        assertEquals("acceptedTypes needs at least one type, such as JWT or at+jwt; to accept tokens without typ, keep "
                + "typeRequired(false)", set(() -> AgentTokenVerifier.builder().acceptedTypes()));
    }

    @Test
    void readsAJwksFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("jwks.json");
        Files.writeString(file, TestIssuer.publicKeys(RSA).toString(), StandardCharsets.UTF_8);
        AgentTokenVerifier verifier = AgentTokenVerifier.builder().issuer(TestIssuer.ISSUER)
                .audience(TestIssuer.AUDIENCE).acceptedAlgorithms("RS256").jwksFile(file)
                .clock(new MutableClock(TestIssuer.NOW)).build();

        assertEquals(TestIssuer.AGENT, verifier.verify(TestIssuer.token()).agentId());
        assertEquals("AgentTokenVerifier[issuer=https://idp.example.com/realms/agents, algorithms=RS256, keys=the key "
                + "set in " + file + "]", verifier.toString());
    }

    @Test
    void aBrokenJwksFileIsNamedButNotQuoted(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("jwks.json");
        Files.writeString(file, "{\"keys\": [{\"kty\":\"oct\",\"k\":\"c2VjcmV0LXNlY3JldC1zZWNyZXQ\"", StandardCharsets.UTF_8);
        AgentTokenVerifier.Builder builder = AgentTokenVerifier.builder().issuer(TestIssuer.ISSUER).audience("a")
                .acceptedAlgorithms("HS256").jwksFile(file);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);

        assertEquals("jwksFile " + file + " is not a JWK set: it must be JSON with a \"keys\" array (RFC 7517), as "
                + "served at the identity provider's jwks_uri", e.getMessage());
        assertNull(e.getCause());
        assertEquals("jwksFile " + dir.resolve("missing.json") + " cannot be read (FileNotFoundException): give the "
                + "path of a readable JWKS file", assertThrows(IllegalArgumentException.class,
                () -> AgentTokenVerifier.builder().issuer(TestIssuer.ISSUER).audience("a").acceptedAlgorithms("RS256")
                        .jwksFile(dir.resolve("missing.json")).build()).getMessage());
    }

    @Test
    void aCustomKeySourceCannotServeHmac() {
        assertEquals("acceptedAlgorithms HS512 needs a shared secret, which keySource does not hold: HMAC tokens are "
                + "accepted only with jwkSet(...) or jwksFile(...) holding secret (oct) keys; identity providers sign "
                + "with RS256 or ES256", built(AgentTokenVerifier.builder().issuer(TestIssuer.ISSUER).audience("a")
                .acceptedAlgorithms("HS512").keySource(new ImmutableJWKSet<>(TestIssuer.publicKeys(RSA)))));
    }

    @Test
    void theRemoteKeySetIsDescribedWithoutItsQuery() {
        AgentTokenVerifier verifier = AgentTokenVerifier.builder().issuer(TestIssuer.ISSUER).audience("a")
                .acceptedAlgorithms("RS256").jwksUrl(URI.create("https://idp.example.com/jwks?api_key=s3cr3t")).build();

        assertFalse(verifier.toString().contains("s3cr3t"));
        assertEquals("AgentTokenVerifier[issuer=https://idp.example.com/realms/agents, algorithms=RS256, keys=the key "
                + "set at https://idp.example.com/jwks]", verifier.toString());
    }
}
