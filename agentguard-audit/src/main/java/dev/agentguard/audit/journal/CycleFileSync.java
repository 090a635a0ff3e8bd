package dev.agentguard.audit.journal;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Makes the written part of the head cycle file durable before a checkpoint names it: only the
 * bytes up to the last event, not the whole file.
 *
 * <p>Syncing the whole file would also write back the pages the {@link Pretoucher} prepared
 * ahead of the appender, and a page written back is write-protected again, so the appender would
 * take a page fault on each of them after every checkpoint (and the disk would get pages of
 * zeros). Syncing a range needs a mapping of that range ({@code msync}); this keeps one window
 * of the file mapped, never past the file's end (mapping further would lengthen the file), and
 * moves it as the journal grows. A file the appender has left (an earlier cycle) is synced
 * whole, once. Used under the journal's checkpoint lock only.
 */
final class CycleFileSync implements AutoCloseable {
    /** The part of a file one window maps. */
    private static final long WINDOW = 64L << 20;
    private static final long PAGE = 4096;

    private Path file;
    private FileChannel channel;
    private MappedByteBuffer window;
    private long windowStart;
    /** Where the last sync of this file ended: the next one starts there. */
    private long syncedTo;

    /** Makes {@code file} durable up to byte {@code to}, from where the last sync of it ended. */
    void syncUpTo(Path file, long to) throws IOException {
        if (!file.equals(this.file)) {
            close();
            this.channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            this.file = file;
            this.syncedTo = 0;
        }
        long from = syncedTo / PAGE * PAGE;
        long size = channel.size();
        if (to > size) {
            channel.force(false); // the file is shorter than its events claim: let the file system sort it out
            syncedTo = Math.min(to, size);
            return;
        }
        while (from < to) {
            if (window == null || from < windowStart || from >= windowStart + window.capacity()) {
                window = null;
                windowStart = from / WINDOW * WINDOW;
                try {
                    window = channel.map(FileChannel.MapMode.READ_WRITE, windowStart,
                            Math.min(WINDOW, size - windowStart));
                } catch (IOException | RuntimeException cannotMap) {
                    channel.force(false); // durable all the same, the whole file
                    syncedTo = to;
                    return;
                }
            }
            long end = Math.min(to, windowStart + window.capacity());
            window.force((int) (from - windowStart), (int) (end - from));
            from = end;
        }
        syncedTo = to;
    }

    /** Makes the whole of {@code file} durable: a cycle the appender has left. */
    static void syncWhole(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.force(false);
        }
    }

    /** Forgets the file; its window is unmapped when it is collected. */
    @Override
    public void close() throws IOException {
        window = null;
        file = null;
        if (channel != null) {
            FileChannel c = channel;
            channel = null;
            c.close();
        }
    }
}
