package dev.agentguard.core.approval;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM key text: {@code PUBLIC KEY} (X.509) and {@code PRIVATE KEY} (PKCS#8) blocks of Ed25519,
 * EC or RSA keys, the format {@code agentguard keys generate} and {@code openssl pkey} write.
 */
final class PemKeys {

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");
    private static final String[] ALGORITHMS = {"Ed25519", "EC", "RSA"};

    private PemKeys() {
    }

    /** Every {@code PUBLIC KEY} block of {@code text}; refuses text that holds a private key. */
    static List<PublicKey> publicKeys(String text, String source) throws GeneralSecurityException {
        List<PublicKey> keys = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            if (m.group(1).contains("PRIVATE KEY")) {
                // A verifier needs the public half only; a private key here is one copy too many.
                throw new GeneralSecurityException(source + " holds a private key; give verifiers the public key "
                        + "only (e.g. the .pub file of 'agentguard keys generate')");
            }
            if (m.group(1).equals("PUBLIC KEY")) {
                keys.add(publicKey(decode(m.group(2), source), source));
            }
        }
        if (keys.isEmpty()) {
            throw new GeneralSecurityException(source + " has no '-----BEGIN PUBLIC KEY-----' block");
        }
        return keys;
    }

    /** The {@code PRIVATE KEY} and {@code PUBLIC KEY} blocks of a signing key file. */
    static KeyPair keyPair(String text, String source) throws GeneralSecurityException {
        byte[] priv = null;
        byte[] pub = null;
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            if (m.group(1).equals("PRIVATE KEY") && priv == null) {
                priv = decode(m.group(2), source);
            } else if (m.group(1).equals("PUBLIC KEY") && pub == null) {
                pub = decode(m.group(2), source);
            }
        }
        if (priv == null) {
            throw new GeneralSecurityException(source + " has no '-----BEGIN PRIVATE KEY-----' block (PKCS#8)");
        }
        if (pub == null) {
            throw new GeneralSecurityException(source + " has no '-----BEGIN PUBLIC KEY-----' block; a signing key "
                    + "file holds both halves, as 'agentguard keys generate' writes it (append the output of "
                    + "'openssl pkey -in FILE -pubout' to an OpenSSL key)");
        }
        try {
            PublicKey publicKey = publicKey(pub, source);
            return new KeyPair(publicKey, privateKey(priv, publicKey.getAlgorithm(), source));
        } finally {
            Arrays.fill(priv, (byte) 0);
        }
    }

    static PublicKey publicKey(byte[] der, String source) throws GeneralSecurityException {
        for (String algorithm : ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (InvalidKeySpecException | ClassCastException notThisKind) {
                // try the next kind
            }
        }
        throw new GeneralSecurityException(source + ": the public key is neither Ed25519, EC nor RSA");
    }

    private static PrivateKey privateKey(byte[] der, String algorithm, String source) throws GeneralSecurityException {
        try {
            return KeyFactory.getInstance(algorithm.equals("EdDSA") ? "Ed25519" : algorithm)
                    .generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (InvalidKeySpecException e) {
            throw new GeneralSecurityException(source + ": the private key is not a " + algorithm
                    + " key like its public key");
        }
    }

    /** PEM text of {@code der} as a block of {@code type}. */
    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] decode(String base64, String source) throws GeneralSecurityException {
        try {
            return Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException(source + ": a PEM block is not valid base64");
        }
    }
}
