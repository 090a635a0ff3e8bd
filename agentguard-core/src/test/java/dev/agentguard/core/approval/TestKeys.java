package dev.agentguard.core.approval;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;

/** Locally generated keys, and tokens signed exactly as a test needs (including wrongly). */
public final class TestKeys {

    private TestKeys() {
    }

    public static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair ec(String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static DecisionSigner signer(KeyPair pair) {
        try {
            return DecisionSigner.of(pair);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A compact JWS of {@code claims} under {@code header}, signed with {@code pair} whatever the header says. */
    public static String raw(KeyPair pair, JWSHeader header, JWTClaimsSet claims) {
        try {
            JWSSigner s = Ed25519Jws.isEd25519(pair.getPrivate()) ? Ed25519Jws.signer(pair.getPrivate())
                    : new ECDSASigner((ECPrivateKey) pair.getPrivate());
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(s);
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The claims {@link DecisionSigner} would sign. */
    public static JWTClaimsSet claimsOf(DecisionClaims claims) {
        return claims.toClaimsSet();
    }
}
