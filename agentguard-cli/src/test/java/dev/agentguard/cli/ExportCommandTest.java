package dev.agentguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.json.EventJson;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class ExportCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;
    static Path journal;
    static List<AuditEvent> events;

    @TempDir
    Path tmp;

    @BeforeAll
    static void writeJournal() throws Exception {
        journal = shared.resolve("journal");
        TestJournals.writeSample(journal);
        events = TestJournals.read(journal);
    }

    @Test
    void writesEveryEventAsEventJsonLinesToStandardOutput() {
        ToolRun run = ToolRun.run("export", journal.toString(), "--format", "jsonl");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(events.stream().map(EventJson::toJson).toList(), run.outLines());
    }

    @Test
    void jsonlIsTheDefaultFormat() {
        assertEquals(ToolRun.run("export", journal.toString(), "--format", "jsonl").out(),
                ToolRun.run("export", journal.toString()).out());
    }

    @Test
    void appliesFilters() throws Exception {
        ToolRun run = ToolRun.run("export", journal.toString(), "--channel", "ssh");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(1, run.outLines().size());
        JsonNode ssh = JSON.readTree(run.out());
        assertEquals(6, ssh.get("sequence").asLong());
        assertEquals("SSH", ssh.get("channel").asText());
        assertEquals("ops-agent", ssh.get("agentId").asText());
        assertEquals("cat /etc/shadow", ssh.get("action").asText());
        assertEquals("approval-ref-7", ssh.get("approvalRef").asText());
        assertEquals("written by a newer AgentGuard", ssh.get("extensions").get("x.future-field").asText());
    }

    @Test
    void writesANewFileAndSaysHowManyEvents() throws Exception {
        Path file = tmp.resolve("november.jsonl");

        ToolRun run = ToolRun.run("export", journal.toString(), "--from", "2026-11-25", "--until", "2026-11-25",
                "-o", file.toString());

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(List.of("Exported 3 events to " + file), run.outLines());
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(events.subList(2, 5).stream().map(EventJson::toJson).toList(), lines);
        assertFalse(Files.exists(tmp.resolve("november.jsonl.partial")));
    }

    @Test
    void jsonSummaryOfAFileExport() throws Exception {
        Path file = tmp.resolve("all.jsonl");

        ToolRun run = ToolRun.run("export", journal.toString(), "-o", file.toString(), "--json");

        assertEquals(0, run.exitCode(), run.err());
        JsonNode summary = JSON.readTree(run.out());
        assertEquals(file.toString(), summary.get("file").asText());
        assertEquals(7, summary.get("events").asLong());
    }

    @Test
    void neverOverwritesAFile() throws Exception {
        Path file = Files.writeString(tmp.resolve("evidence.jsonl"), "keep me\n");

        ToolRun run = ToolRun.run("export", journal.toString(), "-o", file.toString());

        run.assertOneLineError(2);
        assertEquals("agentguard export: " + file + " already exists; export never overwrites a file: choose another name",
                run.errorLine());
        assertEquals("keep me\n", Files.readString(file));
    }

    @Test
    void aFailedExportLeavesNoFileBehind() throws Exception {
        Path damaged = tmp.resolve("damaged");
        TestJournals.writeSample(damaged);
        Path middle = TestJournals.cycleFiles(damaged).get(1);
        try (var raf = new java.io.RandomAccessFile(middle.toFile(), "rw")) {
            raf.setLength(TestJournals.offsetOf(middle, "DELETE FROM cards") + 5);
        }
        Path file = tmp.resolve("out.jsonl");

        ToolRun run = ToolRun.run("export", damaged.toString(), "-o", file.toString());

        run.assertOneLineError(2);
        assertFalse(Files.exists(file));
        assertFalse(Files.exists(tmp.resolve("out.jsonl.partial")));
    }

    @Test
    void leavesAPartialFileOfAnInterruptedExportAlone() throws Exception {
        Path file = tmp.resolve("out.jsonl");
        Path partial = Files.writeString(tmp.resolve("out.jsonl.partial"), "from an earlier run\n");

        ToolRun run = ToolRun.run("export", journal.toString(), "-o", file.toString());

        run.assertOneLineError(2);
        assertEquals("agentguard export: " + partial + ": already exists", run.errorLine());
        assertEquals("from an earlier run\n", Files.readString(partial));
        assertFalse(Files.exists(file));
    }

    @Test
    void aMissingOutputDirectoryIsExitCode2() {
        Path file = tmp.resolve("no-such-dir").resolve("out.jsonl");

        ToolRun run = ToolRun.run("export", journal.toString(), "-o", file.toString());

        run.assertOneLineError(2);
        assertEquals("agentguard export: " + file.getParent() + ": no such directory for the export file",
                run.errorLine());
    }

    @Test
    void rejectsAnUnknownFormat() {
        ToolRun run = ToolRun.run("export", journal.toString(), "--format", "csv");

        run.assertOneLineError(2);
        assertEquals("agentguard export: Invalid value for option '--format': 'csv' is not a supported format; use one "
                + "of jsonl (see 'agentguard export --help')", run.errorLine());
    }
}
