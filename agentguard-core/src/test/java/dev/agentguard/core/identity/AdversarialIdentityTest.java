package dev.agentguard.core.identity;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tokens an attacker would try; each must be refused, and no refusal may quote the token. */
class AdversarialIdentityTest {

    private final AgentTokenVerifier verifier = TestIssuer.verifier(new MutableClock(TestIssuer.NOW), TestIssuer.RSA)
            .build();

    private void refused(String token) {
        IdentityException e = assertThrows(IdentityException.class, () -> verifier.verify(token));
        String[] parts = token.split("\\.");
        for (String part : parts) {
            if (part.length() > 8) {
                assertFalse(e.getMessage().contains(part), "the refusal quotes the token: " + e.getMessage());
            }
        }
    }

    @Test
    void hmacSignedWithThePublicKeyBytesIsRefused() throws Exception {
        byte[] publicBytes = TestIssuer.RSA.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1")
                .type(JOSEObjectType.JWT).build(), TestIssuer.claims().build());
        jwt.sign(new MACSigner(publicBytes));
        refused(jwt.serialize());
    }

    @Test
    void unsignedTokensAreRefusedInEverySpelling() {
        refused(new PlainJWT(TestIssuer.claims().build()).serialize());
        String[] signed = TestIssuer.token().split("\\.");
        for (String alg : new String[] {"none", "None", "NONE", "nOnE"}) {
            String header = Base64URL.encode("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}").toString();
            refused(header + "." + signed[1] + ".");
            refused(header + "." + signed[1] + "." + signed[2]);
        }
    }

    @Test
    void anEmbeddedKeyIsNeverTrusted() throws Exception {
        RSAKey attacker = TestIssuer.rsa("rsa-1"); // same kid as the issuer's key
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").type(JOSEObjectType.JWT)
                .jwk(attacker.toPublicJWK()).build();
        refused(TestIssuer.sign(attacker, header, TestIssuer.claims().build()));
    }

    @Test
    void registeredClaimTricksAreRefused() {
        refused(TestIssuer.token(TestIssuer.claims().expirationTime(null).build()));
        refused(TestIssuer.token(TestIssuer.claims().audience("other-service").build()));
        refused(TestIssuer.token(TestIssuer.claims().audience(java.util.List.of()).build()));
        refused(TestIssuer.token(TestIssuer.claims().issuer(TestIssuer.ISSUER + "/").build()));
        refused(TestIssuer.token(TestIssuer.claims().claim("exp", "9999999999").build()));
        refused(TestIssuer.sign(TestIssuer.RSA, JWSAlgorithm.RS256, new JOSEObjectType("agentguard-approval+jwt"),
                TestIssuer.claims().build()));
    }

    @Test
    void aDelegatedTokenWhoseActorIsNotAnObjectIsRefused() {
        refused(TestIssuer.token(TestIssuer.claims().subject("alice").claim("act", "payments-bot").build()));
        refused(TestIssuer.token(TestIssuer.claims().subject("alice").claim("act",
                java.util.Map.of("sub", "admin")).build()));
    }

    @Test
    void theValidTokenStillPasses() throws Exception {
        assertTrue(verifier.verify(TestIssuer.token()).agentId().equals(TestIssuer.AGENT));
    }
}
