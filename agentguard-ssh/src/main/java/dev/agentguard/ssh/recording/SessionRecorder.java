package dev.agentguard.ssh.recording;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes one session as an <a href="https://docs.asciinema.org/manual/asciicast/v2/">asciicast
 * v2</a> file, which the stock {@code asciinema play} and {@code agentguard replay} play: a header
 * line (a JSON object with {@code version: 2}, the terminal size, the start time and a title),
 * then one JSON array per event, {@code [seconds, "o", text]} for output and
 * {@code [seconds, "i", text]} for input.
 *
 * <p>Everything handed to a recorder must already be masked: the guard records what the agent
 * saw, never the raw output. The recorder hashes the bytes as it writes them, so that
 * {@link #finish()} returns the SHA-256 the session-end event carries without reading the file
 * again.
 *
 * <p>Every event is written through to the file at once (the file is evidence, and must hold
 * what happened up to a crash). Thread-safe: stdout and stderr pumps may record at the same time.
 * A write that fails makes the recorder {@linkplain #failure() failed}; later events are not
 * written, and the guard refuses further actions of the session (fail closed).
 */
public final class SessionRecorder implements AutoCloseable {

    /** The event code of output, as asciicast v2 names it. */
    public static final String OUTPUT = "o";
    /** The event code of input. */
    public static final String INPUT = "i";

    private static final JsonFactory JSON = new JsonFactory();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private final OutputStream out;
    private final MessageDigest digest;
    private final long startNanos;
    private final LineBuffer line = new LineBuffer();
    /** The time of the event being written, as JSON: up to 19 digits, a point and 6 decimals. */
    private final char[] time = new char[32];
    /** One generator for every event line: making one per event costs more than writing the line. */
    private JsonGenerator events;
    private long bytes;
    private long eventCount;
    private IOException failure;
    private Recording finished;

    private SessionRecorder(Path file, OutputStream out, long startNanos) {
        this.file = file;
        this.out = out;
        this.startNanos = startNanos;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * Creates {@code file} (which must not exist; readable and writable by its owner only where
     * the file system has POSIX permissions) and writes the header.
     *
     * @param width  terminal columns, 1 to 1000
     * @param height terminal rows, 1 to 1000
     * @param start  when the session started (the header's {@code timestamp})
     * @param title  the header's title, already free of secrets, or {@code null}
     * @param env    the header's {@code env} (e.g. {@code TERM}), already free of secrets
     * @throws FileAlreadyExistsException when {@code file} exists: a recording is never overwritten
     */
    public static SessionRecorder create(Path file, int width, int height, Instant start, String title,
                                         Map<String, String> env) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(start, "start");
        if (width < 1 || width > 1000 || height < 1 || height > 1000) {
            throw new IllegalArgumentException("terminal size must be 1 to 1000 columns and rows, got " + width + "x"
                    + height);
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        FileChannel channel;
        try {
            FileAttribute<?>[] attrs = posix(file) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                    : new FileAttribute<?>[0];
            channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attrs);
        } catch (UnsupportedOperationException e) {
            channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
        SessionRecorder recorder = new SessionRecorder(file, Channels.newOutputStream(channel), System.nanoTime());
        Map<String, String> headerEnv = env == null ? Map.of() : new LinkedHashMap<>(env);
        try {
            recorder.header(width, height, start, title, headerEnv);
        } catch (IOException e) {
            recorder.closeQuietly();
            throw e;
        }
        return recorder;
    }

    private static boolean posix(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        return dir != null && Files.getFileStore(dir).supportsFileAttributeView("posix");
    }

    private synchronized void header(int width, int height, Instant start, String title, Map<String, String> env)
            throws IOException {
        line.reset();
        try (JsonGenerator g = JSON.createGenerator(line, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeNumberField("version", 2);
            g.writeNumberField("width", width);
            g.writeNumberField("height", height);
            g.writeNumberField("timestamp", start.getEpochSecond());
            if (title != null) {
                g.writeStringField("title", title);
            }
            if (!env.isEmpty()) {
                g.writeObjectFieldStart("env");
                for (Map.Entry<String, String> e : env.entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        line.write('\n');
        writeLine();
    }

    /** Records output the agent saw (already masked). */
    public void output(String maskedText) {
        event(OUTPUT, maskedText);
    }

    /** Records input the agent sent (already redacted). */
    public void input(String redactedText) {
        event(INPUT, redactedText);
    }

    private synchronized void event(String code, String text) {
        Objects.requireNonNull(text, "text");
        if (failure != null || finished != null || text.isEmpty()) {
            return;
        }
        long micros = Math.max(0, (System.nanoTime() - startNanos + 500) / 1000);
        line.reset();
        try {
            if (events == null) {
                events = JSON.createGenerator(line, JsonEncoding.UTF8);
                // Lines end in '\n', written below; no separator between root values.
                events.setRootValueSeparator(null);
            }
            events.writeStartArray();
            // Microseconds are what asciinema writes; more digits only grow the file.
            int n = seconds(micros, time);
            events.writeRawValue(time, 0, n);
            events.writeString(code);
            events.writeString(text);
            events.writeEndArray();
            events.flush();
        } catch (IOException | RuntimeException e) {
            // A generator left half way through a line is unusable: the recording stops here.
            failure = e instanceof IOException io ? io : new IOException("the recording could not encode an event", e);
            return;
        }
        line.write('\n');
        try {
            writeLine();
            eventCount++;
        } catch (IOException e) {
            failure = e;
        }
    }

    /**
     * Writes {@code micros} as seconds with six decimals ({@code 12.000345}) into {@code out}, as
     * a JSON number; returns its length. By hand, since formatting a double costs more than the
     * rest of the event line.
     */
    static int seconds(long micros, char[] out) {
        String whole = Long.toString(micros / 1_000_000);
        int n = whole.length();
        whole.getChars(0, n, out, 0);
        out[n++] = '.';
        long fraction = micros % 1_000_000;
        for (int div = 100_000; div > 0; div /= 10) {
            out[n++] = (char) ('0' + fraction / div % 10);
        }
        return n;
    }

    /**
     * Writes the line through to the file at once: one write per event, no fsync. What was
     * written survives a crash of the JVM (the operating system holds it); the SHA-256 in the
     * session-end event is what proves the file complete and unchanged.
     */
    private void writeLine() throws IOException {
        out.write(line.bytes(), 0, line.size());
        digest.update(line.bytes(), 0, line.size());
        bytes += line.size();
    }

    /** The write failure that stopped the recording, or {@code null} while it records. */
    public synchronized IOException failure() {
        return failure;
    }

    /** The file this recorder writes. */
    public Path file() {
        return file;
    }

    /** Closes the file; see {@link #finish()}. */
    @Override
    public void close() {
        finish();
    }

    /**
     * Closes the file and returns what was recorded: the hash covers exactly the bytes written.
     * Idempotent: a second call returns the same recording. When a write failed, the file holds
     * what was written before the failure and {@link #failure()} says why.
     */
    public synchronized Recording finish() {
        if (finished != null) {
            return finished;
        }
        if (events != null) {
            try {
                events.close(); // returns its buffers; writes nothing (every line was flushed)
            } catch (IOException e) {
                // the line buffer cannot fail
            }
        }
        try {
            out.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
        finished = new Recording(file, HexFormat.of().formatHex(digest.digest()), bytes, eventCount);
        return finished;
    }

    private void closeQuietly() {
        try {
            out.close();
        } catch (IOException ignored) {
            // the header failure is what the caller sees
        }
    }

    @Override
    public String toString() {
        return "SessionRecorder[" + file + ", " + eventCount + " events]";
    }

    /** The line being written, whose bytes are handed to the file and the digest without a copy. */
    private static final class LineBuffer extends ByteArrayOutputStream {
        LineBuffer() {
            super(256);
        }

        byte[] bytes() {
            return buf;
        }
    }
}
