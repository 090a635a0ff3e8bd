package dev.agentguard.audit.internal;

import dev.agentguard.audit.journal.JournalCorruptException;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Walks the raw entries of a queue, copying each into a reusable buffer. Not thread-safe: one
 * cursor per reading thread.
 */
public final class EntryCursor implements AutoCloseable {
    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    private byte[] buf = new byte[1024];
    private int len;
    private long index = -1;
    /** The cycle being read or moved to, so an unreadable file is named even before its first entry. */
    private int cycle = Integer.MIN_VALUE;

    /** A cursor at the start of {@code queue}, reading forwards. */
    public EntryCursor(SingleChronicleQueue queue) {
        this.queue = queue;
        this.tailer = queue.createTailer();
        Long first = firstCycleOnDisk(Integer.MIN_VALUE);
        if (first != null) {
            cycle = first.intValue();
            tailer.moveToCycle(cycle);
        }
    }

    /**
     * The first cycle file on disk after {@code after}. Chronicle's own notion of the first and
     * last cycle is cached in its metadata and goes stale when files are deleted by hand; a
     * reader that trusted it would silently see an empty journal, so the files decide.
     */
    private Long firstCycleOnDisk(int after) {
        if (after == Integer.MAX_VALUE) {
            return null;
        }
        Integer next = ChronicleRuntime.cyclesOnDisk(queue.file().toPath(), queue.rollCycle()).higher(after);
        return next == null ? null : next.longValue();
    }

    /** A cursor positioned on the last entry of {@code queue}, reading backwards. */
    public static EntryCursor fromEnd(SingleChronicleQueue queue) {
        EntryCursor c = new EntryCursor(queue);
        c.tailer.direction(TailerDirection.BACKWARD).toEnd();
        return c;
    }

    /** Moves to the first entry at or after {@code chronicleIndex}. */
    public boolean moveTo(long chronicleIndex) {
        return tailer.moveToIndex(chronicleIndex);
    }

    /**
     * Reads the next entry; false when there is none (yet).
     *
     * @throws JournalCorruptException when Chronicle cannot read the file (naming file and entry)
     */
    public boolean next() throws JournalCorruptException {
        try {
            return read();
        } catch (Exception | InternalError e) {
            // Chronicle throws some checked exceptions (StreamCorruptedException) undeclared.
            // InternalError: the JVM's answer to a fault while reading a damaged or truncated
            // memory-mapped file; it is about this file, not the JVM, so it becomes a corrupt-journal error.
            String msg = e.getMessage();
            String cause = e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg.lines().findFirst().orElse(""));
            if (e instanceof InternalError && index >= 0) {
                // A fault on a mapped page says nothing reliable about which entry or file: name
                // the last entry that could be read, which is certain.
                throw new JournalCorruptException(position(), "nothing after this entry can be read (" + cause
                        + "); a journal file is truncated or damaged");
            }
            throw new JournalCorruptException(failedFile(), "unreadable (" + cause + ")");
        }
    }

    /**
     * Where the read that just failed was. Past the last entry of a file, Chronicle moves on to
     * the next cycle by itself, so a damaged header of the next file surfaces while the
     * tailer still points into the previous one: probe the next file before blaming the entry.
     */
    private String failedFile() {
        long at = tailer.index();
        if (cycle == Integer.MIN_VALUE || at <= 0) {
            return ChronicleRuntime.fileName(queue.rollCycle(), cycle == Integer.MIN_VALUE ? tailer.cycle() : cycle);
        }
        int atCycle = queue.rollCycle().toCycle(at);
        if (tailer.direction() == TailerDirection.FORWARD && (index < 0 || at == index + 1)) {
            Long next = firstCycleOnDisk(atCycle);
            if (next != null && !opens(next.intValue())) {
                return ChronicleRuntime.fileName(queue.rollCycle(), next.intValue()) + " header";
            }
        }
        return ChronicleRuntime.describe(queue.rollCycle(), at);
    }

    private boolean opens(int cycleToProbe) {
        try (ExcerptTailer probe = queue.createTailer()) {
            probe.moveToCycle(cycleToProbe);
            try (DocumentContext dc = probe.readingDocument()) {
                return true;
            }
        } catch (Exception | InternalError e) { // Chronicle throws some checked exceptions undeclared
            return false;
        }
    }

    private boolean read() {
        if (readInCycle()) {
            return true;
        }
        if (tailer.direction() != TailerDirection.FORWARD) {
            return false;
        }
        // The tailer found nothing more; a later cycle file on disk may still hold entries.
        Long next = firstCycleOnDisk(tailer.cycle());
        while (next != null) {
            cycle = next.intValue();
            if (tailer.moveToCycle(cycle) && readInCycle()) {
                return true;
            }
            next = firstCycleOnDisk(next.intValue());
        }
        return false;
    }

    private boolean readInCycle() {
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return false;
            }
            Bytes<?> bytes = dc.wire().bytes();
            int n = (int) bytes.readRemaining();
            if (n > buf.length) {
                buf = new byte[Math.max(n, buf.length * 2)];
            }
            bytes.read(buf, 0, n);
            len = n;
            index = dc.index();
            cycle = queue.rollCycle().toCycle(index);
            return true;
        }
    }

    /** The current entry's bytes (valid until the next call to {@link #next}). */
    public byte[] buffer() {
        return buf;
    }

    /** The current entry's length. */
    public int length() {
        return len;
    }

    /** The current entry's Chronicle index. */
    public long index() {
        return index;
    }

    /** "FILE entry N" for the current entry. */
    public String position() {
        return ChronicleRuntime.describe(queue.rollCycle(), index);
    }

    @Override
    public void close() {
        tailer.close();
    }
}
