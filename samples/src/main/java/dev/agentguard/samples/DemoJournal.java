package dev.agentguard.samples;

import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.integrity.CheckpointSigner;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.JournalException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes a journal of the events a payments agent's day produces, on embedded defaults: one
 * session that reads masked cards, is denied a {@code DELETE} without {@code WHERE} and a read
 * of the CVV column, asks for approval of a refund over HTTP, and restarts a service over SSH.
 *
 * <p>Until the JDBC, HTTP and SSH channels land, the events are written directly, exactly as
 * those channels will write them. Usage: {@code java -jar samples/target/agentguard-sample.jar
 * [JOURNAL_DIR [KEY_DIR]]}; defaults {@code target/demo-journal} and {@code target/demo-keys}.
 */
public final class DemoJournal {
    private DemoJournal() {
    }

    public static void main(String[] args) throws Exception {
        Path journalDir = Path.of(args.length > 0 ? args[0] : "target/demo-journal").toAbsolutePath().normalize();
        Path keyDir = Path.of(args.length > 1 ? args[1] : "target/demo-keys").toAbsolutePath().normalize();
        try {
            run(journalDir, keyDir);
        } catch (JournalException e) {
            System.err.println("demo: " + e.getMessage());
            System.exit(2);
        }
        System.out.println("Journal written to " + journalDir);
        System.out.println("Checkpoints signed with " + keyDir.resolve("checkpoint-signing.pem")
                + " (public key: " + keyDir.resolve("checkpoint.pub") + ")");
        System.out.println("Look at it with:");
        System.out.println("  bin/agentguard list " + journalDir);
        System.out.println("  bin/agentguard verify --public-key " + keyDir.resolve("checkpoint.pub") + " " + journalDir);
    }

    /** Replaces any older demo journal and keys, then writes the demo session. */
    public static void run(Path journalDir, Path keyDir) throws IOException, GeneralSecurityException {
        deleteRecursively(journalDir);
        deleteRecursively(keyDir);
        Files.createDirectories(keyDir);
        KeyPair keys = CheckpointSigner.generateKeyPair();
        Files.writeString(keyDir.resolve("checkpoint-signing.pem"), CheckpointSigner.privateKeyPemWithPublicKey(keys));
        Files.writeString(keyDir.resolve("checkpoint.pub"), CheckpointSigner.publicKeyPem(keys.getPublic()));

        try (Journal journal = Journal.builder(journalDir).signer(CheckpointSigner.of(keys)).checkpointEvery(5).open()) {
            String agent = "payments-agent";
            String user = "alice@example.com";
            String session = "session-1";
            journal.append(EventDraft.of(Phase.IDENTITY, Channel.JDBC).agent(agent).onBehalfOf(user).session(session)
                    .resource("paymentsDb").action("token verified: iss=https://idp.example sub=payments-agent")
                    .decision(Decision.ALLOWED, "identity").succeeded());

            journal.append(jdbc(agent, user, session).intent("summarise yesterday's card payments")
                    .action("SELECT id, pan, amount FROM cards WHERE created_at > ?").objects("PUBLIC.CARDS")
                    .decision(Decision.MASKED, "mask-pan"));
            journal.append(EventDraft.of(Phase.OUTCOME, Channel.JDBC).agent(agent).onBehalfOf(user).session(session)
                    .resource("paymentsDb").action("SELECT id, pan, amount FROM cards WHERE created_at > ?")
                    .objects("PUBLIC.CARDS").decision(Decision.MASKED, "mask-pan").succeeded()
                    .count("rows", 25).count("masked.PUBLIC.CARDS.PAN", 25).duration(Duration.ofMillis(3)));

            journal.append(jdbc(agent, user, session).intent("clean up test cards")
                    .action("DELETE FROM cards").objects("PUBLIC.CARDS")
                    .decision(Decision.DENIED, "no-delete-without-where"));
            journal.append(jdbc(agent, user, session).intent("check a card")
                    .action("SELECT cvv FROM cards WHERE id = ?").objects("PUBLIC.CARDS")
                    .decision(Decision.DENIED, "no-cvv"));

            String refund = "POST https://payments.example/v1/refunds";
            journal.append(EventDraft.of(Phase.INTENT, Channel.HTTP).agent(agent).onBehalfOf(user).session("http-1")
                    .resource("payments.example").intent("refund order 1001").action(refund).objects("/v1/refunds")
                    .decision(Decision.APPROVAL_REQUIRED, "refunds-need-approval"));
            journal.append(EventDraft.of(Phase.APPROVAL, Channel.HTTP).agent(agent).onBehalfOf(user).session("http-1")
                    .resource("payments.example").action(refund).decision(Decision.APPROVED, "refunds-need-approval")
                    .approval("approval-7f3c (granted by bob@example.com)").succeeded());
            journal.append(EventDraft.of(Phase.OUTCOME, Channel.HTTP).agent(agent).onBehalfOf(user).session("http-1")
                    .resource("payments.example").action(refund).decision(Decision.APPROVED, "refunds-need-approval")
                    .approval("approval-7f3c (granted by bob@example.com)").succeeded()
                    .count("status", 201).count("bytes", 312).duration(Duration.ofMillis(41)));

            journal.append(EventDraft.of(Phase.INTENT, Channel.SSH).agent(agent).onBehalfOf(user).session("ssh-1")
                    .resource("deploy@app1").action("systemctl restart payments").decision(Decision.APPROVAL_REQUIRED, "restart-needs-approval"));
            journal.append(EventDraft.of(Phase.OUTCOME, Channel.SSH).agent(agent).onBehalfOf(user).session("ssh-1")
                    .resource("deploy@app1").action("cat /var/log/payments/app.log | grep ERROR")
                    .decision(Decision.ALLOWED, "read-app-logs").succeeded().count("exitStatus", 0).count("bytes", 2048)
                    .duration(Duration.ofMillis(120)));
        }
    }

    private static EventDraft jdbc(String agent, String user, String session) {
        return EventDraft.of(Phase.INTENT, Channel.JDBC).agent(agent).onBehalfOf(user).session(session).resource("paymentsDb");
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
