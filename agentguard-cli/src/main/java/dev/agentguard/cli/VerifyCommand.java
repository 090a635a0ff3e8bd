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
                        + "truncated or damaged, or holds an approval decision whose signature does not hold.",
                "With --kafka and --topic instead of JOURNAL_DIR, verifies the journals shipped to a Kafka topic "
                        + "('agentguard ship'): every agent's chain and checkpoint signatures, reporting per agent the "
                        + "events, gaps, duplicates dropped and the first bad record (\"TOPIC-PARTITION@OFFSET\")."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  agentguard verify /srv/journal",
                "  agentguard verify /srv/journal --public-key /etc/agentguard/checkpoint.pub",
                "  agentguard verify /srv/journal --approval-key /etc/agentguard/approvals.jwks",
                "  agentguard verify /mnt/evidence/journal --checkpoints /mnt/siem/checkpoints.log --json",
                "  agentguard verify --kafka kafka-1:9092 --topic agentguard.events --public-key checkpoint.pub"})
final class VerifyCommand extends ToolCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "JOURNAL_DIR",
            description = "The journal directory (or --kafka and --topic).")
    Path journal;

    @Option(names = "--kafka", paramLabel = "BOOTSTRAP",
            description = "Verify the journals shipped to a Kafka cluster (host:port[,host:port…]) instead of a "
                    + "directory; needs --topic.")
    String kafka;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "With --kafka: the events topic.")
    String topic;

    @Option(names = "--checkpoints-topic", paramLabel = "TOPIC",
            description = "With --kafka: the compacted checkpoints topic (default: TOPIC.checkpoints).")
    String checkpointsTopic;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "With --kafka: Kafka client settings (security, SASL, TLS) as a properties file.")
    Path kafkaConfig;

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
        if (kafka != null || topic != null) {
            return verifyKafka();
        }
        if (journal == null) {
            throw new InputException("give a JOURNAL_DIR to verify, or --kafka BOOTSTRAP --topic TOPIC");
        }
        if (checkpointsTopic != null || kafkaConfig != null) {
            throw new InputException("--checkpoints-topic and --kafka-config go with --kafka");
        }
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

    private int verifyKafka() throws Exception {
        if (kafka == null || topic == null) {
            throw new InputException("--kafka and --topic go together");
        }
        if (journal != null || checkpoints != null || approvalKeys != null) {
            throw new InputException("--kafka verifies a topic: leave out JOURNAL_DIR, --checkpoints and --approval-key");
        }
        PublicKey key = publicKey == null ? null : CheckpointSigner.readPublicKey(publicKey);
        return KafkaVerification.run(kafka, topic, checkpointsTopic, kafkaConfig, key, json(), out());
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
