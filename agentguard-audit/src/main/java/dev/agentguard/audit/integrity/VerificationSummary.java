package dev.agentguard.audit.integrity;

import dev.agentguard.audit.Hash;

import java.nio.file.Path;
import java.util.List;

/**
 * What a successful verification covered.
 *
 * @param directory             the journal verified
 * @param journalId             its id ({@code null} for an empty journal)
 * @param events                events whose hash and chain link were checked
 * @param firstSequence         the oldest event still in the journal (above 1 after retention)
 * @param lastSequence          the newest event
 * @param lastHash              the newest event's hash: the chain head to compare with a shipped copy
 * @param checkpointsChecked    checkpoints whose hash matched an event
 * @param checkpointsRetired    checkpoints for events that retention has since deleted
 * @param signaturesChecked     true when every checkpoint signature was checked with a public key
 * @param eventsDeletedByRetention events retention deleted before {@code firstSequence}
 * @param notes                 things worth knowing that are not failures (a torn last checkpoint line,
 *                              unsigned checkpoints, restarts after a crash)
 */
public record VerificationSummary(Path directory, String journalId, long events, long firstSequence,
                                  long lastSequence, Hash lastHash, int checkpointsChecked,
                                  int checkpointsRetired, boolean signaturesChecked,
                                  long eventsDeletedByRetention, List<String> notes) {
    public VerificationSummary {
        notes = List.copyOf(notes);
    }
}
