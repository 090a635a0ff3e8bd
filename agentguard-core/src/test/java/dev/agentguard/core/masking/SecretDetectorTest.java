package dev.agentguard.core.masking;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SecretDetectorTest {
    private static final String JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
            + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
            + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    private final SecretDetector detector = new SecretDetector();

    @ParameterizedTest
    @ValueSource(strings = {
            "AKIAIOSFODNN7EXAMPLE", "ASIAY34FZKBOKMUTVV7A", // AWS access key ids
            JWT,
            "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.", // unsigned JWT, empty signature
            "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", // GitHub
            "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
            "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", // Slack
            "sk_live_4eC39HqLyjWDarjtT1zdp7dc", // Stripe
            "AIzaSyA-1234567890abcdefghijklmnopqrstu", // Google API key
    })
    void findsCredentialsByTheirShape(String secret) {
        assertEquals(List.of(secret), Found.in(detector, "token=" + secret + " end"));
    }

    @Test
    void findsAWholePrivateKeyBlock() {
        String pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nabcd==\n-----END RSA PRIVATE KEY-----";
        assertEquals(List.of(pem), Found.in(detector, "key:\n" + pem + "\nnext"));
        String pkcs8 = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIF\n-----END ENCRYPTED PRIVATE KEY-----";
        assertEquals(List.of(pkcs8), Found.in(detector, pkcs8));
        String pgp = "-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOY\n-----END PGP PRIVATE KEY BLOCK-----";
        assertEquals(List.of(pgp), Found.in(detector, pgp));
    }

    @Test
    void masksACutOffPrivateKeyBlockToTheEndOfTheText() {
        String text = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA";
        assertEquals(List.of(text), Found.in(detector, text));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----", // public keys are not secrets
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
            "AKIAIOSFODNN7EXAMPL", // 15 after the prefix
            "AKIAIOSFODNN7EXAMPLE1", // 17 after the prefix
            "XAKIAIOSFODNN7EXAMPLE", // glued
            "AKIAiosfodnn7example", // lower case
            "eyJhbGciOiJIUzI1NiJ9", // a header alone
            "eyJhbGciOiJIUzI1NiJ9.x", // two parts
            "eyJh.eyJzdWIiOiIxIn0.sig", // header too short
            "ghp_short", "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "they eye keys",
    })
    void leavesLookAlikesAlone(String text) {
        assertEquals(List.of(), Found.in(detector, text));
    }
}
