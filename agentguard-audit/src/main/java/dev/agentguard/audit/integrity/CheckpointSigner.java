package dev.agentguard.audit.integrity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signs journal checkpoints with an Ed25519 key (from the JDK; no extra provider).
 *
 * <p>The signing key file holds a PKCS#8 {@code PRIVATE KEY} block and the matching X.509
 * {@code PUBLIC KEY} block; {@code agentguard keys generate} writes one, together with the
 * public key alone for verifiers. {@link #toString()} never shows key material.
 */
public final class CheckpointSigner {
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;

    private CheckpointSigner(PrivateKey privateKey, PublicKey publicKey) throws GeneralSecurityException {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.keyId = keyIdOf(publicKey);
        // A mismatched pair would write checkpoints nobody can verify: refuse it now.
        byte[] probe = "agentguard key pair check".getBytes(StandardCharsets.UTF_8);
        Signature v = Signature.getInstance("Ed25519");
        v.initVerify(publicKey);
        v.update(probe);
        if (!v.verify(sign(probe))) {
            throw new GeneralSecurityException("the private and public keys do not belong together");
        }
    }

    /** A signer for an Ed25519 key pair. */
    public static CheckpointSigner of(KeyPair pair) throws GeneralSecurityException {
        requireEd25519(pair.getPrivate().getAlgorithm());
        requireEd25519(pair.getPublic().getAlgorithm());
        return new CheckpointSigner(pair.getPrivate(), pair.getPublic());
    }

    /** A fresh Ed25519 key pair. */
    public static KeyPair generateKeyPair() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519 (Java 15+ has)", e);
        }
    }

    /** Loads a signing key file (private and public PEM blocks). */
    public static CheckpointSigner fromPemFile(Path file) throws IOException, GeneralSecurityException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        byte[] priv = pemBlock(text, "PRIVATE KEY", file);
        byte[] pub = pemBlock(text, "PUBLIC KEY", file);
        try {
            KeyFactory kf = KeyFactory.getInstance("Ed25519");
            return new CheckpointSigner(kf.generatePrivate(new PKCS8EncodedKeySpec(priv)),
                    kf.generatePublic(new X509EncodedKeySpec(pub)));
        } finally {
            Arrays.fill(priv, (byte) 0);
        }
    }

    /** Loads a public key file ({@code PUBLIC KEY} PEM block) for verification. */
    public static PublicKey readPublicKey(Path file) throws IOException, GeneralSecurityException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        byte[] pub = pemBlock(text, "PUBLIC KEY", file);
        PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(pub));
        requireEd25519(key.getAlgorithm());
        return key;
    }

    /** PEM text of the public key alone. */
    public static String publicKeyPem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    /**
     * PEM text of the whole key pair, for the signing key file. The name says what it is: the
     * result holds the private key and belongs only in a file readable by the journal's owner.
     */
    public static String privateKeyPemWithPublicKey(KeyPair pair) {
        return pem("PRIVATE KEY", pair.getPrivate().getEncoded()) + pem("PUBLIC KEY", pair.getPublic().getEncoded());
    }

    /** The first 16 hex digits of SHA-256 over the X.509 encoding of {@code key}. */
    public static String keyIdOf(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** This key's id, written into every checkpoint it signs. */
    public String keyId() {
        return keyId;
    }

    /** The public half, for verifiers. */
    public PublicKey publicKey() {
        return publicKey;
    }

    byte[] sign(byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    @Override
    public String toString() {
        return "CheckpointSigner[Ed25519, keyId=" + keyId + "]";
    }

    private static void requireEd25519(String algorithm) throws GeneralSecurityException {
        if (!"Ed25519".equals(algorithm) && !"EdDSA".equals(algorithm)) {
            throw new GeneralSecurityException("checkpoint keys are Ed25519, got " + algorithm);
        }
    }

    private static byte[] pemBlock(String text, String type, Path file) throws GeneralSecurityException {
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(type)) {
                return Base64.getMimeDecoder().decode(m.group(2));
            }
        }
        throw new GeneralSecurityException(file + " has no '-----BEGIN " + type + "-----' block");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
