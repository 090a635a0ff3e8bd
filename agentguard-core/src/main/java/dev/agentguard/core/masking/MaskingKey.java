package dev.agentguard.core.masking;

import java.util.Base64;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The secret key of {@link MaskStrategy#KEYED_HASH}: HMAC-SHA-256, at least 32 bytes.
 *
 * <p>The key never shows up in {@link #toString()}, exception messages or logs. Generate one with
 * {@code openssl rand -base64 32} and hand it to the process in an environment variable
 * ({@link #fromEnvironment(String)}), not in the policy file.
 */
public final class MaskingKey {
    /** The shortest key accepted: HMAC-SHA-256's output size (NIST SP 800-107). */
    public static final int MIN_BYTES = 32;

    private static final String GENERATE = "generate one with `openssl rand -base64 32`";

    private final byte[] bytes;

    private MaskingKey(byte[] bytes) {
        if (bytes.length < MIN_BYTES) {
            throw new IllegalArgumentException("masking key is " + bytes.length + " bytes; at least " + MIN_BYTES
                    + " bytes are required for HMAC-SHA-256: " + GENERATE);
        }
        this.bytes = bytes;
    }

    /** A key from raw bytes (copied). */
    public static MaskingKey of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return new MaskingKey(bytes.clone());
    }

    /** A key from its base64 form (standard or URL-safe alphabet, padding optional). */
    public static MaskingKey fromBase64(String base64) {
        Objects.requireNonNull(base64, "base64");
        String text = base64.strip();
        byte[] decoded;
        try {
            decoded = (text.indexOf('-') >= 0 || text.indexOf('_') >= 0 ? Base64.getUrlDecoder() : Base64.getDecoder())
                    .decode(text);
        } catch (IllegalArgumentException e) {
            // The decoder's message quotes the offending character: a piece of the key. Drop it.
            throw new IllegalArgumentException("masking key is not valid base64 (" + text.length()
                    + " characters): give the key base64-encoded; " + GENERATE, null);
        }
        return new MaskingKey(decoded);
    }

    /**
     * A key from the base64 value of an environment variable.
     *
     * @throws IllegalArgumentException when the variable is unset or blank, not base64, or too short
     */
    public static MaskingKey fromEnvironment(String variable) {
        return fromEnvironment(variable, System::getenv);
    }

    /** {@link #fromEnvironment(String)} with the environment looked up through {@code environment}. */
    static MaskingKey fromEnvironment(String variable, UnaryOperator<String> environment) {
        Objects.requireNonNull(variable, "variable");
        String value = environment.apply(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("environment variable " + variable
                    + " is not set: set it to a base64-encoded masking key of at least " + MIN_BYTES + " bytes; "
                    + GENERATE);
        }
        try {
            return fromBase64(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("environment variable " + variable + ": " + e.getMessage(), null);
        }
    }

    /** The key material, for the HMAC only; callers must not keep or print it. */
    byte[] secretBytesForHmac() {
        return bytes.clone();
    }

    /** The key's length in bytes. */
    public int length() {
        return bytes.length;
    }

    /** Never shows the key. */
    @Override
    public String toString() {
        return "MaskingKey[REDACTED]";
    }
}
