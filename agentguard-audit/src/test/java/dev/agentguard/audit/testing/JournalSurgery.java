package dev.agentguard.audit.testing;

import dev.agentguard.audit.Hash;
import dev.agentguard.audit.integrity.CheckpointLog;
import dev.agentguard.audit.internal.ChronicleRuntime;
import dev.agentguard.audit.internal.EntryCursor;
import dev.agentguard.audit.internal.EventCodec;
import dev.agentguard.audit.journal.RollCycle;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** What an attacker with write access to the disk can do to a journal, for tamper tests. */
public final class JournalSurgery {
    private JournalSurgery() {
    }

    /** The raw stored entries (encoding followed by hash), oldest first. */
    public static List<byte[]> entries(Path dir) throws Exception {
        List<byte[]> out = new ArrayList<>();
        try (SingleChronicleQueue q = ChronicleRuntime.open(dir, RollCycle.DAILY, Clock.systemUTC(), true);
             EntryCursor c = new EntryCursor(q)) {
            while (c.next()) {
                out.add(Arrays.copyOf(c.buffer(), c.length()));
            }
        }
        return out;
    }

    /** Writes {@code entries} as a new journal in {@code target}, with a copy of the source's checkpoints. */
    public static void rewrite(Path source, Path target, List<byte[]> entries) throws IOException {
        Files.createDirectories(target);
        try (SingleChronicleQueue q = ChronicleRuntime.open(target, RollCycle.DAILY, Clock.systemUTC(), false);
             ExcerptAppender a = q.createAppender()) {
            for (byte[] e : entries) {
                try (DocumentContext dc = a.writingDocument()) {
                    dc.wire().bytes().write(e);
                }
            }
        }
        Path cp = source.resolve(CheckpointLog.FILE_NAME);
        if (Files.exists(cp)) {
            Files.copy(cp, target.resolve(CheckpointLog.FILE_NAME));
        }
    }

    /** Replaces the first occurrence of {@code from} with {@code to} (same length) inside an entry. */
    public static byte[] edit(byte[] entry, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        if (f.length != t.length) {
            throw new IllegalArgumentException("same length only");
        }
        int at = indexOf(entry, f, 0);
        if (at < 0) {
            throw new IllegalArgumentException("'" + from + "' not in entry");
        }
        byte[] copy = entry.clone();
        System.arraycopy(t, 0, copy, at, t.length);
        return copy;
    }

    /** Recomputes the stored hash of an entry after an edit, as a careful attacker would. */
    public static byte[] rehash(byte[] entry) throws Exception {
        byte[] copy = entry.clone();
        byte[] h = MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(copy, copy.length - Hash.LENGTH));
        System.arraycopy(h, 0, copy, copy.length - Hash.LENGTH, Hash.LENGTH);
        return copy;
    }

    /** Re-links and re-hashes every entry from {@code from} on, so the chain is consistent again. */
    public static List<byte[]> rechain(List<byte[]> entries, int from) throws Exception {
        List<byte[]> out = new ArrayList<>(entries);
        for (int i = Math.max(from, 1); i < out.size(); i++) {
            byte[] prev = out.get(i - 1);
            byte[] e = out.get(i).clone();
            EventCodec.ChainView view = new EventCodec.ChainView();
            EventCodec.scan(e, e.length, view);
            System.arraycopy(prev, prev.length - Hash.LENGTH, e, view.prevOffset, Hash.LENGTH);
            out.set(i, rehash(e));
        }
        return out;
    }

    /** Flips the first occurrence of {@code text} in the journal's cycle file, in place. */
    public static void flipInFile(Path dir, String text) throws IOException {
        Path file;
        try (Stream<Path> s = Files.list(dir)) {
            file = s.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        byte[] all = Files.readAllBytes(file);
        int at = indexOf(all, text.getBytes(StandardCharsets.UTF_8), 0);
        if (at < 0) {
            throw new IllegalArgumentException("'" + text + "' not in " + file);
        }
        all[at] ^= 0x01;
        Files.write(file, all);
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
