package dev.agentguard.audit;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A SHA-256 value: an event's hash, or the hash of the event before it.
 *
 * <p>Immutable; the bytes are copied in and out.
 */
public final class Hash {
    /** Length of a SHA-256 value in bytes. */
    public static final int LENGTH = 32;

    /** The "previous hash" of the very first event of a journal. */
    public static final Hash ZERO = new Hash(new byte[LENGTH]);

    private static final HexFormat HEX = HexFormat.of();

    private final byte[] bytes;

    private Hash(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Wraps a copy of {@code bytes}, which must be exactly 32 bytes long. */
    public static Hash of(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("a SHA-256 hash is 32 bytes, got "
                    + (bytes == null ? "null" : bytes.length + " bytes"));
        }
        return new Hash(bytes.clone());
    }

    /** Wraps 32 bytes starting at {@code offset} of {@code source}. */
    public static Hash of(byte[] source, int offset) {
        return new Hash(Arrays.copyOfRange(source, offset, offset + LENGTH));
    }

    /** Parses 64 hexadecimal digits. */
    public static Hash fromHex(String hex) {
        if (hex == null || hex.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("a SHA-256 hash is 64 hex digits, got "
                    + (hex == null ? "null" : hex.length() + " characters"));
        }
        try {
            return new Hash(HEX.parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a hexadecimal SHA-256 hash: " + hex, e);
        }
    }

    /** A copy of the 32 bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** Copies the 32 bytes into {@code target} at {@code offset}. */
    public void copyTo(byte[] target, int offset) {
        System.arraycopy(bytes, 0, target, offset, LENGTH);
    }

    /** True when the 32 bytes at {@code offset} of {@code other} equal this hash. */
    public boolean matches(byte[] other, int offset) {
        return Arrays.equals(bytes, 0, LENGTH, other, offset, offset + LENGTH);
    }

    /** The 64 lower-case hexadecimal digits. */
    public String toHex() {
        return HEX.formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hash h && Arrays.equals(bytes, h.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return toHex();
    }
}
