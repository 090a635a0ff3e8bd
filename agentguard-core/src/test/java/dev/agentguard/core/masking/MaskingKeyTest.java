package dev.agentguard.core.masking;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MaskingKeyTest {
    private static final String GENERATE = "generate one with `openssl rand -base64 32`";

    @Test
    void neverShowsTheKey() {
        assertEquals("MaskingKey[REDACTED]", MaskerTest.KEY.toString());
        assertEquals(32, MaskerTest.KEY.length());
    }

    @Test
    void rejectsKeysShorterThan32Bytes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MaskingKey.of(new byte[16]));
        assertEquals("masking key is 16 bytes; at least 32 bytes are required for HMAC-SHA-256: " + GENERATE,
                e.getMessage());
        String shortBase64 = Base64.getEncoder().encodeToString(new byte[31]);
        e = assertThrows(IllegalArgumentException.class, () -> MaskingKey.fromBase64(shortBase64));
        assertEquals("masking key is 31 bytes; at least 32 bytes are required for HMAC-SHA-256: " + GENERATE,
                e.getMessage());
    }

    @Test
    void copiesTheBytesItIsGiven() {
        byte[] bytes = MaskerTest.sequence(32, 0);
        MaskingKey key = MaskingKey.of(bytes);
        bytes[0] = 99;
        Masker masker = MaskingRules.builder().detector("pan", MaskStrategy.KEYED_HASH).hashKey(key).build().masker();
        assertEquals("[HASH:0622241201382a45]", masker.maskText("4111111111111111", null));
    }

    @Test
    void readsStandardAndUrlSafeBase64() {
        byte[] bytes = MaskerTest.sequence(32, 250); // wraps past 255: both alphabets' special characters appear
        Masker standard = hashing(MaskingKey.fromBase64(Base64.getEncoder().encodeToString(bytes)));
        Masker urlSafe = hashing(MaskingKey.fromBase64(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)));
        Masker raw = hashing(MaskingKey.of(bytes));
        assertEquals(raw.maskText("4111111111111111", null), standard.maskText("4111111111111111", null));
        assertEquals(raw.maskText("4111111111111111", null), urlSafe.maskText("4111111111111111", null));
    }

    private static Masker hashing(MaskingKey key) {
        return MaskingRules.builder().detector("pan", MaskStrategy.KEYED_HASH).hashKey(key).build().masker();
    }

    @Test
    void rejectsBadBase64WithoutEchoingIt() {
        String secretish = "s3cr3t!key-material-that-is-not-base64";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MaskingKey.fromBase64(secretish));
        assertEquals("masking key is not valid base64 (38 characters): give the key base64-encoded; " + GENERATE,
                e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"));
    }

    @Test
    void readsTheKeyFromAnEnvironmentVariable() {
        String value = Base64.getEncoder().encodeToString(MaskerTest.sequence(32, 0));
        MaskingKey key = MaskingKey.fromEnvironment("MASK_KEY", Map.of("MASK_KEY", value)::get);
        assertEquals("[HASH:0622241201382a45]", hashing(key).maskText("4111111111111111", null));
    }

    @Test
    void namesTheVariableWhenItIsMissingOrBad() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MaskingKey.fromEnvironment("AGENTGUARD_MASKING_KEY", name -> null));
        assertEquals("environment variable AGENTGUARD_MASKING_KEY is not set: set it to a base64-encoded masking key"
                + " of at least 32 bytes; " + GENERATE, e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MaskingKey.fromEnvironment("AGENTGUARD_MASKING_KEY", name -> " "));
        assertEquals("environment variable AGENTGUARD_MASKING_KEY is not set: set it to a base64-encoded masking key"
                + " of at least 32 bytes; " + GENERATE, e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MaskingKey.fromEnvironment("AGENTGUARD_MASKING_KEY", name -> "c2hvcnQ="));
        assertEquals("environment variable AGENTGUARD_MASKING_KEY: masking key is 5 bytes; at least 32 bytes are"
                + " required for HMAC-SHA-256: " + GENERATE, e.getMessage());
    }

    @Test
    void readsTheRealEnvironment() {
        String unset = "AGENTGUARD_TEST_SURELY_UNSET_" + System.nanoTime();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MaskingKey.fromEnvironment(unset));
        assertEquals("environment variable " + unset + " is not set: set it to a base64-encoded masking key of at"
                + " least 32 bytes; " + GENERATE, e.getMessage());
    }
}
