package dev.agentguard.core.masking;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@link MaskStrategy#KEYED_HASH}: {@code [HASH:<hex>]}, the hex being the first 8 bytes of
 * HMAC-SHA-256(key, UTF-8 of the value). Anyone holding the key can recompute it to find a
 * value in a journal; nobody else can.
 */
final class KeyedHash {
    static final String ALGORITHM = "HmacSHA256";
    /** Bytes of the MAC shown: 64 bits keep collisions negligible for joins and leak nothing useful. */
    private static final int SHOWN_BYTES = 8;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final SecretKeySpec key;
    // Mac is not thread-safe and getInstance costs microseconds: one initialised Mac per thread.
    private final ThreadLocal<Mac> macs;

    KeyedHash(MaskingKey key) {
        this.key = new SecretKeySpec(key.secretBytesForHmac(), ALGORITHM);
        this.macs = ThreadLocal.withInitial(this::newMac);
        newMac(); // fail at build time, not on the first masked value
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available in this JVM; KEYED_HASH masking needs it", e);
        }
    }

    /** {@code [HASH:<16 hex>]} for {@code value}. */
    String render(CharSequence value) {
        StringBuilder out = new StringBuilder(24);
        append(value, out);
        return out.toString();
    }

    void append(CharSequence value, StringBuilder out) {
        byte[] mac = macs.get().doFinal(value.toString().getBytes(StandardCharsets.UTF_8));
        out.append("[HASH:");
        for (int i = 0; i < SHOWN_BYTES; i++) {
            out.append(HEX[(mac[i] >> 4) & 0xF]).append(HEX[mac[i] & 0xF]);
        }
        out.append(']');
    }
}
