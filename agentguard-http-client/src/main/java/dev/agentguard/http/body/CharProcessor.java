package dev.agentguard.http.body;

import java.io.IOException;

/** Masks a body's decoded chars into a {@link CharSink}, by content kind. */
interface CharProcessor {
    /** The next chars of the body. */
    void write(char[] chars, int off, int len) throws IOException;

    /** No more chars are at hand for now: release what is final. */
    void flush() throws IOException;

    /** The body has ended: release everything, or fail if it ended where it may not. */
    void finish() throws IOException;
}
