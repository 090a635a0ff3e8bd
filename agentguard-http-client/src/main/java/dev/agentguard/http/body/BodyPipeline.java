package dev.agentguard.http.body;

import dev.agentguard.core.masking.MaskTally;
import dev.agentguard.core.masking.Masker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One body from received bytes to delivered bytes: content codings undone, the kind settled
 * (sniffed when the headers do not say), text decoded, masked and encoded back in its charset,
 * binary passed through and hashed. Pull-driven: {@link #next()} makes one output item at a time,
 * so memory stays at a window whatever the body's size or compression ratio.
 *
 * <p>Malformed input in the body's charset is read as U+FFFD, and what is delivered is the text
 * the detectors saw, encoded again: a byte sequence the masker could not read never reaches the
 * agent, so no decoder of the agent's can read a value out of it that the masker missed.
 */
final class BodyPipeline {
    /** {@link #next()} at the end of the body. */
    static final List<ByteBuffer> END = Collections.unmodifiableList(new java.util.ArrayList<>());

    private static final int CHUNK = 16 * 1024;
    /**
     * The smallest text window. The windows start at the size the body is likely to have (its
     * Content-Length, else its first item; four times that for a compressed body) and grow
     * to {@link #CHUNK} when a read fills them, so a 45-byte answer does not allocate 100 KB of
     * buffers and a body longer than declared is still read whole.
     */
    static final int MIN_WINDOW = 64;
    private static final int OUTPUT_CHARS = 32 * 1024;

    private enum Mode { PASS, PREFIX, BINARY, TEXT, DONE }

    private final BodyPlan plan;
    private final Masker masker;
    private final BodyMaskingOptions options;
    private final MaskTally tally = new MaskTally();
    private final UpstreamBytes upstream = new UpstreamBytes();
    private ByteSource source;
    private Mode mode;
    private ContentKind kind;
    private MessageDigest sha;
    private String shaHex;
    private long delivered;
    private List<ByteBuffer> passItem;

    // prefix (sniffing, byte order)
    private byte[] prefix;
    private int prefixLength;
    private int prefixNeeded;
    private Charset textCharset;

    // text
    private CharsetDecoder decoder;
    private CharsetEncoder encoder;
    private byte[] inBytes;
    private int inLength;
    private char[] decoded;
    private CharBuffer decodedBuffer;
    private CharSink sink;
    private CharProcessor processor;
    private ByteBuffer encoded;
    private boolean textEnded;

    BodyPipeline(BodyPlan plan, Masker masker, BodyMaskingOptions options) {
        this.plan = plan;
        this.masker = masker;
        this.options = options;
        this.kind = plan.kind();
        ByteSource s = upstream;
        for (BodyPlan.Coding coding : plan.codings()) {
            s = coding == BodyPlan.Coding.GZIP ? new GzipDecoder(s) : new DeflateDecoder(s);
        }
        if (plan.decoded()) {
            s = new DecodedSizeLimit(s, options.maxDecodedBytes());
        }
        this.source = s;
        if (kind == ContentKind.BINARY) {
            startBinary();
            mode = plan.decoded() ? Mode.BINARY : Mode.PASS;
        } else if (kind == ContentKind.SNIFF) {
            startPrefix(Sniffer.SAMPLE);
        } else {
            Charset declared = plan.charset() != null ? plan.charset() : BodyPlan.DEFAULT_CHARSET;
            if (Sniffer.needsByteOrder(declared)) {
                textCharset = declared;
                startPrefix(4);
            } else {
                startText(declared);
            }
        }
    }

    /** The next item of the body as the HTTP client delivered it. */
    void accept(List<ByteBuffer> item) {
        upstream.accept(item);
        if (mode == Mode.PASS) {
            passItem = item;
        }
    }

    /** The HTTP client has delivered the whole body. */
    void end() {
        upstream.end();
    }

    /**
     * The next item for the agent's handler: {@link #END} once the body has been delivered whole,
     * {@code null} when more of the body must arrive first.
     *
     * @throws IOException when the body cannot be decoded or masked
     */
    List<ByteBuffer> next() throws IOException {
        while (true) {
            switch (mode) {
                case PASS: {
                    List<ByteBuffer> item = passItem;
                    if (item == null) {
                        if (upstream.ended()) {
                            mode = Mode.DONE;
                            return END;
                        }
                        return null;
                    }
                    passItem = null;
                    long n = 0;
                    for (ByteBuffer b : item) {
                        n += b.remaining();
                        sha.update(b.duplicate());
                    }
                    upstream.accept(List.of()); // handed on whole, not read through
                    if (n == 0) {
                        continue;
                    }
                    delivered += n;
                    return item;
                }
                case PREFIX:
                    if (!fillPrefix()) {
                        return null;
                    }
                    continue;
                case BINARY: {
                    byte[] b = new byte[CHUNK];
                    int n = source.read(b, 0, b.length);
                    if (n == ByteSource.NEED_INPUT) {
                        return null;
                    }
                    if (n == ByteSource.END) {
                        mode = Mode.DONE;
                        return END;
                    }
                    sha.update(b, 0, n);
                    delivered += n;
                    return List.of(ByteBuffer.wrap(b, 0, n));
                }
                case TEXT:
                    return nextText();
                default:
                    return END;
            }
        }
    }

    private void startBinary() {
        kind = ContentKind.BINARY;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM; binary bodies are reported by it", e);
        }
    }

    private void startPrefix(int needed) {
        prefix = new byte[needed];
        prefixNeeded = needed;
        mode = Mode.PREFIX;
    }

    /** Reads the first bytes and settles how to read the body; false when more must arrive. */
    private boolean fillPrefix() throws IOException {
        boolean ended = false;
        while (prefixLength < prefixNeeded) {
            int n = source.read(prefix, prefixLength, prefixNeeded - prefixLength);
            if (n == ByteSource.NEED_INPUT) {
                return false;
            }
            if (n == ByteSource.END) {
                ended = true;
                break;
            }
            prefixLength += n;
        }
        source = new PrefixedSource(prefix, prefixLength, source);
        if (kind == ContentKind.SNIFF) {
            if (plan.charset() != null) {
                // No usable type, but a charset: the server says it is text.
                startText(Sniffer.withByteOrder(plan.charset(), prefix, prefixLength));
                kind = ContentKind.TEXT;
                return true;
            }
            Sniffer.Verdict verdict = Sniffer.decide(prefix, prefixLength, ended);
            if (verdict.binary()) {
                startBinary();
                mode = Mode.BINARY;
            } else {
                kind = ContentKind.TEXT;
                startText(verdict.charset());
            }
        } else {
            startText(Sniffer.withByteOrder(textCharset, prefix, prefixLength));
        }
        return true;
    }

    private void startText(Charset charset) {
        textCharset = charset;
        decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        // Masks are ASCII and the rest came from the decoder; a char the charset cannot hold
        // (U+FFFD for a malformed byte in a legacy charset) becomes its replacement byte.
        encoder = charset.newEncoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        sink = new CharSink();
        if (kind == ContentKind.JSON) {
            processor = new JsonMasking(masker, sink, tally, !holdsEveryCharacter(charset), options.maxFieldValueChars());
        } else if (kind == ContentKind.FORM) {
            processor = new FormMasking(masker, sink, tally, charset);
        } else {
            processor = new TextMasking(masker, sink, tally);
        }
        mode = Mode.TEXT;
    }

    /** Whether {@code charset} encodes every Unicode character (else JSON escapes non-ASCII ones). */
    static boolean holdsEveryCharacter(Charset charset) {
        String name = charset.name();
        return name.startsWith("UTF-") || name.equals("GB18030") || charset.equals(StandardCharsets.UTF_8);
    }

    /**
     * The first text window's size: what the body likely holds, by its Content-Length or, without
     * one (chunked), its first item; a compressed body's four times that. One byte more, so that
     * a body of just that size does not fill the window, which would grow it.
     */
    int firstWindow() {
        long hint = plan.declaredLength() >= 0 ? plan.declaredLength() : upstream.available() + (long) prefixLength;
        if (plan.decoded()) {
            hint *= 4;
        }
        return (int) Math.min(CHUNK, Math.max(MIN_WINDOW, hint + 1));
    }

    /** The text buffers at {@code window} bytes (chars), keeping unread input. */
    private void sizeWindow(int window) {
        inBytes = inBytes == null ? new byte[window] : Arrays.copyOf(inBytes, window);
        decoded = new char[window]; // empty between reads: passDecoded hands every char on
        decodedBuffer = CharBuffer.wrap(decoded);
        if (encoded == null) {
            encoded = ByteBuffer.allocate(window * 2);
        }
    }

    /** The window size in use, for tests; 0 before the text began. */
    int window() {
        return inBytes == null ? 0 : inBytes.length;
    }

    private List<ByteBuffer> nextText() throws IOException {
        if (inBytes == null) {
            if (plan.declaredLength() < 0 && prefixLength == 0 && upstream.available() == 0 && !upstream.ended()) {
                return null; // no length declared: size the window by the first item, when it comes
            }
            sizeWindow(firstWindow());
        }
        while (true) {
            if (textEnded) {
                mode = Mode.DONE;
                return END;
            }
            int room = inBytes.length - inLength;
            int n = source.read(inBytes, inLength, room);
            if (n > 0) {
                inLength += n;
                decode(false);
                if (n == room && inBytes.length < CHUNK) {
                    sizeWindow(Math.min(CHUNK, inBytes.length * 4)); // more than expected: read more at a time
                }
                if (sink.length >= OUTPUT_CHARS) {
                    return encode(false);
                }
                continue;
            }
            if (n == ByteSource.NEED_INPUT) {
                processor.flush();
                return encode(false);
            }
            decode(true);
            processor.finish();
            textEnded = true;
            List<ByteBuffer> out = encode(true);
            if (out != null) {
                return out;
            }
        }
    }

    private void decode(boolean end) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(inBytes, 0, inLength);
        while (true) {
            CoderResult result = decoder.decode(in, decodedBuffer, end);
            passDecoded();
            if (result.isUnderflow()) {
                break;
            }
            if (!result.isOverflow()) {
                result.throwException(); // not reached: errors are replaced
            }
        }
        if (end) {
            while (decoder.flush(decodedBuffer).isOverflow()) {
                passDecoded();
            }
            passDecoded();
        }
        int rest = in.remaining();
        System.arraycopy(inBytes, in.position(), inBytes, 0, rest);
        inLength = rest;
    }

    private void passDecoded() throws IOException {
        int n = decodedBuffer.position();
        if (n > 0) {
            processor.write(decoded, 0, n);
            decodedBuffer.clear();
        }
    }

    /** The sink's chars encoded as one item, or null when there are none. */
    private List<ByteBuffer> encode(boolean end) {
        if (sink.length == 0 && !end) {
            return null;
        }
        CharBuffer chars = CharBuffer.wrap(sink.chars, 0, sink.length);
        encoded.clear();
        while (true) {
            CoderResult result = encoder.encode(chars, encoded, end);
            if (result.isOverflow()) {
                growEncoded();
                continue;
            }
            break;
        }
        if (end) {
            while (encoder.flush(encoded).isOverflow()) {
                growEncoded();
            }
        }
        // A high surrogate at the end waits for its pair in the next window.
        sink.removeFirst(chars.position());
        if (encoded.position() == 0) {
            return null;
        }
        byte[] bytes = Arrays.copyOf(encoded.array(), encoded.position());
        delivered += bytes.length;
        return List.of(ByteBuffer.wrap(bytes));
    }

    private void growEncoded() {
        ByteBuffer grown = ByteBuffer.allocate(encoded.capacity() * 2);
        encoded.flip();
        grown.put(encoded);
        encoded = grown;
    }

    /** Frees the decoders' native memory; safe to call more than once. */
    void close() {
        source.close();
    }

    long received() {
        return upstream.received();
    }

    long delivered() {
        return delivered;
    }

    MaskTally tally() {
        return tally;
    }

    /** How the body was read, as far as settled. */
    ContentKind kind() {
        return kind;
    }

    /** The hex SHA-256 of a binary body delivered whole, else null. */
    String binarySha256() {
        if (sha == null || mode != Mode.DONE) {
            return null;
        }
        if (shaHex != null) {
            return shaHex;
        }
        byte[] digest = sha.digest();
        StringBuilder hex = new StringBuilder(64);
        for (byte b : digest) {
            hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        shaHex = hex.toString();
        return shaHex;
    }
}
