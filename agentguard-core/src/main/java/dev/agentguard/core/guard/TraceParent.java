package dev.agentguard.core.guard;

import java.util.Objects;

/**
 * A W3C Trace Context {@code traceparent} header
 * ({@code version-traceid-parentid-flags}, e.g. {@code 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01}),
 * validated as the specification says: lower-case hex, version {@code ff} forbidden, version
 * {@code 00} exactly 55 characters, trace id and parent id not all zeros.
 *
 * @param version  two hex digits
 * @param traceId  32 hex digits, not all zero
 * @param parentId 16 hex digits, not all zero
 * @param flags    two hex digits ({@code 01} = sampled)
 */
public record TraceParent(String version, String traceId, String parentId, String flags) {

    public TraceParent {
        check(hex(version, 2), "version is not two lower-case hex digits");
        check(!version.equals("ff"), "version ff is forbidden");
        check(hex(traceId, 32), "trace-id is not 32 lower-case hex digits");
        check(!zeros(traceId), "trace-id is all zeros");
        check(hex(parentId, 16), "parent-id is not 16 lower-case hex digits");
        check(!zeros(parentId), "parent-id is all zeros");
        check(hex(flags, 2), "trace-flags are not two lower-case hex digits");
    }

    /**
     * Parses a {@code traceparent} header value.
     *
     * @throws IllegalArgumentException saying what is wrong (never quoting the value)
     */
    public static TraceParent parse(String header) {
        Objects.requireNonNull(header, "traceparent");
        String h = header.strip();
        if (h.length() < 55) {
            throw new IllegalArgumentException("invalid traceparent: " + h.length() + " characters, a traceparent has 55");
        }
        if (h.charAt(2) != '-' || h.charAt(35) != '-' || h.charAt(52) != '-') {
            throw new IllegalArgumentException("invalid traceparent: not version-traceid-parentid-flags");
        }
        String version = h.substring(0, 2);
        if (version.equals("00") && h.length() != 55) {
            throw new IllegalArgumentException("invalid traceparent: version 00 has exactly 55 characters, this one "
                    + h.length());
        }
        // A later version may append fields, always after a dash.
        if (h.length() > 55 && h.charAt(55) != '-') {
            throw new IllegalArgumentException("invalid traceparent: not version-traceid-parentid-flags");
        }
        try {
            return new TraceParent(version, h.substring(3, 35), h.substring(36, 52), h.substring(53, 55));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid traceparent: " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code value} is meant as a traceparent: two hex digits, then three more
     * dash-separated fields of hex digits ({@code 00-…-…-…}). Such a value must be a valid
     * traceparent; anything else (a UUID, {@code batch-42}) is an opaque correlation id.
     */
    public static boolean looksLikeTraceParent(String value) {
        if (value == null) {
            return false;
        }
        String v = value.strip();
        if (v.length() < 3 || !isHex(v.charAt(0)) || !isHex(v.charAt(1)) || v.charAt(2) != '-') {
            return false;
        }
        int dashes = 0;
        for (int i = 2; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '-') {
                dashes++;
            } else if (!isHex(c) && dashes < 3) {
                return false;
            }
        }
        return dashes >= 3;
    }

    /** The header value: {@code version-traceid-parentid-flags}. */
    @Override
    public String toString() {
        return version + "-" + traceId + "-" + parentId + "-" + flags;
    }

    /** Whether the caller sampled this trace (flag 01). */
    public boolean sampled() {
        return (Integer.parseInt(flags, 16) & 1) == 1;
    }

    private static void check(boolean ok, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(problem);
        }
    }

    private static boolean hex(String s, int length) {
        if (s == null || s.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    private static boolean zeros(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
