package dev.agentguard.ssh;

import dev.agentguard.core.masking.MaskTally;
import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.masking.StreamingMasker;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Masks one output stream of a session (stdout, stderr or a terminal) as it arrives in chunks,
 * with the policy's detectors, so that a value split across two packets or reads is still caught.
 *
 * <p>Bytes are decoded as UTF-8 (a character split across chunks waits for its other bytes;
 * malformed bytes become U+FFFD) and handed to core's {@link StreamingMasker}, which releases text
 * once no later output can change how it is masked and holds back what may still be the start of
 * a value. What this class adds for SSH:
 * <ul>
 *   <li>{@link #releaseHeld()}: a shell reader that found the prompt it waits for in the held-back
 *       text releases it (masked) at once, since a prompt ends the output of a command as surely
 *       as the end of the stream; masking then starts afresh after it;</li>
 *   <li>counts of masked values per detector ({@code masked.pan}) for the outcome events.</li>
 * </ul>
 * Not thread-safe: one masker per stream, fed by one thread at a time.
 */
final class OutputMasker {

    /** No bytes: shared, since it is only ever read (nothing remains in it). */
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final Masker masker;
    /** Made at the first output: most stderr streams stay empty. */
    private StreamingMasker stream;
    /** Whether the raw held-back text is kept, for {@link #heldIndexOf} (shells only). */
    private final boolean trackHeld;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private ByteBuffer undecoded = NOTHING;
    private CharBuffer chars;
    /** The raw text written to the streaming masker and not released yet. */
    private final StringBuilder held = new StringBuilder();
    private final StringBuilder released = new StringBuilder();
    private long releasedRaw;
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private long maskedValues;
    private long bytesIn;

    private final StreamingMasker.Output output = new StreamingMasker.Output() {
        @Override
        public void text(char[] c, int from, int to) {
            released.append(c, from, to - from);
            releasedRaw += to - from;
        }

        @Override
        public void masked(char[] c, int from, int to, CharSequence replacement, String detector) {
            released.append(replacement);
            releasedRaw += to - from;
            counts.merge(MaskTally.PREFIX + detector, 1L, Long::sum);
            maskedValues++;
        }
    };

    /** A masker for a stream that is read to its end (exec output, a file). */
    OutputMasker(Masker masker) {
        this(masker, false);
    }

    /**
     * @param trackHeld whether a reader may look into the held-back text and release it
     *                  ({@link #heldIndexOf}, {@link #releaseHeld}): a shell's prompt
     */
    OutputMasker(Masker masker, boolean trackHeld) {
        this.masker = masker;
        this.trackHeld = trackHeld;
    }

    private StreamingMasker stream() {
        if (stream == null) {
            stream = new StreamingMasker(masker);
        }
        return stream;
    }

    /** Takes {@code len} raw bytes; returns the masked text that can be released now (often all of it). */
    String accept(byte[] b, int off, int len) {
        bytesIn += len;
        decode(ByteBuffer.wrap(b, off, len), false);
        stream().flush(output);
        return take();
    }

    /** Takes text already decoded; returns the masked text that can be released now. */
    String acceptText(CharSequence text) {
        if (trackHeld) {
            held.append(text);
        }
        stream().write(text, output);
        stream().flush(output);
        return take();
    }

    /** The end of the stream: everything still held, masked. */
    String finish() {
        if (bytesIn == 0 && stream == null) {
            return ""; // nothing came (most stderr streams): nothing to decode or mask
        }
        decode(NOTHING, true);
        if (stream == null) {
            return "";
        }
        stream.finish(output);
        return take();
    }

    /** Index of {@code marker} in the raw text held back, or -1 (always -1 unless made to track it). */
    int heldIndexOf(String marker) {
        return trackHeld ? held.indexOf(marker) : -1;
    }

    /** Releases everything held back, masked, and starts masking afresh after it. */
    String releaseHeld() {
        if (!trackHeld || held.length() == 0 || stream == null) {
            return "";
        }
        stream.finish(output);
        stream = new StreamingMasker(masker);
        return take();
    }

    /** Raw bytes taken so far. */
    long bytesIn() {
        return bytesIn;
    }

    /** Values masked so far. */
    long maskedValues() {
        return maskedValues;
    }

    /** Masked values per detector, keyed {@code masked.<detector>}; a snapshot. */
    Map<String, Long> counts() {
        return counts.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    }

    private String take() {
        if (trackHeld) {
            // The streaming masker released releasedRaw raw chars in all; drop them from what is held.
            int drop = (int) Math.min(held.length(), releasedRaw);
            held.delete(0, drop);
            releasedRaw -= drop;
        }
        if (released.length() == 0) {
            return "";
        }
        String out = released.toString();
        released.setLength(0);
        return out;
    }

    private void decode(ByteBuffer in, boolean endOfInput) {
        ByteBuffer src = in;
        if (undecoded.hasRemaining()) {
            src = ByteBuffer.allocate(undecoded.remaining() + in.remaining());
            src.put(undecoded).put(in).flip();
        }
        if (chars == null) {
            chars = CharBuffer.allocate(Math.max(256, Math.min(8192, src.remaining())));
        }
        while (decoder.decode(src, chars, endOfInput).isOverflow()) {
            drainChars();
        }
        if (endOfInput) {
            while (decoder.flush(chars).isOverflow()) {
                drainChars();
            }
            decoder.reset();
        }
        drainChars();
        // An incomplete UTF-8 sequence (at most 3 bytes) waits for the next chunk.
        undecoded = src.hasRemaining() ? ByteBuffer.allocate(src.remaining()).put(src).flip() : NOTHING;
    }

    private void drainChars() {
        chars.flip();
        if (chars.hasRemaining()) {
            if (trackHeld) {
                held.append(chars);
            }
            stream().write(chars.array(), chars.arrayOffset() + chars.position(), chars.remaining(), output);
        }
        chars.clear();
    }
}
