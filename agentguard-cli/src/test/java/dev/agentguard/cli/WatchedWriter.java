package dev.agentguard.cli;

import java.io.Writer;
import java.time.Duration;

/**
 * A writer whose text another thread can wait on: {@link #awaitContaining} blocks until the text
 * appears (woken by each write) or a deadline passes. Lets a test synchronise with a command
 * running in another thread without sleeping.
 */
final class WatchedWriter extends Writer {
    private final StringBuilder text = new StringBuilder();

    @Override
    public synchronized void write(char[] cbuf, int off, int len) {
        text.append(cbuf, off, len);
        notifyAll();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }

    /** Waits until the text written so far contains {@code expected}; fails after {@code timeout}. */
    synchronized void awaitContaining(String expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (text.indexOf(expected) < 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("'" + expected + "' did not appear within " + timeout + "; output so far:\n" + text);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    @Override
    public synchronized String toString() {
        return text.toString();
    }
}
