package dev.agentguard.samples;

import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.integrity.CheckpointSigner;
import dev.agentguard.core.masking.PanDetector;
import dev.agentguard.junit.EventMatcher;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

import static dev.agentguard.junit.JournalAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the payments agent sample in-process, as the README's first command runs it, and checks
 * what it leaves in its journal and what it prints.
 */
class PaymentsAgentTest {

    @TempDir
    static Path shared;

    private static Path journal;
    private static Path keys;
    private static String stdout;

    /** One run serves the tests that only read its journal and output. */
    @BeforeAll
    static void runTheSample() throws Exception {
        journal = shared.resolve("demo-journal");
        keys = shared.resolve("demo-keys");
        stdout = run(journal, keys);
    }

    @Test
    void deniesTheDeleteWithoutWhereAndJournalsItsRule() {
        assertThat(journal)
                .hasEventMatching(agentEvent().phase(Phase.INTENT).action("DELETE FROM cards")
                        .intent("tidy up: delete the cards").object("cards")
                        .decision(Decision.DENIED).rule("no-unbounded-writes").outcome(Outcome.FAILURE))
                .hasNoEventMatching(e -> e.phase(Phase.OUTCOME).actionContaining("DELETE"));
        assertTrue(stdout.contains("-> refused: denied by rule \"no-unbounded-writes\": DELETE without WHERE on cards"),
                stdout);
    }

    @Test
    void deniesTheCvvReadAndJournalsItsRule() {
        assertThat(journal)
                .hasEventMatching(agentEvent().phase(Phase.INTENT).action("SELECT cvv FROM cards")
                        .decision(Decision.DENIED).rule("no-sensitive-auth-data").outcome(Outcome.FAILURE))
                .hasNoEventMatching(e -> e.phase(Phase.OUTCOME).actionContaining("cvv"));
        assertTrue(stdout.contains("-> refused: denied by rule \"no-sensitive-auth-data\": "), stdout);
    }

    @Test
    void deniesADropTableSmuggledBehindASelect() {
        assertThat(journal)
                .hasEventMatching(agentEvent().phase(Phase.INTENT).action("SELECT ?; DROP TABLE cards")
                        .decision(Decision.DENIED).rule("one-statement-per-call"))
                .hasNoEventMatching(e -> e.phase(Phase.OUTCOME).actionContaining("DROP"));
        assertTrue(stdout.contains("-> refused: denied by rule \"one-statement-per-call\": "), stdout);
    }

    @Test
    void refusedStatementsNeverReachTheDatabase() {
        assertTrue(stdout.contains("7 statements tried; 4 ran, 3 were refused before reaching the database"), stdout);
        assertTrue(stdout.contains("the cards table still holds 5 cards."), stdout);
    }

    @Test
    void journalsTheAllowedUpdateAsAnIntentThenItsOutcome() {
        String update = "UPDATE orders SET status = ? WHERE id = ?";
        assertThat(journal)
                .eventsInOrder(
                        e -> e.phase(Phase.INTENT).agent("payments-agent").action(update).intent("mark order 1 shipped")
                                .decision(Decision.ALLOWED).rule("update-order-status"),
                        e -> e.phase(Phase.OUTCOME).agent("payments-agent").action(update)
                                .rule("update-order-status").outcome(Outcome.SUCCESS).count("updated", 1))
                .hasExactly(1).eventsMatching(e -> e.phase(Phase.OUTCOME).action(update));
    }

    @Test
    void journalsTheRefundWithTheSupervisorsSignedApproval() {
        String refund = "UPDATE orders SET amount = ? WHERE id = ?";
        assertThat(journal)
                .eventsInOrder(
                        e -> e.phase(Phase.APPROVAL).decision(Decision.APPROVAL_REQUIRED)
                                .rule("amount-changes-need-approval"),
                        e -> e.phase(Phase.APPROVAL).decision(Decision.APPROVED).rule("amount-changes-need-approval")
                                .where("signed by the supervisor", ev -> ev.extensions().containsKey("approval.jws")
                                        && OnCallSupervisor.NAME.equals(ev.extensions().get("approver"))),
                        e -> e.phase(Phase.INTENT).action(refund).decision(Decision.APPROVED)
                                .rule("amount-changes-need-approval").intent("refund order 3 as agreed in ticket CS-1042"),
                        e -> e.phase(Phase.OUTCOME).action(refund).outcome(Outcome.SUCCESS).count("updated", 1));
        assertTrue(stdout.contains("-> approved by carol@example.com; 1 row updated"), stdout);
    }

