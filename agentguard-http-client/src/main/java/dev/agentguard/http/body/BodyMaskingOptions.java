package dev.agentguard.http.body;

/**
 * Limits of response-body masking.
 *
 * @param maxDecodedBytes    most bytes a compressed body may decode to; beyond it the body fails
 *                           with {@link UnmaskableBodyException} (a decompression bomb must not
 *                           fill the agent's memory through {@code ofString})
 * @param maxFieldValueChars most chars of one JSON value under a field rule that are read to mask
 *                           it; a longer value is replaced whole by {@code "[REDACTED]"} (or
 *                           {@code null} under the {@code null} strategy), since its partial
 *                           display or keyed hash would need all of it in memory
 */
public record BodyMaskingOptions(long maxDecodedBytes, int maxFieldValueChars) {
    /** Default {@link #maxDecodedBytes()}: 64 MiB. */
    public static final long DEFAULT_MAX_DECODED_BYTES = 64L * 1024 * 1024;
    /** Default {@link #maxFieldValueChars()}: 64 Ki chars. */
    public static final int DEFAULT_MAX_FIELD_VALUE_CHARS = 64 * 1024;

    private static final BodyMaskingOptions DEFAULTS =
            new BodyMaskingOptions(DEFAULT_MAX_DECODED_BYTES, DEFAULT_MAX_FIELD_VALUE_CHARS);

    public BodyMaskingOptions {
        if (maxDecodedBytes < 1) {
            throw new IllegalArgumentException("maxDecodedBytes is " + maxDecodedBytes
                    + ", it must be at least 1: the most bytes a compressed response body may decode to");
        }
        if (maxFieldValueChars < 1) {
            throw new IllegalArgumentException("maxFieldValueChars is " + maxFieldValueChars
                    + ", it must be at least 1: the most chars of a JSON value under a field rule read to mask it");
        }
    }

    /** 64 MiB decoded, 64 Ki chars per field value. */
    public static BodyMaskingOptions defaults() {
        return DEFAULTS;
    }

    /** These options with another {@link #maxDecodedBytes()}. */
    public BodyMaskingOptions withMaxDecodedBytes(long bytes) {
        return new BodyMaskingOptions(bytes, maxFieldValueChars);
    }

    /** These options with another {@link #maxFieldValueChars()}. */
    public BodyMaskingOptions withMaxFieldValueChars(int chars) {
        return new BodyMaskingOptions(maxDecodedBytes, chars);
    }
}
