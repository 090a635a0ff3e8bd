package dev.agentguard.http.body;

import dev.agentguard.core.masking.MaskTally;
import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.masking.StreamingMasker;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * An {@code application/x-www-form-urlencoded} body: the detectors read names and values decoded
 * ({@code +} a space, {@code %XX} a byte of the body's charset), so {@code 4111+1111+1111+1111}
 * is the card number a browser would show; the masked body is encoded again (unreserved
 * characters as they are, a space as {@code +}, the rest percent-encoded). A {@code %} not followed
 * by two hex digits is taken literally.
 */
final class FormMasking implements CharProcessor, StreamingMasker.Output {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final StreamingMasker view;
    private final CharSink out;
    private final MaskTally tally;
    private final Charset charset;
    private final boolean asciiCompatible;
    private final CharsetDecoder percentDecoder;
    private final CharsetEncoder percentEncoder;

    // reading
    private int percent; // 0 none, 1 after '%', 2 after '%X'
    private char firstHex;
    private byte[] percentBytes = new byte[64];
    private int percentLength;
    private final char[] decodedChars = new char[128];

    // view positions of '&' and '=' separators, which pass as they are
    private long[] separators = new long[64];
    private int head;
    private int tail;
    private long pos;
    private char pendingHigh;

    FormMasking(Masker masker, CharSink out, MaskTally tally, Charset charset) {
        this.view = new StreamingMasker(masker);
        this.out = out;
        this.tally = tally;
        this.charset = charset;
        String probe = "azAZ09%&=+*-._";
        this.asciiCompatible = Arrays.equals(probe.getBytes(charset), probe.getBytes(StandardCharsets.US_ASCII));
        this.percentDecoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        this.percentEncoder = charset.newEncoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
    }

    @Override
    public void write(char[] chars, int off, int len) {
        for (int i = off; i < off + len; i++) {
            char ch = chars[i];
            if (percent == 1) {
                if (Character.digit(ch, 16) >= 0 && ch < 0x80) {
                    firstHex = ch;
                    percent = 2;
                    continue;
                }
                percent = 0;
                endPercent();
                content('%');
            } else if (percent == 2) {
                if (Character.digit(ch, 16) >= 0 && ch < 0x80) {
                    addByte(Character.digit(firstHex, 16) * 16 + Character.digit(ch, 16));
                    percent = 0;
                    continue;
                }
                percent = 0;
                endPercent();
                content('%');
                content(firstHex);
            }
            if (ch == '%') {
                percent = 1;
                continue;
            }
            endPercent();
            if (ch == '&' || ch == '=') {
                separator(view.written());
                view.write(ch, this);
            } else {
                content(ch == '+' ? ' ' : ch);
            }
        }
    }

    @Override
    public void flush() {
        if (percentLength > 0) {
            decodePercent(false); // whole characters now, so nothing waits; a cut one waits for its bytes
        }
        view.flush(this);
    }

    @Override
    public void finish() {
        if (percent != 0) {
            endPercent();
            content('%');
            if (percent == 2) {
                content(firstHex);
            }
            percent = 0;
        }
        endPercent();
        view.finish(this);
        if (pendingHigh != 0) {
            encodeOther(String.valueOf(pendingHigh));
            pendingHigh = 0;
        }
    }

    private void content(char ch) {
        view.write(ch, this);
    }

    private void addByte(int b) {
        if (percentLength == percentBytes.length) {
            decodePercent(false);
            if (percentLength == percentBytes.length) {
                percentBytes = Arrays.copyOf(percentBytes, percentBytes.length * 2);
            }
        }
        percentBytes[percentLength++] = (byte) b;
    }

    /** The run of percent-encoded bytes has ended: decode all of it. */
    private void endPercent() {
        if (percentLength > 0) {
            decodePercent(true);
            percentDecoder.reset();
        }
    }

    private void decodePercent(boolean end) {
        ByteBuffer in = ByteBuffer.wrap(percentBytes, 0, percentLength);
        CharBuffer chars = CharBuffer.wrap(decodedChars);
        while (true) {
            boolean overflow = percentDecoder.decode(in, chars, end).isOverflow();
            if (end) {
                overflow |= percentDecoder.flush(chars).isOverflow();
            }
            view.write(decodedChars, 0, chars.position(), this);
            chars.clear();
            if (!overflow) {
                break;
            }
        }
        int rest = in.remaining();
        System.arraycopy(percentBytes, in.position(), percentBytes, 0, rest);
        percentLength = rest;
    }

    private void separator(long at) {
        if (tail == separators.length) {
            if (head > 0) {
                System.arraycopy(separators, head, separators, 0, tail - head);
                tail -= head;
                head = 0;
            } else {
                separators = Arrays.copyOf(separators, separators.length * 2);
            }
        }
        separators[tail++] = at;
    }

    private boolean atSeparator() {
        if (head < tail && separators[head] == pos) {
            head++;
            if (head == tail) {
                head = 0;
                tail = 0;
            }
            return true;
        }
        return false;
    }

    @Override
    public void text(char[] chars, int from, int to) {
        for (int i = from; i < to; i++) {
            if (atSeparator()) {
                out.append(chars[i]);
            } else {
                encode(chars[i]);
            }
            pos++;
        }
    }

    @Override
    public void masked(char[] chars, int from, int to, CharSequence replacement, String detector) {
        long end = pos + (to - from);
        boolean crossesSeparator = head < tail && separators[head] < end;
        if (!crossesSeparator) {
            for (int i = 0; i < replacement.length(); i++) {
                encode(replacement.charAt(i));
            }
            pos = end;
        } else {
            // A hit running over a separator: separators stay, each part becomes the label.
            String label = "[REDACTED:" + detector.toUpperCase(Locale.ROOT) + "]";
            boolean labelled = false;
            for (int i = from; i < to; i++) {
                if (atSeparator()) {
                    out.append(chars[i]);
                    labelled = false;
                } else if (!labelled) {
                    for (int k = 0; k < label.length(); k++) {
                        encode(label.charAt(k));
                    }
                    labelled = true;
                }
                pos++;
            }
        }
        tally.add(detector, detector);
    }

    /** One content char, form-encoded. */
    private void encode(char c) {
        if (pendingHigh != 0) {
            char high = pendingHigh;
            pendingHigh = 0;
            if (Character.isLowSurrogate(c)) {
                encodeOther(new String(new char[] {high, c}));
                return;
            }
            encodeOther(String.valueOf(high));
        }
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '*' || c == '-'
                || c == '.' || c == '_') {
            out.append(c);
        } else if (c == ' ') {
            out.append('+');
        } else if (c < 0x80 && asciiCompatible) {
            percentByte(c);
        } else if (Character.isHighSurrogate(c)) {
            pendingHigh = c;
        } else {
            encodeOther(String.valueOf(c));
        }
    }

    private void encodeOther(String chars) {
        ByteBuffer bytes;
        try {
            percentEncoder.reset();
            bytes = percentEncoder.encode(CharBuffer.wrap(chars));
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("replacement is on", e);
        }
        while (bytes.hasRemaining()) {
            percentByte(bytes.get() & 0xFF);
        }
    }

    private void percentByte(int b) {
        out.append('%');
        out.append(HEX[b >> 4]);
        out.append(HEX[b & 0xF]);
    }

    @Override
    public String toString() {
        return "FormMasking[" + charset + "]";
    }
}