    @Test
    void journalsTheCardReadWithEveryPanMasked() {
        assertThat(journal).eventsInOrder(
                e -> e.phase(Phase.INTENT).action("SELECT id, holder, pan, expiry FROM cards ORDER BY id")
                        .decision(Decision.ALLOWED).rule("read-cardholder-data"),
                e -> e.phase(Phase.OUTCOME).action("SELECT id, holder, pan, expiry FROM cards ORDER BY id")
                        .outcome(Outcome.SUCCESS).count("rows", PaymentsDatabase.CARDS.size())
                        .count("masked.pan", PaymentsDatabase.CARDS.size()));
    }

    @Test
    void everyDatabaseEventIsBoundToTheAgentAndItsHumanInOneSession() {
        var events = assertThat(journal).filteredOn(e -> e.agent("payments-agent").channel(Channel.JDBC)).events();
        assertEquals(13, events.size(), "7 intents, the 4 outcomes of the statements that ran, and the refund's approval "
                + "request and decision");
        for (var e : events) {
            assertEquals("alice@example.com", e.onBehalfOf(), e.toString());
            assertEquals("payments-db", e.resource(), e.toString());
            assertEquals(Channel.JDBC, e.channel(), e.toString());
            assertEquals(events.get(0).sessionId(), e.sessionId(), e.toString());
        }
    }

    @Test
    void theApiCardLookUpComesBackWithThePanMaskedAndIsJournaledAsMasked() {
        assertTrue(stdout.contains("200 {\"id\":1,\"holder\":\"Ada Lovelace\",\"pan\":\"411111******1111\","
                + "\"expiry\":\"12/29\"}"), stdout);
        assertThat(journal).eventsInOrder(
                e -> e.phase(Phase.INTENT).channel(Channel.HTTP).agent("payments-agent").resource(PaymentsAgent.API_NAME)
                        .decision(Decision.ALLOWED).rule("api-card-lookups"),
                e -> e.phase(Phase.OUTCOME).channel(Channel.HTTP).decision(Decision.MASKED).rule("api-card-lookups")
                        .outcome(Outcome.SUCCESS).count("http.status", 200));
    }

    @Test
    void theApiRefundIsSentOnlyAfterTheSupervisorsSignedApproval() {
        assertThat(journal).eventsInOrder(
                e -> e.phase(Phase.APPROVAL).channel(Channel.HTTP).decision(Decision.APPROVAL_REQUIRED)
                        .rule("api-refunds-over-100-need-approval"),
                e -> e.phase(Phase.APPROVAL).channel(Channel.HTTP).decision(Decision.APPROVED)
                        .where("signed by the supervisor", ev -> ev.extensions().containsKey("approval.jws")
                                && OnCallSupervisor.NAME.equals(ev.extensions().get("approver"))),
                e -> e.phase(Phase.INTENT).channel(Channel.HTTP).decision(Decision.APPROVED)
                        .intent("refund order 4 through the API as agreed in ticket CS-1043"),
                e -> e.phase(Phase.OUTCOME).channel(Channel.HTTP).outcome(Outcome.SUCCESS).count("http.status", 201));
        assertTrue(stdout.contains("-> approved by carol@example.com; 201 {\"refund\":\"rf-1\",\"status\":\"accepted\"}"),
                stdout);
    }

    @Test
    void theAdminPathIsDeniedAndNeverReachesTheApi() {
        assertThat(journal)
                .hasExactly(1).eventsMatching(e -> e.phase(Phase.INTENT).channel(Channel.HTTP)
                        .decision(Decision.DENIED).rule("no-api-administration"))
                .hasNoEventMatching(e -> e.phase(Phase.OUTCOME).rule("no-api-administration"));
        assertTrue(stdout.contains("-> refused: denied by rule \"no-api-administration\": "), stdout);
        assertTrue(stdout.contains("3 API calls; 2 sent, 1 refused before reaching the API "
                + "(HttpPolicyViolationException); the admin path was reached 0 times."), stdout);
    }

