package dev.agentguard.core.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * A local identity provider for tests: generated RSA and EC keys, and tokens with the claims a
 * real provider would issue, signed by either key.
 */
final class TestIssuer {

    static final String ISSUER = "https://idp.example.com/realms/agents";
    static final String AUDIENCE = "payments-db";
    static final String AGENT = "payments-bot";
    /** A fixed start for every test clock, so messages with times can be checked exactly. */
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    /** Generated once: RSA key generation is slow, and the keys are public test material anyway. */
    static final RSAKey RSA = rsa("rsa-1");
    static final RSAKey RSA_2 = rsa("rsa-2");
    static final ECKey EC = ec("ec-1");

    private TestIssuer() {
    }

    static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey ec(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public keys a JWKS endpoint would publish. */
    static JWKSet publicKeys(JWK... keys) {
        return new JWKSet(List.of(keys)).toPublicJWKSet();
    }

    /** Claims of a token issued at {@link #NOW}, valid for ten minutes, for {@link #AGENT}. */
    static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject(AGENT)
                .issueTime(Date.from(NOW))
                .expirationTime(Date.from(NOW.plus(Duration.ofMinutes(10))));
    }

    /** A token with typ JWT signed by {@link #RSA} with RS256. */
    static String token(JWTClaimsSet claims) {
        return sign(RSA, JWSAlgorithm.RS256, JOSEObjectType.JWT, claims);
    }

    /** A token with the default claims. */
    static String token() {
        return token(claims().build());
    }

    static String sign(JWK key, JWSAlgorithm algorithm, JOSEObjectType type, JWTClaimsSet claims) {
        JWSHeader header = new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).type(type).build();
        return sign(key, header, claims);
    }

    static String sign(JWK key, JWSHeader header, JWTClaimsSet claims) {
        try {
            JWSSigner signer = key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key);
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A verifier for {@link #ISSUER} and {@link #AUDIENCE} over the public parts of {@code keys}, on {@code clock}. */
    static AgentTokenVerifier.Builder verifier(MutableClock clock, JWK... keys) {
        return AgentTokenVerifier.builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .acceptedAlgorithms("RS256", "ES256")
                .jwkSet(publicKeys(keys))
                .clock(clock);
    }
}
