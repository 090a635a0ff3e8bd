package dev.agentguard.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * UTF-8 text read line by line from a stream, keeping each line's terminator so that the text
 * can be written back unchanged around what was masked. Holds one line at a time, however long
 * the input.
 *
 * <p>Refuses what is not text: invalid UTF-8, and NUL bytes, which UTF-16 text and binary data
 * are full of. Scanning either as UTF-8 would find nothing and let a card number through
 * unmasked, so a scrubbing tool must stop instead.
 */
final class TextLines {
    /** The longest line accepted, in bytes: a line is held whole so that no value is cut in two. */
    static final int MAX_LINE_BYTES = 8 * 1024 * 1024;

    private final InputStream in;
    private final String name;
    private final int maxLineBytes;
    private final byte[] buffer = new byte[64 * 1024];
    private int pos;
    private int limit;
    private boolean eof;
    private byte[] line = new byte[256];
    private int lineLength;
    /** Bytes of the input before the current line. */
    private long lineOffset;
    private long consumed;
    private long lineNumber;
    private String terminator = "";
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    /**
     * @param in   the stream to read
     * @param name what to call it in messages, e.g. "standard input"
     */
    TextLines(InputStream in, String name) {
        this(in, name, MAX_LINE_BYTES);
    }

    TextLines(InputStream in, String name, int maxLineBytes) {
        this.in = in;
        this.name = name;
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * The next line without its terminator, or {@code null} at the end of the input.
     *
     * @throws InputException when the line is not UTF-8 text, holds a NUL byte or is too long
     */
    String next() throws IOException, InputException {
        lineLength = 0;
        lineOffset = consumed;
        boolean newline = false;
        while (!newline) {
            if (pos == limit && !fill()) {
                break;
            }
            int end = pos;
            while (end < limit && buffer[end] != '\n') {
                end++;
            }
            newline = end < limit;
            int take = (newline ? end + 1 : end) - pos;
            append(take);
        }
        if (lineLength == 0) {
            return null;
        }
        lineNumber++;
        int contentLength = lineLength;
        if (newline) {
            contentLength--;
            terminator = "\n";
            if (contentLength > 0 && line[contentLength - 1] == '\r') {
                contentLength--;
                terminator = "\r\n";
            }
        } else {
            terminator = "";
        }
        return decode(contentLength);
    }

    /** The terminator of the line {@link #next()} returned last: {@code "\n"}, {@code "\r\n"} or none at the end. */
    String terminator() {
        return terminator;
    }

    /** Whether more input can be read without waiting: when not, it is time to flush what was written. */
    boolean ready() throws IOException {
        return pos < limit || (!eof && in.available() > 0);
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int n = in.read(buffer);
        if (n < 0) {
            eof = true;
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    private void append(int count) throws InputException {
        if ((long) lineLength + count > maxLineBytes) {
            throw new InputException(name + " line " + (lineNumber + 1) + " is longer than " + maxLineBytes
                    + " bytes; mask holds one line at a time: break the input into lines first");
        }
        if (lineLength + count > line.length) {
            line = Arrays.copyOf(line, Math.min(maxLineBytes + 2, Math.max(line.length * 2, lineLength + count)));
        }
        System.arraycopy(buffer, pos, line, lineLength, count);
        lineLength += count;
        pos += count;
        consumed += count;
    }

    private String decode(int length) throws InputException {
        for (int i = 0; i < length; i++) {
            if (line[i] == 0) {
                throw new InputException(name + " line " + lineNumber + " holds a NUL byte (at byte offset "
                        + (lineOffset + i) + "): it looks like binary data or UTF-16 text, in which card numbers "
                        + "cannot be found; mask reads UTF-8 text only: convert it first (e.g. iconv -t UTF-8)");
            }
        }
        ByteBuffer bytes = ByteBuffer.wrap(line, 0, length);
        CharBuffer chars = CharBuffer.allocate(length);
        decoder.reset();
        CoderResult result = decoder.decode(bytes, chars, true);
        if (!result.isError()) {
            result = decoder.flush(chars);
        }
        if (result.isError()) {
            throw new InputException(name + " line " + lineNumber + " is not UTF-8 text (invalid byte sequence at "
                    + "byte offset " + (lineOffset + bytes.position()) + "); mask reads UTF-8 text only: convert it "
                    + "first (e.g. iconv -t UTF-8)");
        }
        chars.flip();
        return chars.toString();
    }
}
