package dev.agentguard.http.body;

import java.io.IOException;

/**
 * Bytes pulled one window at a time, so that a stage (a decoder, a masker) never holds more than
 * a window however much its input expands: a decompression bomb is decoded no faster than the
 * agent's handler takes the result.
 */
interface ByteSource {
    /** {@link #read} has nothing until more of the body arrives. */
    int NEED_INPUT = 0;
    /** {@link #read} has reached the end of the body. */
    int END = -1;

    /**
     * Reads up to {@code len} ({@code > 0}) bytes into {@code b[off, off + len)}.
     *
     * @return the number of bytes read, {@link #NEED_INPUT} or {@link #END}
     * @throws java.io.IOException when the bytes cannot be decoded
     */
    int read(byte[] b, int off, int len) throws IOException;

    /** Frees what the source holds (native inflaters); reading after it is not allowed. */
    default void close() {
    }
}
