package dev.agentguard.ship;

import dev.agentguard.audit.integrity.Checkpoint;
import dev.agentguard.audit.integrity.CheckpointLog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows a journal's {@code checkpoints.log} as the writer appends to it, reading only what is
 * new since the last look and only complete lines (a line without its newline is still being
 * written, or was cut short by a crash). Not thread-safe.
 */
final class CheckpointTail {
    private final Path file;
    private long offset;
    private int lineNumber;
    private final ArrayDeque<Checkpoint> unshipped = new ArrayDeque<>();
    private final List<String> rejected = new ArrayList<>();

    CheckpointTail(Path journalDirectory) {
        this.file = journalDirectory.resolve(CheckpointLog.FILE_NAME);
    }

    /** Reads lines appended since the last call; checkpoints of events up to {@code shippedCheckpoint} are dropped. */
    void poll(String journalId, long shippedCheckpoint) throws IOException {
        byte[] fresh;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size <= offset) {
                return;
            }
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size - offset, 1 << 20));
            ch.read(buf, offset);
            fresh = java.util.Arrays.copyOf(buf.array(), buf.position());
        } catch (NoSuchFileException e) {
            return;
        }
        int start = 0;
        for (int i = 0; i < fresh.length; i++) {
            if (fresh[i] != '\n') {
                continue;
            }
            String line = new String(fresh, start, i - start, StandardCharsets.US_ASCII);
            start = i + 1;
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            try {
                Checkpoint cp = Checkpoint.parse(line);
                if (cp.journalId().equals(journalId) && cp.sequence() > shippedCheckpoint) {
                    unshipped.addLast(cp);
                }
            } catch (IllegalArgumentException e) {
                rejected.add(file + " line " + lineNumber + ": " + e.getMessage());
            }
        }
        offset += start;
    }

    /** Takes the checkpoints read so far that name events up to {@code sequence}, in file order. */
    List<Checkpoint> takeThrough(long sequence) {
        List<Checkpoint> out = new ArrayList<>();
        while (!unshipped.isEmpty() && unshipped.peekFirst().sequence() <= sequence) {
            out.add(unshipped.pollFirst());
        }
        return out;
    }

    /** True when a checkpoint read so far still waits for its event to be shipped. */
    boolean hasWaiting() {
        return !unshipped.isEmpty();
    }

    /** Lines that are not checkpoints, found since the last call (each reported once). */
    List<String> takeRejected() {
        List<String> out = List.copyOf(rejected);
        rejected.clear();
        return out;
    }
}
