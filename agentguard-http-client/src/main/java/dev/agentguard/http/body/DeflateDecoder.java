package dev.agentguard.http.body;

import java.io.IOException;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes {@code Content-Encoding: deflate} as bytes arrive: zlib data (RFC 1950, what the coding
 * means, its Adler-32 checked) or, as some servers send, raw deflate data (RFC 1951); the first
 * two bytes tell which. Bytes after the end of the stream fail the body.
 */
final class DeflateDecoder implements ByteSource {
    private final ByteSource in;
    private final byte[] input = new byte[8192];
    private int inPos;
    private int inLen;
    private Inflater inflater;
    private boolean finished;
    private boolean raw;
    private boolean dummyGiven;
    private long offset;

    DeflateDecoder(ByteSource in) {
        this.in = in;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (inflater == null) {
            // The first two bytes choose zlib or raw; they may arrive one at a time.
            while (inLen < 2) {
                int n = in.read(input, inLen, input.length - inLen);
                if (n == NEED_INPUT) {
                    return NEED_INPUT;
                }
                if (n == END) {
                    if (inLen == 0) {
                        return END; // an empty body carries the coding but no data
                    }
                    throw bad("ends inside the deflate stream");
                }
                inLen += n;
            }
            int cmf = input[0] & 0xFF;
            int flg = input[1] & 0xFF;
            boolean zlib = (cmf & 0x0F) == 8 && (cmf >> 4) <= 7 && ((cmf << 8) | flg) % 31 == 0;
            raw = !zlib;
            inflater = new Inflater(raw);
        }
        while (true) {
            if (finished) {
                if (inPos < inLen) {
                    throw bad("has data after the end of the deflate stream");
                }
                int n = in.read(input, 0, input.length);
                if (n > 0) {
                    throw bad("has data after the end of the deflate stream");
                }
                return n;
            }
            if (inflater.finished()) {
                // The last call ended the stream along with its input: see it before asking for more.
                int remaining = dummyGiven ? 0 : inflater.getRemaining();
                inPos = inLen - remaining;
                offset -= remaining;
                finished = true;
                continue;
            }
            if (inflater.needsInput()) {
                if (inPos == inLen) {
                    int n = in.read(input, 0, input.length);
                    if (n == NEED_INPUT) {
                        return NEED_INPUT;
                    }
                    if (n == END) {
                        if (raw && !dummyGiven) {
                            // zlib may need one byte past raw deflate data to see its end (Inflater's "nowrap").
                            dummyGiven = true;
                            input[0] = 0;
                            inPos = 0;
                            inLen = 1;
                            inflater.setInput(input, 0, 1);
                            inPos = 1;
                            continue;
                        }
                        throw bad("ends inside the deflate stream");
                    }
                    inPos = 0;
                    inLen = n;
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
                return n;
            }
            if (inflater.finished()) {
                int remaining = dummyGiven ? 0 : inflater.getRemaining();
                inPos = inLen - remaining;
                offset -= remaining;
                finished = true;
            } else if (inflater.needsDictionary()) {
                throw bad("asks for a preset deflate dictionary");
            }
        }
    }

    private UnmaskableBodyException bad(String what) {
        return new UnmaskableBodyException("the response body (Content-Encoding deflate) " + what + " at compressed byte "
                + offset + ": it cannot be decoded to be masked, so it is not delivered");
    }

    @Override
    public void close() {
        if (inflater != null) {
            inflater.end();
        }
        in.close();
    }
}
