package dev.agentguard.audit.integrity;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Hash;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.internal.ChronicleRuntime;
import dev.agentguard.audit.internal.EntryCursor;
import dev.agentguard.audit.internal.EventCodec;
import dev.agentguard.audit.internal.MalformedEventException;
import dev.agentguard.audit.journal.SystemEvents;
import dev.agentguard.audit.journal.JournalCorruptException;
import dev.agentguard.audit.journal.JournalException;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Checks a journal end to end: every event's hash, every chain link, the sequence numbers,
 * the checkpoints (and, given a public key, their signatures) and the tail against the last
 * checkpoint. Reads only; never modifies the journal.
 *
 * <pre>{@code
 * VerificationSummary s = JournalVerifier.forJournal(dir).publicKey(key).verify();
 * }</pre>
 *
 * {@link #verify()} throws {@link JournalIntegrityException} naming the first bad position
 * rather than returning a flag that could go unchecked.
 */
public final class JournalVerifier {
    private final Path directory;
    private Path checkpointFile;
    private PublicKey publicKey;

    private JournalVerifier(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
        this.checkpointFile = this.directory.resolve(CheckpointLog.FILE_NAME);
    }

    /** A verifier for the journal in {@code directory}. */
    public static JournalVerifier forJournal(Path directory) {
        return new JournalVerifier(Objects.requireNonNull(directory, "directory"));
    }

    /**
     * Requires every checkpoint to be signed by this key. Without a key, signatures are not
     * checked and the summary says so.
     */
    public JournalVerifier publicKey(PublicKey key) {
        this.publicKey = Objects.requireNonNull(key, "key");
        return this;
    }

    /** Reads checkpoints from {@code file} (for example a copy shipped off the host). */
    public JournalVerifier checkpoints(Path file) {
        this.checkpointFile = Objects.requireNonNull(file, "file");
        return this;
    }

    /**
     * Verifies the journal.
     *
     * @throws JournalIntegrityException at the first position where the journal was changed
     * @throws JournalException          when the journal cannot be read at all
     */
    public VerificationSummary verify() throws JournalException {
        // The directory first: a mistyped path should say so, not complain about checkpoints.log.
        if (!Files.isDirectory(directory)) {
            throw new JournalException(directory + ": no such journal directory");
        }
        if (!ChronicleRuntime.isQueue(directory)) {
            throw new JournalException(directory + ": not an AgentGuard journal (no " + ChronicleRuntime.METADATA_FILE + ")");
        }
        List<String> notes = new ArrayList<>();
        List<CheckpointLog.Line> checkpoints = readCheckpoints(notes);
        ChronicleRuntime.requireJvmFlags();
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new JournalException("this JDK has no SHA-256", e);
        }
        byte[] computed = new byte[Hash.LENGTH];
        byte[] previous = new byte[Hash.LENGTH];
        EventCodec.ChainView view = new EventCodec.ChainView();

        String journalId = null;
        long expectedSeq = -1;
        long firstSeq = -1;
        Hash firstPrev = null;
        String firstPosition = null;
        long events = 0;
        int cpIndex = 0;
        int cpChecked = 0;
        int cpRetired = 0;
        long deletedByRetention = 0;
        boolean retentionAnchorSeen = false;
        int restarts = 0;

        SingleChronicleQueue queue;
        try {
            queue = ChronicleRuntime.open(directory, ChronicleRuntime.detectRollCycle(directory), Clock.systemUTC(), true);
        } catch (RuntimeException e) {
            throw new JournalException(directory + ": cannot open journal (" + e.getClass().getSimpleName() + ")", e);
        }
        try (queue; EntryCursor cursor = new EntryCursor(queue)) {
            while (cursor.next()) {
                byte[] buf = cursor.buffer();
                int len = cursor.length();
                try {
                    EventCodec.scan(buf, len, view);
                } catch (MalformedEventException e) {
                    throw new JournalIntegrityException(cursor.position(), "not a well-formed event: " + e.getMessage());
                }
                sha256.update(buf, 0, len - Hash.LENGTH);
                try {
                    sha256.digest(computed, 0, Hash.LENGTH);
                } catch (DigestException e) {
                    throw new JournalException("SHA-256 failed", e);
                }
                if (!java.util.Arrays.equals(computed, 0, Hash.LENGTH, buf, len - Hash.LENGTH, len)) {
                    throw new JournalIntegrityException(cursor.position(), "event " + view.sequence
                            + " was changed: its content does not match its hash");
                }
                String id = view.eventId(buf);
                if (journalId == null) {
                    int dash = id.indexOf('-');
                    if (dash != 12) {
                        throw new JournalIntegrityException(cursor.position(), "event id '" + id
                                + "' is not '<journal id>-<sequence>'");
                    }
                    journalId = id.substring(0, dash);
                    firstSeq = view.sequence;
                    firstPrev = Hash.of(buf, view.prevOffset);
                    firstPosition = cursor.position();
                    expectedSeq = view.sequence;
                    if (firstSeq == 1 && !firstPrev.equals(Hash.ZERO)) {
                        throw new JournalIntegrityException(cursor.position(),
                                "event 1 must have the zero previous hash; an event was inserted before it");
                    }
                } else {
                    if (view.sequence != expectedSeq) {
                        throw new JournalIntegrityException(cursor.position(), view.sequence < expectedSeq
                                ? "event " + view.sequence + " is out of order or duplicated (expected event " + expectedSeq + ")"
                                : "event " + view.sequence + " found where event " + expectedSeq
                                        + " was expected: events were removed or reordered");
                    }
                    if (!java.util.Arrays.equals(previous, 0, Hash.LENGTH, buf, view.prevOffset, view.prevOffset + Hash.LENGTH)) {
                        throw new JournalIntegrityException(cursor.position(), "event " + view.sequence
                                + " does not chain to event " + (view.sequence - 1)
                                + ": an event was changed, removed or inserted before it");
                    }
                }
                if (!id.equals(journalId + "-" + view.sequence)) {
                    throw new JournalIntegrityException(cursor.position(), "event id '" + id
                            + "' does not match journal " + journalId + " and sequence " + view.sequence);
                }
                if (view.system) {
                    AuditEvent e = decode(cursor);
                    if (e.phase() == Phase.SYSTEM && SystemEvents.RETENTION_DELETE.equals(e.action())
                            && Long.toString(firstSeq).equals(e.extensions().get(SystemEvents.FIRST_RETAINED))
                            && firstPrev.toHex().equals(e.extensions().get(SystemEvents.ANCHOR))) {
                        retentionAnchorSeen = true;
                        deletedByRetention = firstSeq - 1;
                    }
                    if (e.phase() == Phase.SYSTEM && SystemEvents.RESTART.equals(e.action())) {
                        restarts++;
                    }
                }
                System.arraycopy(computed, 0, previous, 0, Hash.LENGTH);
                // Checkpoints for this event (sorted by sequence).
                while (cpIndex < checkpoints.size() && checkpoints.get(cpIndex).checkpoint().sequence() <= view.sequence) {
                    CheckpointLog.Line line = checkpoints.get(cpIndex++);
                    Checkpoint cp = line.checkpoint();
                    String where = checkpointFile.getFileName() + " line " + line.lineNumber();
                    if (!cp.journalId().equals(journalId)) {
                        throw new JournalIntegrityException(where, "checkpoint belongs to journal " + cp.journalId()
                                + ", not " + journalId);
                    }
                    if (cp.sequence() < firstSeq) {
                        cpRetired++;
                        continue;
                    }
                    if (!cp.hash().matches(computed, 0)) {
                        throw new JournalIntegrityException(cursor.position(), "event " + view.sequence
                                + " does not match the hash signed in " + where);
                    }
                    cpChecked++;
                }
                expectedSeq = view.sequence + 1;
                events++;
            }
        }
        long lastSeq = expectedSeq - 1;
        if (journalId == null) {
            if (!checkpoints.isEmpty()) {
                CheckpointLog.Line line = checkpoints.get(checkpoints.size() - 1);
                throw new JournalIntegrityException(directory.getFileName() + " (empty)", "the journal holds no events but "
                        + checkpointFile.getFileName() + " line " + line.lineNumber() + " covers event "
                        + line.checkpoint().sequence() + ": the journal was truncated");
            }
            return new VerificationSummary(directory, null, 0, 0, 0, Hash.ZERO, 0, 0, publicKey != null, 0, notes);
        }
        if (firstSeq != 1 && !retentionAnchorSeen) {
            throw new JournalIntegrityException(firstPosition, "the journal starts at event " + firstSeq
                    + " but no retention record accounts for events 1 to " + (firstSeq - 1)
                    + ": events were removed from its start");
        }
        if (cpIndex < checkpoints.size()) {
            CheckpointLog.Line line = checkpoints.get(checkpoints.size() - 1);
            throw new JournalIntegrityException(checkpointFile.getFileName() + " line " + line.lineNumber(),
                    "checkpoint covers event " + line.checkpoint().sequence() + " but the journal ends at event "
                            + lastSeq + ": its tail was truncated");
        }
        if (publicKey == null && !checkpoints.isEmpty()) {
            notes.add("checkpoint signatures not checked: pass the journal's public key to check them");
        }
        if (checkpoints.isEmpty()) {
            notes.add("no checkpoints: a truncated tail cannot be detected");
        }
        if (restarts > 0) {
            notes.add(restarts + " restart(s) after a writer stopped without closing the journal");
        }
        if (deletedByRetention > 0) {
            notes.add("events 1 to " + deletedByRetention + " were deleted by retention, as journaled");
        }
        return new VerificationSummary(directory, journalId, events, firstSeq, lastSeq, Hash.of(previous),
                cpChecked, cpRetired, publicKey != null, deletedByRetention, notes);
    }

    private List<CheckpointLog.Line> readCheckpoints(List<String> notes) throws JournalException {
        CheckpointLog.Contents contents;
        try {
            contents = CheckpointLog.read(checkpointFile);
        } catch (MalformedCheckpointException e) {
            String msg = e.getMessage();
            int colon = msg.indexOf(": ");
            throw new JournalIntegrityException(colon > 0 ? msg.substring(0, colon) : checkpointFile.toString(),
                    colon > 0 ? msg.substring(colon + 2) : msg);
        } catch (IOException e) {
            throw new JournalException(checkpointFile + ": cannot read checkpoints (" + e.getMessage() + ")", e);
        }
        if (contents.tornTail() != null) {
            notes.add(contents.tornTail());
        }
        List<CheckpointLog.Line> lines = new ArrayList<>(contents.lines());
        if (publicKey != null) {
            for (CheckpointLog.Line line : lines) {
                try {
                    line.checkpoint().verifySignature(publicKey);
                } catch (CheckpointSignatureException e) {
                    throw new JournalIntegrityException(checkpointFile.getFileName() + " line " + line.lineNumber(),
                            e.getMessage());
                }
            }
        }
        lines.sort(Comparator.comparingLong(l -> l.checkpoint().sequence()));
        return lines;
    }

    private static AuditEvent decode(EntryCursor cursor) throws JournalException {
        try {
            return EventCodec.decode(cursor.buffer(), cursor.length());
        } catch (MalformedEventException e) {
            throw new JournalCorruptException(cursor.position(), e.getMessage());
        }
    }
}
