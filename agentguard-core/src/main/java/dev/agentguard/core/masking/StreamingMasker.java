package dev.agentguard.core.masking;

import java.util.Arrays;
import java.util.Objects;

/**
 * Masks a text that arrives in pieces (a response body, a session's output) with the detectors of
 * a {@link Masker}, in bounded memory, finding values that are split across pieces.
 *
 * <p>Text is {@link #write written} as it comes and released to an {@link Output} once no later
 * text can change how it is masked. What may still be (part of) a value is held back: the
 * trailing run of text not broken by whitespace or by punctuation no value contains
 * ({@code " ' , ; ( ) [ ] { } < > | \}; digit groups joined by a single space count as one run,
 * as the detectors join them), so a token whose last part has not come yet is never released
 * in part; and any hit that reaches the end of what has arrived, such as a private key block whose
 * end line has not come yet. The last {@value #LOOK_BEHIND} released chars stay as context, so a
 * {@code cvv:} in one piece still marks the {@code 123} in the next. Text is masked in windows of
 * about {@value #WINDOW} chars, or sooner on {@link #flush}, so a stream of small events is
 * released event by event.
 *
 * <p>Memory is bounded: an unbroken run longer than {@value #MAX_PENDING} chars is released but
 * for its last {@value #HOLD} chars, and a single hit that long (a secret no real system issues)
 * is released masked as far as it has come, its first {@value #ANCHOR} chars kept as context so
 * that its continuation is recognised, and masked, as part of it. Parts of one hit released
 * separately are each replaced by the detector's label ({@code [REDACTED:SECRET]}), never shown
 * in part.
 *
 * <p>Masking matches {@link Masker#maskText} on the whole text, with two fail-safe differences
 * at piece boundaries: a value cut by a forced release is redacted rather than partly shown, and
 * a hit that the whole text would not have (a digit run whose glued start was released long ago)
 * is masked anyway. Not thread-safe: one instance per stream.
 */
public final class StreamingMasker {
    /** Released chars kept as context for the next window: covers every detector's look-behind. */
    static final int LOOK_BEHIND = 128;
    /** Chars held back of a run longer than {@link #MAX_PENDING}: longer than any bounded detector hit. */
    static final int HOLD = 1024;
    /** Pending chars at which {@link #write} masks and releases without waiting for {@link #flush}. */
    static final int WINDOW = 16 * 1024;
    /** Pending chars beyond which an unbroken run, or one unfinished hit, is released anyway. */
    static final int MAX_PENDING = 64 * 1024;
    /** Chars of an over-long hit kept as context so its continuation is recognised. */
    static final int ANCHOR = 1024;

    /** Receives the masked text, in order; every char written reaches it exactly once. */
    public interface Output {
        /**
         * Text that passes unchanged: {@code chars[from, to)}. The array is the masker's buffer:
         * copy what you keep before returning.
         */
        void text(char[] chars, int from, int to);

        /**
         * A masked value, or part of one: {@code chars[from, to)} is replaced by
         * {@code replacement}, found by the detector named {@code detector} ({@code pan}).
         * Neither the array nor the replacement may be kept after returning.
         */
        void masked(char[] chars, int from, int to, CharSequence replacement, String detector);
    }

    private final Masker masker;
    /** Starts small: most streams (a short response, a command's stderr) never fill a window. */
    private char[] buf = new char[64];
    /** {@code buf[0, ctx)} is context (already released), {@code buf[ctx, len)} is pending. */
    private int ctx;
    private int len;
    private long written;
    /** Pending chars at which {@link #write} next tries to release. */
    private int releaseAt = WINDOW;
    /** {@code len} at the last release that could release nothing, to skip repeating it; -1 when none. */
    private int stalledAt = -1;
    private boolean finished;

    private int spanCount;
    private int[] starts = new int[4];
    private int[] ends = new int[4];
    private int[] slots = new int[4];
    private boolean[] mergedSpans = new boolean[4];
    private final StringBuilder replacement = new StringBuilder(32);
    private final Masker.SpanSink collector = this::collect;

    /** A streaming masker applying {@code masker}'s detectors (column and JSON field rules are the caller's). */
    public StreamingMasker(Masker masker) {
        this.masker = Objects.requireNonNull(masker, "masker");
    }

