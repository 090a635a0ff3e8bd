package dev.agentguard.http.body;

import java.io.IOException;

/** Bytes already read (to sniff a body's kind or a byte-order mark) followed by the rest. */
final class PrefixedSource implements ByteSource {
    private final byte[] prefix;
    private final int length;
    private int position;
    private final ByteSource rest;

    PrefixedSource(byte[] prefix, int length, ByteSource rest) {
        this.prefix = prefix;
        this.length = length;
        this.rest = rest;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (position < length) {
            int n = Math.min(len, length - position);
            System.arraycopy(prefix, position, b, off, n);
            position += n;
            return n;
        }
        return rest.read(b, off, len);
    }

    @Override
    public void close() {
        rest.close();
    }
}
