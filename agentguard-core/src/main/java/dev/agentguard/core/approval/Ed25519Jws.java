package dev.agentguard.core.approval;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.Set;

/**
 * Ed25519 JWS signing and verification with the JDK's own Ed25519 (Java 15+). Nimbus' own
 * Ed25519 classes need Google Tink on the class path; the JDK already has what they do, and the
 * {@code agentguard keys generate} keys are JDK Ed25519 keys.
 */
final class Ed25519Jws {

    /** {@code EdDSA} (RFC 8037) and its fully specified successor {@code Ed25519} (RFC 9864). */
    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

    /** The X.509 (SubjectPublicKeyInfo) prefix of every Ed25519 public key, before its 32 raw bytes. */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private Ed25519Jws() {
    }

    /** Whether {@code key} is an Ed25519 key as the JDK names it. */
    static boolean isEd25519(java.security.Key key) {
        return "Ed25519".equals(key.getAlgorithm()) || "EdDSA".equals(key.getAlgorithm());
    }

    /** The JDK public key for the 32 raw bytes of an Ed25519 key (a JWK's {@code x}). */
    static PublicKey publicKey(byte[] raw) throws GeneralSecurityException {
        if (raw.length != 32) {
            throw new GeneralSecurityException("an Ed25519 public key has 32 bytes, this one " + raw.length);
        }
        byte[] encoded = new byte[X509_PREFIX.length + 32];
        System.arraycopy(X509_PREFIX, 0, encoded, 0, X509_PREFIX.length);
        System.arraycopy(raw, 0, encoded, X509_PREFIX.length, 32);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
    }

    static JWSVerifier verifier(PublicKey key) {
        return new Verifier(key);
    }

    static JWSSigner signer(PrivateKey key) {
        return new Signer(key);
    }

    private static final class Verifier implements JWSVerifier {
        private final PublicKey key;
        private final JCAContext jca = new JCAContext();

        Verifier(PublicKey key) {
            this.key = key;
        }

        @Override
        public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
            if (!ALGORITHMS.contains(header.getAlgorithm())) {
                throw new JOSEException("not an Ed25519 algorithm");
            }
            byte[] sig = signature.decode();
            if (sig.length != 64) {
                return false; // an Ed25519 signature has 64 bytes; anything else is not one
            }
            try {
                Signature v = Signature.getInstance("Ed25519");
                v.initVerify(key);
                v.update(signingInput);
                return v.verify(sig);
            } catch (GeneralSecurityException e) {
                return false;
            }
        }

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            return ALGORITHMS;
        }

        @Override
        public JCAContext getJCAContext() {
            return jca;
        }
    }

    private static final class Signer implements JWSSigner {
        private final PrivateKey key;
        private final JCAContext jca = new JCAContext();

        Signer(PrivateKey key) {
            this.key = key;
        }

        @Override
        public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initSign(key);
                s.update(signingInput);
                return Base64URL.encode(s.sign());
            } catch (GeneralSecurityException e) {
                throw new JOSEException("Ed25519 signing failed", e);
            }
        }

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            return ALGORITHMS;
        }

        @Override
        public JCAContext getJCAContext() {
            return jca;
        }

        @Override
        public String toString() {
            return "Ed25519Jws.Signer[key hidden]";
        }
    }
}