    /**
     * Appends {@code chars[off, off + count)}; releases masked text to {@code out} whenever a window
     * is full.
     *
     * @throws IllegalStateException after {@link #finish}
     */
    public void write(char[] chars, int off, int count, Output out) {
        Objects.checkFromIndexSize(off, count, chars.length);
        checkOpen();
        while (count > 0) {
            ensureRoom();
            int n = Math.min(count, buf.length - len);
            System.arraycopy(chars, off, buf, len, n);
            len += n;
            written += n;
            off += n;
            count -= n;
            if (len - ctx >= releaseAt) {
                release(out, false);
            }
        }
    }

    /** Appends one char; see {@link #write(char[], int, int, Output)}. */
    public void write(char c, Output out) {
        if (len < buf.length && len - ctx + 1 < releaseAt && !finished) {
            buf[len++] = c;
            written++;
            return;
        }
        checkOpen();
        ensureRoom();
        buf[len++] = c;
        written++;
        if (len - ctx >= releaseAt) {
            release(out, false);
        }
    }

    /** Appends {@code text}; see {@link #write(char[], int, int, Output)}. */
    public void write(CharSequence text, Output out) {
        checkOpen();
        int n = text.length();
        for (int i = 0; i < n; ) {
            ensureRoom();
            int k = Math.min(n - i, buf.length - len);
            if (text instanceof String) {
                ((String) text).getChars(i, i + k, buf, len);
            } else if (text instanceof StringBuilder) {
                ((StringBuilder) text).getChars(i, i + k, buf, len);
            } else {
                for (int j = 0; j < k; j++) {
                    buf[len + j] = text.charAt(i + j);
                }
            }
            len += k;
            written += k;
            i += k;
            if (len - ctx >= releaseAt) {
                release(out, false);
            }
        }
    }

    /**
     * Releases everything no later text can change, holding back only what may still be the start
     * of a value: call it when no more text is at hand for now, so a stream of small events is not
     * delayed.
     */
    public void flush(Output out) {
        checkOpen();
        if (len == ctx || len == stalledAt) {
            return;
        }
        // After a release that could release nothing, only a break (or the memory bound) can let
        // more go: skip re-scanning until one arrives, so many small pieces cost linear time.
        if (stalledAt >= 0 && len - ctx < MAX_PENDING && !hasBreak(stalledAt, len)) {
            return;
        }
        release(out, false);
    }

    private boolean hasBreak(int from, int to) {
        for (int i = from; i < to; i++) {
            if (isBreak(buf[i])) {
                return true;
            }
        }
        return false;
    }

    /** The text has ended: releases everything pending. Later writes are refused. */
    public void finish(Output out) {
        checkOpen();
        release(out, true);
        finished = true;
        buf = new char[0];
        ctx = 0;
        len = 0;
    }

    /** Chars written so far. */
    public long written() {
        return written;
    }

    /** Whether {@link #finish} has run. */
    public boolean isFinished() {
        return finished;
    }

    private void checkOpen() {
        if (finished) {
            throw new IllegalStateException("the streaming masker has finished: it takes no more text");
        }
    }

    private void ensureRoom() {
        if (len < buf.length) {
            return;
        }
        // The buffer grows to a window and its context as text arrives; beyond that only a stalled
        // window (one long hit pending) fills it, and the forced release at MAX_PENDING keeps
        // this bounded.
        int max = ANCHOR + MAX_PENDING + WINDOW;
        buf = Arrays.copyOf(buf, Math.min(max, Math.max(256, buf.length * 2)));
    }

    private void collect(int start, int end, int slot, boolean merged) {
        if (end <= ctx) {
            return; // inside the released context: already masked
        }
        if (spanCount == starts.length) {
            int grown = spanCount * 2;
            starts = Arrays.copyOf(starts, grown);
            ends = Arrays.copyOf(ends, grown);
            slots = Arrays.copyOf(slots, grown);
            mergedSpans = Arrays.copyOf(mergedSpans, grown);
        }
        starts[spanCount] = start;
        ends[spanCount] = end;
        slots[spanCount] = slot;
        mergedSpans[spanCount] = merged;
        spanCount++;
    }

