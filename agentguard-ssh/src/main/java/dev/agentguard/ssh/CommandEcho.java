package dev.agentguard.ssh;

import dev.agentguard.ssh.recording.SessionRecorder;

/**
 * The line a command's part of the recording starts with ({@code $ df -h}, already redacted and
 * masked), written exactly once and always before the command's output: by the session once it
 * has asked the host to open the command's channel — so that writing it overlaps the host's
 * answer instead of delaying the request — or by the command's first output, should that come
 * sooner. Thread-safe.
 */
final class CommandEcho {

    private final SessionRecorder recorder;
    private final String text;
    private boolean written;

    CommandEcho(SessionRecorder recorder, String text) {
        this.recorder = recorder;
        this.text = text;
    }

    /** Records the line, unless it was recorded already. */
    synchronized void write() {
        if (!written) {
            written = true;
            recorder.output(text);
        }
    }
}
