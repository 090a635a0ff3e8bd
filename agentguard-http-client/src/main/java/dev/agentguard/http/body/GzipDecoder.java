package dev.agentguard.http.body;

import java.io.IOException;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes {@code Content-Encoding: gzip} (RFC 1952) as bytes arrive: any number of members, one
 * after the other, each checked against its CRC-32 and length. Bytes after the last member that
 * are not another member fail the body: nothing undecoded reaches the agent.
 */
final class GzipDecoder implements ByteSource {
    private static final int FTEXT_UNUSED_RESERVED = 0xE0;
    private static final int FHCRC = 0x02;
    private static final int FEXTRA = 0x04;
    private static final int FNAME = 0x08;
    private static final int FCOMMENT = 0x10;
    private static final int NEED = -2;

    private enum State { MEMBER, ID2, METHOD, FLAGS, FIXED, XLEN, EXTRA, NAME, COMMENT, HEADER_CRC, DATA, TRAILER }

    private final ByteSource in;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final byte[] input = new byte[8192];
    private int inPos;
    private int inLen;
    private State state = State.MEMBER;
    private int flags;
    private int left;
    private int xlen;
    private long size;
    private final byte[] trailer = new byte[8];
    private int members;
    private long offset; // compressed bytes consumed, for messages

    GzipDecoder(ByteSource in) {
        this.in = in;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (true) {
            int c;
            switch (state) {
                case MEMBER:
                    c = nextByte();
                    if (c == NEED) {
                        return NEED_INPUT;
                    }
                    if (c == END) {
                        return END; // an empty body (HEAD, 204) carries the coding but no member
                    }
                    if (c != 0x1f) {
                        throw members == 0 ? bad("is not gzip data") : bad("has data after its last gzip member");
                    }
                    state = State.ID2;
                    break;
                case ID2:
                    c = headerByte();
                    if (c == NEED) {
                        return NEED_INPUT;
                    }
                    if (c != 0x8b) {
                        throw members == 0 ? bad("is not gzip data") : bad("has data after its last gzip member");
                    }
                    state = State.METHOD;
                    break;
                case METHOD:
                    c = headerByte();
                    if (c == NEED) {
                        return NEED_INPUT;
                    }
                    if (c != 8) {
                        throw bad("uses a gzip compression method other than deflate");
                    }
                    state = State.FLAGS;
                    break;
                case FLAGS:
                    c = headerByte();
                    if (c == NEED) {
                        return NEED_INPUT;
                    }
                    if ((c & FTEXT_UNUSED_RESERVED) != 0) {
                        throw bad("has reserved gzip header flags set");
                    }
                    flags = c;
                    left = 6; // MTIME, XFL, OS
                    state = State.FIXED;
                    break;
                case FIXED:
                    if (!skip()) {
                        return NEED_INPUT;
                    }
                    if ((flags & FEXTRA) != 0) {
                        left = 2;
                        xlen = 0;
                        state = State.XLEN;
                    } else {
                        state = afterExtra();
                    }
                    break;
                case XLEN:
                    c = headerByte();
                    if (c == NEED) {
                        return NEED_INPUT;
                    }
                    xlen |= c << (8 * (2 - left));
                    if (--left == 0) {
                        left = xlen;
                        state = State.EXTRA;
                    }
                    break;
                case EXTRA:
                    if (!skip()) {
                        return NEED_INPUT;
                    }
                    state = afterExtra();
                    break;
                case NAME:
                case COMMENT:
                    c = headerByte();
                    if (c == NEED) {
                        return NEED_INPUT;
                    }
                    if (c == 0) {
                        state = state == State.NAME && (flags & FCOMMENT) != 0 ? State.COMMENT : afterComment();
                    }
                    break;
                case HEADER_CRC:
                    if (!skip()) {
                        return NEED_INPUT;
                    }
                    startData();
                    break;
                case DATA:
                    if (inflater.finished()) {
                        int remaining = inflater.getRemaining();
                        inPos = inLen - remaining;
                        offset -= remaining;
                        left = 8;
                        state = State.TRAILER;
                        break;
                    }
                    if (inflater.needsInput()) {
                        if (inPos == inLen && !fill()) {
                            return NEED_INPUT;
                        }
                        inflater.setInput(input, inPos, inLen - inPos);
                        offset += inLen - inPos;
                        inPos = inLen;
                    }
                    int n;
                    try {
                        n = inflater.inflate(b, off, len);
                    } catch (DataFormatException e) {
                        throw bad("has corrupt deflate data");
                    }
                    if (n > 0) {
                        crc.update(b, off, n);
                        size += n;
                        return n;
                    }
                    if (inflater.finished()) {
                        int remaining = inflater.getRemaining();
                        inPos = inLen - remaining;
                        offset -= remaining;
                        left = 8;
                        state = State.TRAILER;
                    } else if (inflater.needsDictionary()) {
                        throw bad("asks for a preset deflate dictionary");
                    }
                    break;
                case TRAILER:
                    while (left > 0) {
                        c = headerByte();
                        if (c == NEED) {
                            return NEED_INPUT;
                        }
                        trailer[8 - left] = (byte) c;
                        left--;
                    }
                    if (le32(0) != crc.getValue() || le32(4) != (size & 0xFFFFFFFFL)) {
                        throw bad("fails its gzip CRC-32 or length check");
                    }
                    members++;
                    state = State.MEMBER;
                    break;
                default:
                    throw new IllegalStateException(state.name());
            }
        }
    }

    private State afterExtra() {
        if ((flags & FNAME) != 0) {
            return State.NAME;
        }
        return (flags & FCOMMENT) != 0 ? State.COMMENT : afterComment();
    }

    private State afterComment() {
        if ((flags & FHCRC) != 0) {
            left = 2;
            return State.HEADER_CRC;
        }
        startData();
        return State.DATA;
    }

    private void startData() {
        inflater.reset();
        crc.reset();
        size = 0;
        state = State.DATA;
    }

    private long le32(int at) {
        return (trailer[at] & 0xFFL) | (trailer[at + 1] & 0xFFL) << 8 | (trailer[at + 2] & 0xFFL) << 16
                | (trailer[at + 3] & 0xFFL) << 24;
    }

    /** Skips {@code left} header bytes; false when more input is needed first. */
    private boolean skip() throws IOException {
        while (left > 0) {
            int c = headerByte();
            if (c == NEED) {
                return false;
            }
            left--;
        }
        return true;
    }

    /** A byte inside a member: the body may not end here. */
    private int headerByte() throws IOException {
        int c = nextByte();
        if (c == END) {
            throw bad("ends inside a gzip member");
        }
        return c;
    }

    /** The next compressed byte, {@link #NEED} or {@link #END}. */
    private int nextByte() throws IOException {
        if (inPos == inLen && !fill()) {
            return ended ? END : NEED;
        }
        offset++;
        return input[inPos++] & 0xFF;
    }

    private boolean ended;

    /** Reads more compressed input; false when none is at hand (see {@link #ended}). */
    private boolean fill() throws IOException {
        int n = in.read(input, 0, input.length);
        if (n > 0) {
            inPos = 0;
            inLen = n;
            return true;
        }
        if (n == END) {
            ended = true;
            if (state == State.DATA) {
                throw bad("ends inside a gzip member");
            }
        }
        return false;
    }

    private UnmaskableBodyException bad(String what) {
        return new UnmaskableBodyException("the response body (Content-Encoding gzip) " + what + " at compressed byte "
                + Math.max(0, offset) + ": it cannot be decoded to be masked, so it is not delivered");
    }

    @Override
    public void close() {
        inflater.end();
        in.close();
    }
}
