package dev.agentguard.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.reader.EventFilter;
import dev.agentguard.audit.reader.JournalReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class AccessJournalTest {
    @TempDir
    Path tmp;

    @Test
    void recordsWhoRanWhatOnWhichJournal() throws Exception {
        Path journal = tmp.resolve("journal");
        Path access = tmp.resolve("access");
        TestJournals.writeSample(journal);

        ToolRun run = ToolRun.run("--access-journal", access.toString(), "verify", journal.toString());

        assertEquals(0, run.exitCode(), run.err());
        AuditEvent use = onlyToolEvent(access);
        assertEquals(Phase.SYSTEM, use.phase());
        assertEquals(Channel.TOOL, use.channel());
        assertEquals(System.getProperty("user.name"), use.agentId());
        assertEquals("agentguard --access-journal " + access + " verify " + journal, use.action());
        assertEquals(journal.toAbsolutePath().toString(), use.resource());
        assertEquals(Outcome.SUCCESS, use.outcome());
        assertNull(use.error());
        assertEquals(Map.of("exitCode", 0L), use.counts());
    }

    @Test
    void recordsAFailedUseWithItsExitCodeAndError() throws Exception {
        Path journal = tmp.resolve("journal");
        Path access = tmp.resolve("access");
        TestJournals.writeSample(journal);
        TestJournals.flipFirstCharacterOf(TestJournals.cycleFiles(journal).get(0), "orders");

        ToolRun run = ToolRun.run("verify", journal.toString(), "--access-journal", access.toString());

        assertEquals(1, run.exitCode());
        AuditEvent use = onlyToolEvent(access);
        assertEquals(Outcome.FAILURE, use.outcome());
        assertEquals(run.errorLine().substring("agentguard verify: ".length()), use.error());
        assertEquals(1L, use.count(AccessJournal.EXIT_CODE_COUNT).orElseThrow());
    }

    @Test
    void theEnvironmentVariableTurnsItOn() throws Exception {
        Path journal = tmp.resolve("journal");
        Path access = tmp.resolve("access");
        TestJournals.writeSample(journal);

        ToolRun run = ToolRun.runWith(Map.of(AgentGuardCommand.ACCESS_JOURNAL_ENV, access.toString()),
                "list", journal.toString(), "--agent", "it's me");

        assertEquals(0, run.exitCode(), run.err());
        AuditEvent use = onlyToolEvent(access);
        assertEquals("agentguard list " + journal + " --agent 'it'\\''s me'", use.action());
    }

    @Test
    void theOptionWinsOverTheEnvironmentVariable() throws Exception {
        Path journal = tmp.resolve("journal");
        TestJournals.writeSample(journal);
        Path fromOption = tmp.resolve("option");
        Path fromEnvironment = tmp.resolve("environment");

        ToolRun.runWith(Map.of(AgentGuardCommand.ACCESS_JOURNAL_ENV, fromEnvironment.toString()),
                "--access-journal", fromOption.toString(), "list", journal.toString());

        assertEquals(1, toolEvents(fromOption).size());
        assertFalse(Files.exists(fromEnvironment));
    }

    @Test
    void recordsKeyGenerationWithTheOutputDirectory() throws Exception {
        Path access = tmp.resolve("access");
        Path keys = tmp.resolve("keys");

        ToolRun.run("keys", "generate", "--out", keys.toString(), "--access-journal", access.toString());

        AuditEvent use = onlyToolEvent(access);
        assertEquals(keys.toString(), use.resource());
        assertEquals(Outcome.SUCCESS, use.outcome());
    }

    @Test
    void anAccessJournalThatCannotBeWrittenStopsTheCommand() throws Exception {
        Path journal = tmp.resolve("journal");
        TestJournals.writeSample(journal);
        Path notADirectory = Files.writeString(tmp.resolve("file"), "x");
        Path access = notADirectory.resolve("access");
        Path export = tmp.resolve("export.jsonl");

        ToolRun run = ToolRun.run("--access-journal", access.toString(), "export", journal.toString(), "-o",
                export.toString());

        run.assertOneLineError(2);
        assertEquals("agentguard export: cannot write the access journal: cannot create journal directory " + access
                + ": FileSystemException: " + access + ": Not a directory; the command did not run", run.errorLine());
        assertEquals("", run.out());
        assertFalse(Files.exists(export), "the command did not run");
    }

    @Test
    void aFailingAccessJournalWithJsonPrintsAJsonError() throws Exception {
        Path journal = tmp.resolve("journal");
        TestJournals.writeSample(journal);
        Path access = Files.writeString(tmp.resolve("file"), "x").resolve("access");

        ToolRun run = ToolRun.run("--json", "--access-journal", access.toString(), "list", journal.toString());

        run.assertOneLineError(2);
        var error = new ObjectMapper().readTree(run.out());
        assertEquals("error", error.get("status").asText());
        assertEquals(2, error.get("exitCode").asInt());
    }

    @Test
    void theAccessJournalMustNotBeTheInspectedJournal() throws Exception {
        Path journal = tmp.resolve("journal");
        TestJournals.writeSample(journal);
        List<AuditEvent> before = TestJournals.read(journal);

        ToolRun run = ToolRun.run("--access-journal", journal.toString(), "verify", journal.toString());

        run.assertOneLineError(2);
        assertEquals("agentguard verify: the access journal " + journal + " must not be the directory the command "
                + "works on; record access in a journal of its own", run.errorLine());
        assertEquals(before, TestJournals.read(journal));
    }

    @Test
    void helpIsNotRecorded() throws Exception {
        Path access = tmp.resolve("access");

        ToolRun run = ToolRun.run("--access-journal", access.toString(), "list", "--help");

        assertEquals(0, run.exitCode());
        assertFalse(Files.exists(access));
    }

    private static AuditEvent onlyToolEvent(Path access) throws Exception {
        List<AuditEvent> uses = toolEvents(access);
        assertEquals(1, uses.size(), uses.toString());
        return uses.get(0);
    }

    private static List<AuditEvent> toolEvents(Path access) throws Exception {
        try (JournalReader reader = JournalReader.open(access)) {
            return reader.events(EventFilter.all().channel(Channel.TOOL));
        }
    }
}
