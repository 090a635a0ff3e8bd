package dev.agentguard.http.body;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Reads the first bytes of a body without a usable Content-Type (or with a charset that depends
 * on a byte-order mark) to decide how to read it. In doubt it answers text: text masking of a
 * binary body can mangle it, but binary pass-through of a text body would let its values through.
 */
final class Sniffer {
    /** Bytes looked at before deciding. */
    static final int SAMPLE = 512;

    private static final Charset UTF_32BE = Charset.forName("UTF-32BE");
    private static final Charset UTF_32LE = Charset.forName("UTF-32LE");

    private Sniffer() {
    }

    /** The decision: binary, or text in a charset. */
    record Verdict(boolean binary, Charset charset) {
    }

    /** The charset a byte-order mark at the start of {@code b[0, n)} names, or null. */
    static Charset byteOrderMark(byte[] b, int n) {
        if (n >= 4 && b[0] == 0 && b[1] == 0 && (b[2] & 0xFF) == 0xFE && (b[3] & 0xFF) == 0xFF) {
            return UTF_32BE;
        }
        if (n >= 4 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE && b[2] == 0 && b[3] == 0) {
            return UTF_32LE;
        }
        if (n >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF) {
            return StandardCharsets.UTF_8;
        }
        if (n >= 2 && (b[0] & 0xFF) == 0xFE && (b[1] & 0xFF) == 0xFF) {
            return StandardCharsets.UTF_16BE;
        }
        if (n >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE) {
            return StandardCharsets.UTF_16LE;
        }
        return null;
    }

    /**
     * The byte order of a declared {@code UTF-16} or {@code UTF-32} body (big-endian unless a
     * byte-order mark says otherwise, RFC 2781), so it is read and written back in that order with
     * its mark kept as a character; any other charset is returned as is.
     */
    static Charset withByteOrder(Charset declared, byte[] b, int n) {
        String name = declared.name();
        if (name.equals("UTF-16")) {
            Charset bom = byteOrderMark(b, n);
            return bom == StandardCharsets.UTF_16LE ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE;
        }
        if (name.equals("UTF-32")) {
            Charset bom = byteOrderMark(b, n);
            return bom == UTF_32LE ? UTF_32LE : UTF_32BE;
        }
        return declared;
    }

    /** Whether {@code declared} needs the first bytes to fix its byte order. */
    static boolean needsByteOrder(Charset declared) {
        return declared.name().equals("UTF-16") || declared.name().equals("UTF-32");
    }

    /** Decides from {@code b[0, n)}, the body's first bytes ({@code end}: the whole body). */
    static Verdict decide(byte[] b, int n, boolean end) {
        Charset bom = byteOrderMark(b, n);
        if (bom != null) {
            return new Verdict(false, bom);
        }
        if (hasBinarySignature(b, n)) {
            return new Verdict(true, null);
        }
        // UTF-16 or UTF-32 text without a mark: ASCII characters leave zero bytes on one side only.
        int zerosEven = 0;
        int zerosOdd = 0;
        int[] zerosByQuarter = new int[4];
        int controls = 0;
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xFF;
            if (c == 0) {
                if ((i & 1) == 0) {
                    zerosEven++;
                } else {
                    zerosOdd++;
                }
                zerosByQuarter[i & 3]++;
            } else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1B) || c == 0x7F) {
                controls++;
            }
        }
        int quads = n / 4;
        if (quads >= 2 && zerosByQuarter[0] >= quads && zerosByQuarter[1] >= quads && zerosByQuarter[2] >= quads
                && zerosByQuarter[3] == 0) {
            return new Verdict(false, UTF_32BE);
        }
        if (quads >= 2 && zerosByQuarter[1] >= quads && zerosByQuarter[2] >= quads && zerosByQuarter[3] >= quads
                && zerosByQuarter[0] == 0) {
            return new Verdict(false, UTF_32LE);
        }
        // A quarter of one side zero, none of the other: text of mostly Latin letters in UTF-16.
        if (n >= 4 && zerosEven * 8 >= n && zerosOdd == 0) {
            return new Verdict(false, StandardCharsets.UTF_16BE);
        }
        if (n >= 4 && zerosOdd * 8 >= n && zerosEven == 0) {
            return new Verdict(false, StandardCharsets.UTF_16LE);
        }
        if (zerosEven + zerosOdd > 0 || controls * 100 > n) {
            return new Verdict(true, null);
        }
        return new Verdict(false, validUtf8(b, n, end) ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    /** Formats that start with printable bytes but are binary. */
    private static boolean hasBinarySignature(byte[] b, int n) {
        return startsWith(b, n, "%PDF-") || startsWith(b, n, "GIF87a") || startsWith(b, n, "GIF89a")
                || startsWith(b, n, "PK\u0003\u0004") || startsWith(b, n, "\u0089PNG")
                || startsWith(b, n, "\u00FF\u00D8\u00FF") || startsWith(b, n, "\u001F\u008B")
                || startsWith(b, n, "RIFF") || startsWith(b, n, "OggS") || startsWith(b, n, "7z\u00BC\u00AF")
                || startsWith(b, n, "BZh") || startsWith(b, n, "\u0000asm") || startsWith(b, n, "wOFF")
                || startsWith(b, n, "wOF2") || startsWith(b, n, "\u00FD7zXZ");
    }

    private static boolean startsWith(byte[] b, int n, String signature) {
        if (n < signature.length()) {
            return false;
        }
        for (int i = 0; i < signature.length(); i++) {
            if ((b[i] & 0xFF) != signature.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code b[0, n)} is UTF-8; a sequence cut by the sample's end counts when more follows. */
    static boolean validUtf8(byte[] b, int n, boolean end) {
        int i = 0;
        while (i < n) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int extra;
            int min;
            if (c >= 0xC2 && c <= 0xDF) {
                extra = 1;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                extra = 2;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                extra = 3;
                min = 0x10000;
            } else {
                return false;
            }
            if (i + extra >= n) { // cut by the sample's end
                for (int k = i + 1; k < n; k++) {
                    if ((b[k] & 0xC0) != 0x80) {
                        return false;
                    }
                }
                return !end;
            }
            int cp = c & (0x3F >> extra);
            for (int k = 1; k <= extra; k++) {
                int cc = b[i + k] & 0xFF;
                if ((cc & 0xC0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (cc & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return false;
            }
            i += extra + 1;
        }
        return true;
    }
}
