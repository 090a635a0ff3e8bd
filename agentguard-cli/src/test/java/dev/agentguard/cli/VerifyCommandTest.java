package dev.agentguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.integrity.CheckpointSigner;
import dev.agentguard.audit.journal.Journal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifyCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void anIntactJournalIsExitCode0WithASummary() throws Exception {
        Path journal = tmp.resolve("journal");
        TestJournals.writeSample(journal);
        AuditEvent last = TestJournals.read(journal).get(6);

        ToolRun run = ToolRun.run("verify", journal.toString());

        assertEquals(0, run.exitCode(), run.err());
        assertEquals("", run.err());
        assertEquals(List.of(
                "Journal intact: " + journal.toAbsolutePath(),
                "  journal id         " + last.eventId().substring(0, 12),
                "  events             7 (sequence 1 to 7)",
                "  chain head         " + last.hash().toHex(),
                "  checkpoints        1 matched",
                "  signatures         not checked (give --public-key to check them)",
                "note: checkpoint signatures not checked: pass the journal's public key to check them"),
                run.outLines());
    }

    @Test
    void jsonSummaryNamesEveryFigure() throws Exception {
        Path journal = tmp.resolve("journal");
        TestJournals.writeSample(journal);
        AuditEvent last = TestJournals.read(journal).get(6);

        ToolRun run = ToolRun.run("verify", journal.toString(), "--json");

        assertEquals(0, run.exitCode(), run.err());
        JsonNode summary = JSON.readTree(run.out());
        assertEquals("intact", summary.get("status").asText());
        assertEquals(journal.toAbsolutePath().toString(), summary.get("directory").asText());
        assertEquals(last.eventId().substring(0, 12), summary.get("journalId").asText());
        assertEquals(7, summary.get("events").asLong());
        assertEquals(1, summary.get("firstSequence").asLong());
        assertEquals(7, summary.get("lastSequence").asLong());
        assertEquals(last.hash().toHex(), summary.get("lastHash").asText());
        assertEquals(1, summary.get("checkpointsChecked").asInt());
        assertEquals(0, summary.get("checkpointsRetired").asInt());
        assertEquals(false, summary.get("signaturesChecked").asBoolean());
        assertEquals(0, summary.get("eventsDeletedByRetention").asLong());
        assertEquals("checkpoint signatures not checked: pass the journal's public key to check them",
                summary.get("notes").get(0).asText());
    }

    @Test
    void aChangedByteIsExitCode1NamingThePosition() throws Exception {
        Path journal = tmp.resolve("journal");
        TestJournals.writeSample(journal);
        String position = TestJournals.positionOf(journal, 2);

        TestJournals.flipFirstCharacterOf(TestJournals.cycleFiles(journal).get(0), "orders");
        ToolRun run = ToolRun.run("verify", journal.toString());

        run.assertOneLineError(1);
        assertEquals("agentguard verify: integrity failure at " + position
                + ": event 2 was changed: its content does not match its hash", run.errorLine());
        assertEquals("", run.out());
    }

    @Test
    void aChangedByteWithJsonPrintsAJsonErrorObject() throws Exception {
        Path journal = tmp.resolve("journal");
        TestJournals.writeSample(journal);
        String position = TestJournals.positionOf(journal, 2);
        TestJournals.flipFirstCharacterOf(TestJournals.cycleFiles(journal).get(0), "orders");

        ToolRun run = ToolRun.run("verify", journal.toString(), "--json");

        run.assertOneLineError(1);
        JsonNode error = JSON.readTree(run.out());
        assertEquals("integrity-failure", error.get("status").asText());
        assertEquals(1, error.get("exitCode").asInt());
        assertEquals(position, error.get("position").asText());
        assertEquals("integrity failure at " + position + ": event 2 was changed: its content does not match its hash",
                error.get("message").asText());
    }

    @Test
    void generatedKeysSignCheckpointsThatVerifyWithThePublicKey() throws Exception {
        Path keys = tmp.resolve("keys");
        assertEquals(0, ToolRun.run("keys", "generate", "--out", keys.toString()).exitCode());
        Path journal = tmp.resolve("journal");
        CheckpointSigner signer = CheckpointSigner.fromPemFile(keys.resolve("checkpoint-signing.pem"));
        try (Journal j = Journal.builder(journal).signer(signer).checkpointEvery(2).open()) {
            for (int i = 0; i < 5; i++) {
                j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a").action("SELECT " + i)
                        .decision(Decision.ALLOWED, "r"));
            }
        }

        ToolRun run = ToolRun.run("verify", journal.toString(), "--public-key", keys.resolve("checkpoint.pub").toString(),
                "--json");

        assertEquals(0, run.exitCode(), run.err());
        JsonNode summary = JSON.readTree(run.out());
        assertEquals(true, summary.get("signaturesChecked").asBoolean());
        assertEquals(4, summary.get("checkpointsChecked").asInt());
        assertEquals(0, summary.get("notes").size());
        ToolRun text = ToolRun.run("verify", journal.toString(), "--public-key", keys.resolve("checkpoint.pub").toString());
        assertTrue(text.outLines().contains("  signatures         checked with the given public key"), text.out());
    }

    @Test
    void checkpointsSignedByAnotherKeyAreExitCode1() throws Exception {
        Path journal = tmp.resolve("journal");
        CheckpointSigner signer = CheckpointSigner.of(CheckpointSigner.generateKeyPair());
        try (Journal j = Journal.builder(journal).signer(signer).open()) {
            j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a").action("SELECT 1"));
        }
        Path otherKeys = tmp.resolve("other");
        ToolRun.run("keys", "generate", "--out", otherKeys.toString());
        String otherKeyId = CheckpointSigner.keyIdOf(CheckpointSigner.readPublicKey(otherKeys.resolve("checkpoint.pub")));

        ToolRun run = ToolRun.run("verify", journal.toString(), "--public-key", otherKeys.resolve("checkpoint.pub").toString());

        run.assertOneLineError(1);
        assertEquals("agentguard verify: integrity failure at checkpoints.log line 1: checkpoint for event 3 was signed "
                + "by key " + signer.keyId() + ", not by the given public key " + otherKeyId, run.errorLine());
    }

    @Test
    void readsCheckpointsShippedElsewhere() throws Exception {
        Path journal = tmp.resolve("journal");
        TestJournals.writeSample(journal);
        Path shipped = Files.copy(journal.resolve("checkpoints.log"), tmp.resolve("shipped-checkpoints.log"));
        Files.writeString(journal.resolve("checkpoints.log"), "");

        ToolRun run = ToolRun.run("verify", journal.toString(), "--checkpoints", shipped.toString(), "--json");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(1, JSON.readTree(run.out()).get("checkpointsChecked").asInt());
    }

    @Test
    void aShippedCheckpointBeyondTheJournalEndShowsATruncatedTail() throws Exception {
        Path journal = tmp.resolve("journal");
        TestJournals.writeSample(journal);
        Path shipped = tmp.resolve("shipped.log");
        String line = Files.readString(journal.resolve("checkpoints.log"));
        Files.writeString(shipped, line.replace(" seq=7 ", " seq=9 "));

        ToolRun run = ToolRun.run("verify", journal.toString(), "--checkpoints", shipped.toString());

        run.assertOneLineError(1);
        assertEquals("agentguard verify: integrity failure at shipped.log line 1: checkpoint covers event 9 but the "
                + "journal ends at event 7: its tail was truncated", run.errorLine());
    }

    @Test
    void aMissingCheckpointsFileIsExitCode2() throws Exception {
        Path journal = tmp.resolve("journal");
        TestJournals.writeSample(journal);

        ToolRun run = ToolRun.run("verify", journal.toString(), "--checkpoints", tmp.resolve("nope.log").toString());

        run.assertOneLineError(2);
        assertEquals("agentguard verify: " + tmp.resolve("nope.log") + ": no such checkpoints file", run.errorLine());
    }

    @Test
    void aMissingPublicKeyFileIsExitCode2() throws Exception {
        Path journal = tmp.resolve("journal");
        TestJournals.writeSample(journal);

        ToolRun run = ToolRun.run("verify", journal.toString(), "--public-key", tmp.resolve("nope.pub").toString());

        run.assertOneLineError(2);
        assertEquals("agentguard verify: " + tmp.resolve("nope.pub") + ": no such file", run.errorLine());
    }

    @Test
    void aPublicKeyFileWithoutAKeyIsExitCode2() throws Exception {
        Path journal = tmp.resolve("journal");
        TestJournals.writeSample(journal);
        Path notAKey = Files.writeString(tmp.resolve("key.pub"), "hello\n");

        ToolRun run = ToolRun.run("verify", journal.toString(), "--public-key", notAKey.toString());

        run.assertOneLineError(2);
        assertEquals("agentguard verify: " + notAKey + " has no '-----BEGIN PUBLIC KEY-----' block", run.errorLine());
    }
}