    @Test
    void onTheHostDiskSpaceIsAllowedAndTheLogLineComesBackMasked() {
        assertTrue(stdout.contains("/dev/vdb1       200G  121G   79G  61% /var/lib/payments"), stdout);
        assertTrue(stdout.contains("-> exit 0; the card number in the output is masked:"), stdout);
        assertTrue(stdout.contains("retried for card 4000 05** **** 5556"), stdout);
        assertFalse(stdout.contains(OpsHost.LOG_WITH_PAN), stdout);
        assertThat(journal).eventsInOrder(
                e -> e.phase(Phase.INTENT).channel(Channel.SSH).resource(PaymentsAgent.HOST_NAME)
                        .decision(Decision.ALLOWED).rule("host-app-logs").intent("read the last lines of the payment log"),
                e -> e.phase(Phase.OUTCOME).channel(Channel.SSH).rule("host-app-logs").outcome(Outcome.SUCCESS));
    }

    @Test
    void theShadowFileIsDeniedAndTheCommandNeverReachesTheHost() {
        assertTrue(stdout.contains("-> refused: denied by rule \"no-credential-files\": "), stdout);
        assertTrue(stdout.contains("3 commands; 2 ran, 1 refused before reaching the host (CommandDeniedException); "
                + "the host ran: df -h, tail -n 2 /var/log/app/payments.log."), stdout);
        assertThat(journal)
                .hasExactly(1).eventsMatching(e -> e.phase(Phase.INTENT).channel(Channel.SSH)
                        .decision(Decision.DENIED).rule("no-credential-files"))
                .hasNoEventMatching(e -> e.phase(Phase.OUTCOME).rule("no-credential-files"));
    }

