package dev.agentguard.core.approval;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.SignedJWT;
import dev.agentguard.audit.integrity.CheckpointSigner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Objects;

/**
 * Signs approval decisions as compact JWS: what {@code agentguard approvals approve} does with an
 * operator's key, and what an approval service written in Java can use to answer the webhook.
 * Keys are Ed25519 (algorithm {@code EdDSA}) or EC P-256/P-384/P-521 ({@code ES256}/{@code ES384}/
 * {@code ES512}). The key id ({@code kid}) is the first 16 hex digits of SHA-256 over the public
 * key, as {@code agentguard keys generate} prints it. {@link #toString()} shows no key material.
 */
public final class DecisionSigner {

    private final JWSSigner signer;
    private final JWSAlgorithm algorithm;
    private final PublicKey publicKey;
    private final String keyId;

    private DecisionSigner(KeyPair pair) throws GeneralSecurityException {
        this.publicKey = pair.getPublic();
        this.keyId = CheckpointSigner.keyIdOf(publicKey);
        if (Ed25519Jws.isEd25519(pair.getPrivate()) && Ed25519Jws.isEd25519(publicKey)) {
            this.algorithm = JWSAlgorithm.EdDSA;
            this.signer = Ed25519Jws.signer(pair.getPrivate());
        } else if (pair.getPrivate() instanceof ECPrivateKey ec && publicKey instanceof ECPublicKey) {
            try {
                ECDSASigner s = new ECDSASigner(ec);
                this.algorithm = s.supportedJWSAlgorithms().iterator().next();
                this.signer = s;
            } catch (JOSEException e) {
                throw new GeneralSecurityException("the EC key is on a curve JWS does not sign with; use P-256, "
                        + "P-384 or P-521", e);
            }
        } else {
            throw new GeneralSecurityException("approval decisions are signed with Ed25519 or EC keys, got "
                    + pair.getPrivate().getAlgorithm() + "; generate one with 'agentguard keys generate'");
        }
        checkPair(pair);
    }

    /** A signer for an Ed25519 or EC key pair. */
    public static DecisionSigner of(KeyPair pair) throws GeneralSecurityException {
        Objects.requireNonNull(pair, "pair");
        return new DecisionSigner(pair);
    }

    /**
     * Loads a signing key file: a {@code PRIVATE KEY} and a {@code PUBLIC KEY} PEM block, as
     * {@code agentguard keys generate} writes it.
     */
    public static DecisionSigner fromPemFile(Path file) throws IOException, GeneralSecurityException {
        Objects.requireNonNull(file, "file");
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        return new DecisionSigner(PemKeys.keyPair(text, file.toString()));
    }

    /** The compact JWS of {@code claims}: header {@code alg}, {@code typ} {@value DecisionClaims#TYPE}, {@code kid}. */
    public String sign(DecisionClaims claims) {
        Objects.requireNonNull(claims, "claims");
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).type(new JOSEObjectType(DecisionClaims.TYPE))
                .keyID(keyId).build(), claims.toClaimsSet());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing the approval decision failed", e);
        }
        return jwt.serialize();
    }

    /** The key id every token carries as {@code kid}. */
    public String keyId() {
        return keyId;
    }

    /** The JWS algorithm: {@code EdDSA}, {@code ES256}, {@code ES384} or {@code ES512}. */
    public String algorithm() {
        return algorithm.getName();
    }

    /** The public half, for verifiers ({@link DecisionVerifier.Builder#key(PublicKey)}). */
    public PublicKey publicKey() {
        return publicKey;
    }

    /** PEM text of the public key, for verifiers' key files. */
    public String publicKeyPem() {
        return PemKeys.pem("PUBLIC KEY", publicKey.getEncoded());
    }

    @Override
    public String toString() {
        return "DecisionSigner[" + algorithm.getName() + ", keyId=" + keyId + "]";
    }

    /** A mismatched pair would sign decisions nobody can verify: refuse it now. */
    private static void checkPair(KeyPair pair) throws GeneralSecurityException {
        String algorithm = Ed25519Jws.isEd25519(pair.getPublic()) ? "Ed25519" : "SHA256withECDSA";
        byte[] probe = "agentguard key pair check".getBytes(StandardCharsets.UTF_8);
        Signature s = Signature.getInstance(algorithm);
        s.initSign(pair.getPrivate());
        s.update(probe);
        byte[] sig = s.sign();
        Signature v = Signature.getInstance(algorithm);
        v.initVerify(pair.getPublic());
        v.update(probe);
        if (!v.verify(sig)) {
            throw new GeneralSecurityException("the private and public keys do not belong together");
        }
    }
}