    private void release(Output out, boolean end) {
        if (len == ctx) {
            return;
        }
        String text = new String(buf, 0, len);
        spanCount = 0;
        masker.scan(text, buf, collector); // buf holds the same chars: the pre-scan reads them there
        int p;
        int crossing = -1;
        if (end) {
            p = len;
        } else {
            p = boundary();
            for (int i = 0; i < spanCount; i++) {
                // A hit across the boundary, or one that runs to the end of what has come, may
                // grow with more text: hold it back whole.
                if (starts[i] < p && (ends[i] > p || ends[i] == len)) {
                    p = Math.max(starts[i], ctx);
                    crossing = i;
                    break;
                }
            }
            if (p <= ctx) {
                if (len - ctx < MAX_PENDING) {
                    stalledAt = len;
                    releaseAt = len - ctx + WINDOW;
                    return;
                }
                p = len; // one hit longer than MAX_PENDING: release it masked as far as it has come
            } else {
                crossing = -1;
            }
        }
        emit(text, p, crossing, out);
        if (crossing >= 0) {
            keepAnchor(starts[crossing]);
        } else {
            keepContext(p);
        }
        stalledAt = -1;
        releaseAt = WINDOW;
    }

    /**
     * Where the pending text that may still be (part of) a value begins: the trailing run not
     * broken (one space between two non-space chars, or trailing, does not break it); when the
     * whole pending text is one run, nothing, unless it has outgrown {@link #MAX_PENDING}.
     */
    private int boundary() {
        int i = len;
        while (i > ctx) {
            char c = buf[i - 1];
            if (!isBreak(c)) {
                i--;
                continue;
            }
            if (Digits.isSeparator(c) && i >= 2 && !isBreak(buf[i - 2]) && (i == len || !isBreak(buf[i]))) {
                i--;
                continue;
            }
            break;
        }
        if (i > ctx) {
            return i;
        }
        return len - ctx >= MAX_PENDING ? len - HOLD : ctx;
    }

    /** Punctuation that no detector's value contains, by ASCII code: a run of text ends there. */
    private static final boolean[] PUNCTUATION_BREAK = new boolean[128];

    static {
        for (char c : "\"',;()[]{}<>|\\".toCharArray()) {
            PUNCTUATION_BREAK[c] = true;
        }
    }

    private static boolean isBreak(char c) {
        if (c < 0x80) {
            return c <= ' ' || PUNCTUATION_BREAK[c];
        }
        return Character.isSpaceChar(c) || Character.isWhitespace(c);
    }

    /** Releases {@code [ctx, p)}; the span {@code unfinished} (or -1) is cut off and only labelled. */
    private void emit(String text, int p, int unfinished, Output out) {
        int at = ctx;
        for (int i = 0; i < spanCount; i++) {
            int s = starts[i];
            int e = ends[i];
            if (s >= p) {
                break;
            }
            int from = Math.max(s, ctx);
            int to = Math.min(e, p);
            if (from > at) {
                out.text(buf, at, from);
            }
            replacement.setLength(0);
            if (from == s && to == e && i != unfinished) {
                masker.appendMask(text, s, e, slots[i], mergedSpans[i], replacement);
            } else {
                replacement.append(masker.slotLabel(slots[i])); // part of a value: never shown in part
            }
            out.masked(buf, from, to, replacement, masker.slotName(slots[i]));
            at = to;
        }
        if (at < p) {
            out.text(buf, at, p);
        }
    }

    /** Keeps the last {@link #LOOK_BEHIND} chars before {@code p} as context, and what follows as pending. */
    private void keepContext(int p) {
        int from = p - Math.min(LOOK_BEHIND, p);
        System.arraycopy(buf, from, buf, 0, len - from);
        len -= from;
        ctx = p - from;
        if (buf.length > LOOK_BEHIND + WINDOW + HOLD && len < WINDOW) {
            buf = Arrays.copyOf(buf, LOOK_BEHIND + WINDOW + HOLD); // a long hit grew it: give it back
        }
    }

    /** After a forced release: the first {@link #ANCHOR} chars of the unfinished hit become the context. */
    private void keepAnchor(int hitStart) {
        int n = Math.min(ANCHOR, len - hitStart);
        System.arraycopy(buf, hitStart, buf, 0, n);
        ctx = n;
        len = n;
    }
}