    @Test
    void theSessionRecordingIsMaskedAndItsHashIsInTheJournal() throws Exception {
        Path recordings = PaymentsAgent.recordingsDirectory(journal);
        List<Path> files;
        try (var list = Files.list(recordings)) {
            files = list.toList();
        }
        assertEquals(1, files.size(), files.toString());
        byte[] recording = Files.readAllBytes(files.get(0));
        String text = new String(recording, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.contains("4000 05** **** 5556"), text);
        assertFalse(text.contains("4000 0566 5566 5556"), text);
        String sha256 = java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(recording));
        assertThat(journal).hasEventMatching(e -> e.channel(Channel.SSH)
                .where("carries the recording's SHA-256", ev -> sha256.equals(ev.extensions().get("recording.sha256"))));
        assertTrue(stdout.contains("  bin/agentguard replay ssh-"), stdout);
    }

    @Test
    void theApisBearerTokenReachesNeitherTheJournalNorTheOutput() throws IOException {
        // The token is 24 random bytes in hex: 48 hex digits, a length nothing else in the journal has.
        java.util.regex.Pattern token = java.util.regex.Pattern.compile("(?<![0-9a-f])[0-9a-f]{48}(?![0-9a-f])");
        assertFalse(token.matcher(stdout).find(), stdout);
        try (var files = Files.list(journal)) {
            for (Path f : files.toList()) {
                String bytes = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertFalse(token.matcher(bytes).find(), "a token-like value in " + f);
                assertFalse(bytes.contains("Bearer "), "an Authorization value in " + f);
            }
        }
    }

    @Test
    void journalHoldsNoCardNumber() {
        assertThat(journal).containsNoPan();
    }

    @Test
    void journalIsIntactAndSignedWithTheKeyItWrote() throws Exception {
        PublicKey publicKey = CheckpointSigner.readPublicKey(keys.resolve("checkpoint.pub"));
        assertThat(journal).isIntactAndSignedBy(publicKey);
        assertTrue(Files.readString(keys.resolve("checkpoint-signing.pem")).contains("BEGIN PRIVATE KEY"));
    }

    @Test
    void printsNoRawCardNumber() {
        for (PaymentsDatabase.Card card : PaymentsDatabase.CARDS) {
            assertFalse(stdout.contains(card.pan()), "stdout shows the PAN of card " + card.id());
        }
        assertFalse(stdout.contains(PaymentsDatabase.NOTE_WITH_PAN), "stdout shows the support note unmasked");
        // Any card number at all, grouped or not, of any brand.
        List<String> hits = new ArrayList<>();
        new PanDetector().find(stdout, (start, end) -> hits.add("at " + start + " (" + (end - start) + " characters)"));
        assertEquals(List.of(), hits, "card numbers in stdout");
    }

    @Test
    void printsTheCardsMaskedToTheFirstSixAndLastFourDigits() {
        // Without this, a sample that printed no cards at all would pass printsNoRawCardNumber.
        for (String masked : List.of("411111******1111", "555555******4444", "222300******3222", "378282*****0005",
                "601111******1117")) {
            assertTrue(stdout.contains(masked), "expected " + masked + " in:\n" + stdout);
        }
        assertTrue(stdout.contains("customer read out card 5555 55** **** 4444 on the phone"), stdout);
    }

    @Test
    void printsHowToListAndVerifyTheJournal() {
        assertTrue(stdout.contains("  bin/agentguard list " + journal.toAbsolutePath().normalize()), stdout);
        assertTrue(stdout.contains("  bin/agentguard verify --public-key "
                + keys.resolve("checkpoint.pub").toAbsolutePath().normalize() + " " + journal.toAbsolutePath().normalize()),
                stdout);
    }

    @Test
    void theReadmeShowsWhatTheSamplePrints() throws IOException {
        // README.md quotes the sample's output; every quoted line must be one it prints.
        String readme = Files.readString(Path.of("..", "README.md"));
        int intro = readme.indexOf("Part of what the\nsample prints:");
        assertTrue(intro >= 0, "README.md no longer introduces the sample's output with 'Part of what the sample prints:'");
        int start = readme.indexOf("```text\n", intro) + "```text\n".length();
        String quoted = readme.substring(start, readme.indexOf("```", start));
        List<String> printed = stdout.lines().toList();
        for (String line : quoted.lines().toList()) {
            if (!line.strip().equals("...")) {
                assertTrue(printed.contains(line), "README.md quotes a line the sample does not print: " + line);
            }
        }
        assertTrue(readme.contains("java -jar samples/target/agentguard-sample.jar && bin/agentguard list "
                + "target/demo-journal && bin/agentguard verify --public-key target/demo-keys/checkpoint.pub "
                + "target/demo-journal"), "README.md's first command runs the sample, then lists and verifies its journal");
    }

    @Test
    void aSecondRunReplacesTheJournalAndTheKeyPair(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("journal");
        Path keyDir = tmp.resolve("keys");
        run(dir, keyDir);
        String firstKey = Files.readString(keyDir.resolve("checkpoint.pub"));
        run(dir, keyDir);

        assertNotEquals(firstKey, Files.readString(keyDir.resolve("checkpoint.pub")));
        assertThat(dir)
                .isIntactAndSignedBy(CheckpointSigner.readPublicKey(keyDir.resolve("checkpoint.pub")))
                .hasExactly(13).eventsMatching(e -> e.phase(Phase.INTENT))
                .hasExactly(1).eventsMatching(e -> e.action("journal.open"));
    }

    @Test
    void refusesToReplaceADirectoryThatIsNotAJournal(@TempDir Path tmp) throws Exception {
        Path notes = Files.writeString(tmp.resolve("notes.txt"), "keep me");

        IOException e = assertThrows(IOException.class, () -> run(tmp, tmp.resolve("keys")));

        assertEquals(tmp + " exists and is not an AgentGuard journal, so the sample does not replace it; pass another "
                + "directory, or remove it yourself", e.getMessage());
        assertEquals("keep me", Files.readString(notes));
    }

    private static EventMatcher agentEvent() {
        return EventMatcher.anyEvent().agent("payments-agent").onBehalfOf("alice@example.com").channel(Channel.JDBC)
                .resource("payments-db");
    }

    private static String run(Path journalDir, Path keyDir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            PaymentsAgent.run(journalDir, keyDir, out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
