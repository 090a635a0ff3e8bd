package dev.agentguard.ssh;

import dev.agentguard.ssh.recording.SessionRecorder;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One output stream of a remote command or shell, between the SSH library and the agent. The
 * library writes raw bytes into it (as an {@link OutputStream}); it masks them as they come
 * ({@link OutputMasker}), records the masked text, and keeps it for the agent, who reads it as a
 * string, a stream of UTF-8 bytes, or up to a prompt. Raw output never reaches the agent or the
 * recording.
 *
 * <p>At most {@code capacity} unread characters are kept; output beyond that is dropped (and
 * neither kept nor recorded) and {@link #truncated()} says so: the SSH library's thread is never
 * blocked by an agent that does not read. Thread-safe: the library writes while the agent reads.
 */
final class SessionOutput extends OutputStream {

    private final OutputMasker masker;
    private final SessionRecorder recorder;
    /** The command line, recorded before the first output of a command; null for a terminal. */
    private final CommandEcho echo;
    /** Converts line feeds for the recording of output made without a terminal; null for a terminal. */
    private final TerminalText terminal;
    private final int capacity;
    private final StringBuilder unread = new StringBuilder();
    private long delivered;
    private boolean ended;
    private boolean truncated;
    private byte[] encoded = new byte[0];
    private int encodedPos;

    SessionOutput(OutputMasker masker, SessionRecorder recorder, CommandEcho echo, boolean terminalOutput,
                  int capacity) {
        this.masker = masker;
        this.recorder = recorder;
        this.echo = echo;
        this.terminal = terminalOutput ? null : new TerminalText();
        this.capacity = capacity;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        if (ended || len == 0) {
            return;
        }
        deliver(masker.accept(b, off, len));
    }

    /** The stream ended (the channel closed): releases what the masker held back; readers see the end. */
    synchronized void end() {
        if (ended) {
            return;
        }
        deliver(masker.finish());
        ended = true;
        notifyAll();
    }

    /** The library closes its output streams when the channel closes: that is the end of the stream. */
    @Override
    public void close() {
        end();
    }

    private void deliver(String text) {
        if (text.isEmpty()) {
            return;
        }
        if (echo != null) {
            echo.write();
        }
        String kept = text;
        int room = capacity - unread.length();
        if (kept.length() > room) {
            kept = room <= 0 ? "" : text.substring(0, cutAt(text, room));
            if (!truncated) {
                truncated = true;
                recorder.output("\r\n[output cut: more than " + capacity + " characters unread]\r\n");
            }
        }
        if (!kept.isEmpty()) {
            unread.append(kept);
            delivered += kept.length();
            recorder.output(terminal == null ? kept : terminal.convert(kept));
            notifyAll();
        }
    }

    private static int cutAt(String text, int n) {
        return n > 0 && Character.isHighSurrogate(text.charAt(n - 1)) ? n - 1 : n;
    }

    /** Everything until the end of the stream, waiting at most until {@code deadlineNanos} (System.nanoTime). */
    synchronized String readAll(long deadlineNanos) throws InterruptedIOException {
        while (!ended) {
            if (!await(deadlineNanos)) {
                break;
            }
        }
        String all = unread.toString();
        unread.setLength(0);
        return all;
    }

    /** What is there now, without waiting. */
    synchronized String readAvailable() {
        String all = unread.toString();
        unread.setLength(0);
        return all;
    }

    /**
     * The masked text up to and including the first {@code marker}, waiting at most until
     * {@code deadlineNanos}; {@code null} when the marker did not come in time or the stream ended
     * without it (what came stays unread). A marker still held back by the masker is released:
     * a prompt ends a command's output as surely as the end of the stream.
     */
    synchronized String readUntil(String marker, long deadlineNanos) throws InterruptedIOException {
        while (true) {
            int at = unread.indexOf(marker);
            if (at >= 0) {
                String out = unread.substring(0, at + marker.length());
                unread.delete(0, at + marker.length());
                return out;
            }
            if (!ended && masker.heldIndexOf(marker) >= 0) {
                deliver(masker.releaseHeld());
                continue;
            }
            if (ended || !await(deadlineNanos)) {
                return null;
            }
        }
    }

    /** Waits for more output until the deadline; false when it passed. */
    private boolean await(long deadlineNanos) throws InterruptedIOException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        try {
            long ms = Math.max(1, left / 1_000_000);
            wait(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for output");
        }
        return true;
    }

    /** The masked output as UTF-8 bytes, blocking until there is some or the stream ends. */
    InputStream inputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                synchronized (SessionOutput.this) {
                    while (encodedPos >= encoded.length) {
                        if (unread.length() > 0) {
                            int n = Math.min(unread.length(), 8192);
                            if (n < unread.length() && Character.isHighSurrogate(unread.charAt(n - 1))) {
                                n--;
                            }
                            encoded = unread.substring(0, n).getBytes(StandardCharsets.UTF_8);
                            encodedPos = 0;
                            unread.delete(0, n);
                        } else if (ended) {
                            return -1;
                        } else {
                            try {
                                SessionOutput.this.wait();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new InterruptedIOException("interrupted while waiting for output");
                            }
                        }
                    }
                    int n = Math.min(len, encoded.length - encodedPos);
                    System.arraycopy(encoded, encodedPos, b, off, n);
                    encodedPos += n;
                    return n;
                }
            }

            @Override
            public int available() {
                synchronized (SessionOutput.this) {
                    return encoded.length - encodedPos + (unread.length() > 0 ? 1 : 0);
                }
            }
        };
    }

    synchronized boolean truncated() {
        return truncated;
    }

    synchronized long rawBytes() {
        return masker.bytesIn();
    }

    synchronized long maskedValues() {
        return masker.maskedValues();
    }

    synchronized Map<String, Long> maskedCounts() {
        return masker.counts();
    }
}
