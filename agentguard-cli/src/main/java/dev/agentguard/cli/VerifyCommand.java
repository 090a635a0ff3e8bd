package dev.agentguard.cli;

import dev.agentguard.audit.integrity.CheckpointSigner;
import dev.agentguard.audit.integrity.JournalVerifier;
import dev.agentguard.audit.integrity.VerificationSummary;
import dev.agentguard.audit.journal.JournalCorruptException;
import dev.agentguard.audit.reader.JournalReader;
import dev.agentguard.core.approval.ApprovalEvidence;
import dev.agentguard.core.approval.DecisionVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code agentguard verify}: checks a journal's hash chain, checkpoints and signatures. */
@Command(name = "verify",
        mixinStandardHelpOptions = true,
        description = {
                "Verifies a journal end to end: every event's hash, every link of the hash chain, the sequence "
                        + "numbers, the checkpoints and, with --public-key, their signatures; with --approval-key, "
                        + "every signed approval decision the journal holds.",
                "Exit code 0 with a summary when the journal is intact; exit code 1 with one line naming the first "
                        + "bad position (\"FILE entry N\" or \"checkpoints.log line N\") when it was changed, "
                        + "truncated or damaged, or holds an approval decision whose signature does not hold."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  agentguard verify /srv/journal",
                "  agentguard verify /srv/journal --public-key /etc/agentguard/checkpoint.pub",
                "  agentguard verify /srv/journal --approval-key /etc/agentguard/approvals.jwks",
                "  agentguard verify /mnt/evidence/journal --checkpoints /mnt/siem/checkpoints.log --json"})
final class VerifyCommand extends ToolCommand {
    @Parameters(index = "0", paramLabel = "JOURNAL_DIR", description = "The journal directory.")
    Path journal;

    @Option(names = "--public-key", paramLabel = "FILE",
            description = "The checkpoint public key (checkpoint.pub from 'agentguard keys generate'): every "
                    + "checkpoint must carry a good signature by it.")
    Path publicKey;

    @Option(names = "--approval-key", paramLabel = "FILE",
            description = "A public key of an approval service or operator (PEM PUBLIC KEY blocks, or a JWKS), "
                    + "repeatable: every signed approval decision in the journal must be signed by one of them and "
                    + "say what its event says.")
    List<Path> approvalKeys;

    @Option(names = "--checkpoints", paramLabel = "FILE",
            description = "Read checkpoints from FILE (for example a copy shipped off the host) instead of "
                    + "JOURNAL_DIR/checkpoints.log.")
    Path checkpoints;

    @Override
    int run() throws Exception {
        // Open the journal first so that a missing or foreign directory is reported as such,
        // before the verifier looks for checkpoints inside it.
        JournalReader.open(journal).close();
        JournalVerifier verifier = JournalVerifier.forJournal(journal);
        if (publicKey != null) {
            PublicKey key = CheckpointSigner.readPublicKey(publicKey);
            verifier.publicKey(key);
        }
        if (checkpoints != null) {
            if (!Files.isRegularFile(checkpoints)) {
                throw new InputException(checkpoints.toAbsolutePath().normalize() + ": no such checkpoints file");
            }
            verifier.checkpoints(checkpoints);
        }
        VerificationSummary summary = verifier.verify();
        ApprovalEvidence.Summary approvals = approvalKeys == null ? null : checkApprovals();
        if (json()) {
            Map<String, Object> o = toJson(summary);
            if (approvals != null) {
                o.put("approvalSignaturesChecked", approvals.signaturesChecked());
                o.put("unsignedApprovals", approvals.unsignedApprovals());
            }
            out().println(Json.object(o));
        } else {
            print(summary, out());
            if (approvals != null) {
                out().println("  approvals          " + approvals.signaturesChecked() + " signed decisions checked with "
                        + "the given approval keys");
                if (approvals.unsignedApprovals() > 0) {
                    out().println("note: " + approvals.unsignedApprovals() + " approvals carry no signature "
                            + "(approved by the policy itself, or by an approver that does not sign)");
                }
            }
        }
        return ExitCodes.OK;
    }

    /** The signed approval decisions, after the chain checked out: a bad or unknown signature is an integrity failure. */
    private ApprovalEvidence.Summary checkApprovals() throws Exception {
        DecisionVerifier.Builder keys = DecisionVerifier.builder();
        for (Path file : approvalKeys) {
            if (!Files.isRegularFile(file)) {
                throw new InputException(file.toAbsolutePath().normalize() + ": no such approval key file");
            }
            keys.keyFile(file);
        }
        DecisionVerifier decisions = keys.acceptKeyAlgorithms().build();
        try (JournalReader reader = JournalReader.open(journal)) {
            return ApprovalEvidence.verify(reader, decisions);
        }
    }

    /** A file Chronicle cannot read, or an entry that is not an event, means the journal is not intact. */
    @Override
    Failure classify(Throwable e) {
        if (e instanceof JournalCorruptException x) {
            return Failure.integrity(x.position(), x.getMessage(), e);
        }
        return super.classify(e);
    }

    /** For verify, a journal Chronicle cannot read is a journal that is not intact. */
    @Override
    Failure damagedJournal(Path journal, Throwable e) {
        return Failure.integrity(journal.toString(), DamagedJournal.describe(journal, e), e);
    }

    static Map<String, Object> toJson(VerificationSummary s) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("status", "intact");
        o.put("directory", s.directory().toString());
        o.put("journalId", s.journalId());
        o.put("events", s.events());
        o.put("firstSequence", s.firstSequence());
        o.put("lastSequence", s.lastSequence());
        o.put("lastHash", s.lastHash().toHex());
        o.put("checkpointsChecked", s.checkpointsChecked());
        o.put("checkpointsRetired", s.checkpointsRetired());
        o.put("signaturesChecked", s.signaturesChecked());
        o.put("eventsDeletedByRetention", s.eventsDeletedByRetention());
        o.put("notes", s.notes());
        return o;
    }

    private static void print(VerificationSummary s, PrintWriter out) {
        out.println("Journal intact: " + s.directory());
        if (s.journalId() == null) {
            out.println("  events             0 (the journal is empty)");
        } else {
            out.println("  journal id         " + s.journalId());
            out.println("  events             " + s.events() + " (sequence " + s.firstSequence() + " to "
                    + s.lastSequence() + ")");
            out.println("  chain head         " + s.lastHash().toHex());
            out.println("  checkpoints        " + s.checkpointsChecked() + " matched"
                    + (s.checkpointsRetired() > 0 ? ", " + s.checkpointsRetired() + " for events deleted by retention" : ""));
        }
        out.println("  signatures         " + (s.signaturesChecked() ? "checked with the given public key"
                : "not checked (give --public-key to check them)"));
        if (s.eventsDeletedByRetention() > 0) {
            out.println("  retention          events 1 to " + s.eventsDeletedByRetention() + " deleted, as journaled");
        }
        for (String note : s.notes()) {
            out.println("note: " + note);
        }
    }

    @Override
    Path resource() {
        return journal;
    }
}
