package dev.agentguard.cli;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.audit.reader.EventFilter;
import dev.agentguard.audit.reader.JournalReader;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The matching events of several journals (the agents of one host, or a collected archive),
 * merged into one stream in time order: the fleet view of {@code list} and {@code export}.
 * Each journal is read as {@link CheckedEvents} reads one, so a gap in any of them is an error
 * naming that journal; events with the same timestamp keep the order of the directories given.
 */
final class MergedEvents implements AutoCloseable {
    private record Head(AuditEvent event, int source) {
    }

    private final List<Path> directories;
    private final List<JournalReader> readers = new ArrayList<>();
    private final List<CheckedEvents> sources = new ArrayList<>();
    private final PriorityQueue<Head> heads = new PriorityQueue<>(Comparator
            .comparing((Head h) -> h.event().timestamp()).thenComparingInt(Head::source));
    private boolean started;
    /** The journal whose event was returned last: read its next one only when asked, so that
     *  an error after an event comes after that event is printed. */
    private int consumed = -1;

    private MergedEvents(List<Path> directories) {
        this.directories = directories;
    }

    /**
     * Opens every journal in {@code directories} (each at most once, none of them the access
     * journal {@code accessJournal}, which may be null).
     */
    static MergedEvents open(List<Path> directories, EventFilter filter, Path accessJournal)
            throws JournalException, InputException {
        Set<Path> seen = new HashSet<>();
        Path access = accessJournal == null ? null : accessJournal.toAbsolutePath().normalize();
        for (Path d : directories) {
            Path abs = d.toAbsolutePath().normalize();
            if (!seen.add(abs)) {
                throw new InputException(abs + " is given twice; name each journal once");
            }
            if (abs.equals(access)) {
                throw new InputException("the access journal " + access + " must not be a directory the command works "
                        + "on; record access in a journal of its own");
            }
        }
        MergedEvents merged = new MergedEvents(directories);
        try {
            for (Path d : directories) {
                JournalReader r = JournalReader.open(d);
                merged.readers.add(r);
                merged.sources.add(new CheckedEvents(r, filter));
            }
            return merged;
        } catch (JournalException | RuntimeException e) {
            merged.close();
            throw e;
        }
    }

    /** The next matching event of any journal, oldest first, or {@code null} when all are read. */
    AuditEvent next() throws JournalException {
        if (!started) {
            started = true;
            for (int i = 0; i < sources.size(); i++) {
                advance(i);
            }
        }
        if (consumed >= 0) {
            int source = consumed;
            consumed = -1;
            advance(source);
        }
        Head h = heads.poll();
        if (h == null) {
            return null;
        }
        consumed = h.source();
        return h.event();
    }

    /** The newest {@code n} matching events, oldest first, holding no more than {@code n} at a time. */
    ArrayDeque<AuditEvent> last(int n) throws JournalException {
        ArrayDeque<AuditEvent> last = new ArrayDeque<>(Math.min(n, 1024));
        AuditEvent e;
        while ((e = next()) != null) {
            if (last.size() == n) {
                last.removeFirst();
            }
            last.addLast(e);
        }
        return last;
    }

    private void advance(int source) throws JournalException {
        AuditEvent e;
        try {
            e = sources.get(source).next();
        } catch (JournalException ex) {
            if (sources.size() == 1) {
                throw ex; // one journal: its errors read exactly as before
            }
            // Several journals: say which one the position is in.
            throw new JournalException(directories.get(source).toAbsolutePath().normalize() + java.io.File.separator
                    + ex.getMessage(), ex);
        }
        if (e != null) {
            heads.add(new Head(e, source));
        }
    }

    @Override
    public void close() {
        for (CheckedEvents s : sources) {
            s.close();
        }
        for (JournalReader r : readers) {
            r.close();
        }
    }
}
