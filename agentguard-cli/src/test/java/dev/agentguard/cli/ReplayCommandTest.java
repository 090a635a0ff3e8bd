package dev.agentguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code replay} plays an SSH session's recording only after checking it against the hash in the
 * session's end event, and keeps a recording from acting on the reviewer's terminal; {@code show}
 * prints the session's transcript under its events.
 */
class ReplayCommandTest {

    private static final String SESSION = "ssh-qzvwmbtrxyhdqfekqzvw";
    /** A recording as agentguard-ssh writes it: masked output, with a colour and a window-title sequence. */
    private static final String CAST = """
            {"version":2,"width":120,"height":40,"timestamp":1795680000,"title":"ops-agent on app1 (deploy@app1.internal)","env":{"TERM":"xterm"}}
            [0.001,"o","$ df -h\\r\\n"]
            [0.2,"o","\\u001b[1;32mFilesystem\\u001b[0m Size\\r\\n\\u001b]0;pwned title\\u0007/dev/sda1 50G\\r\\n"]
            [0.25,"i","cat /etc/shadow\\n"]
            [0.3,"o","$ cat /etc/shadow\\r\\n[refused: denied by rule \\"no-shadow\\"]\\r\\n"]
            [0.4,"o","card 4111 11** **** 1111\\r\\n"]
            """;

    @TempDir
    Path dir;
    private Path journal;
    private Path recording;
    private String openEventId;

    @BeforeEach
    void writeSession() throws Exception {
        journal = dir.resolve("journal");
        recording = dir.resolve("recordings").resolve(SESSION + ".cast");
        Files.createDirectories(recording.getParent());
        Files.writeString(recording, CAST);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(recording)));
        try (Journal j = Journal.builder(journal).open()) {
            long open = j.append(ssh(Phase.SYSTEM, "ssh.session.open").decision(Decision.ALLOWED, null).succeeded()
                    .extension("recording.file", recording.toString()));
            openEventId = null;
            long df = j.append(ssh(Phase.INTENT, "df -h").decision(Decision.ALLOWED, "read-only-tools"));
            j.append(ssh(Phase.OUTCOME, "df -h").decision(Decision.ALLOWED, "read-only-tools").succeeded()
                    .count("exit.status", 0).count("bytes.stdout", 120).duration(Duration.ofMillis(40))
                    .extension("intent-seq", Long.toString(df)));
            j.append(ssh(Phase.INTENT, "cat /etc/shadow").decision(Decision.DENIED, "no-shadow")
                    .failed("denied by rule \"no-shadow\": cat reads /etc/shadow"));
            long exit = j.append(ssh(Phase.INTENT, "exit 2").decision(Decision.ALLOWED, "read-only-tools"));
            j.append(ssh(Phase.OUTCOME, "exit 2").decision(Decision.ALLOWED, "read-only-tools").failed("exit status 2")
                    .count("exit.status", 2).extension("intent-seq", Long.toString(exit)));
            j.append(ssh(Phase.SYSTEM, "ssh.session.close").succeeded().count("actions", 2).count("refused", 1)
                    .extension("recording.file", recording.toString()).extension("recording.sha256", sha));
            assertTrue(open > 0);
        }
        for (AuditEvent e : TestJournals.read(journal)) {
            if ("ssh.session.open".equals(e.action())) {
                openEventId = e.eventId();
            }
        }
    }

    private static EventDraft ssh(Phase phase, String action) {
        return EventDraft.of(phase, Channel.SSH).agent("ops-agent").session(SESSION).resource("app1").action(action);
    }

    @Test
    void playsAVerifiedRecordingWithoutSequencesThatActOnTheTerminal() {
        ToolRun run = ToolRun.run("replay", SESSION, "--journal", journal.toString(), "--speed", "1000000");
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.outLines();
        assertTrue(lines.get(0).startsWith("Session " + SESSION + " (ops-agent on app1), ended 20"), lines.get(0));
        assertTrue(lines.get(1).startsWith("Recording " + recording + ": SHA-256 matches event "), lines.get(1));
        assertTrue(run.out().contains("$ df -h\r\n\u001b[1;32mFilesystem\u001b[0m Size\r\n/dev/sda1 50G\r\n"),
                "colours kept, the title sequence dropped: " + run.out());
        assertFalse(run.out().contains("pwned title"));
        assertFalse(run.out().contains("\u001b]"));
        assertTrue(run.out().contains("[refused: denied by rule \"no-shadow\"]"));
        assertFalse(run.out().contains("cat /etc/shadow\n"), "input events are not played (the echo shows them)");
        assertTrue(run.out().endsWith("End of session " + SESSION + System.lineSeparator()), run.out());
    }

    @Test
    void refusesARecordingChangedAfterTheSession() throws Exception {
        Files.writeString(recording, CAST.replace("4111 11** **** 1111", "4111 1111 1111 1111"));
        ToolRun run = ToolRun.run("replay", SESSION, "--journal", journal.toString(), "--speed", "1000000")
                .assertOneLineError(ExitCodes.INTEGRITY_FAILURE);
        assertTrue(run.errorLine().startsWith("agentguard replay: integrity failure at " + recording
                + ": the recording does not match its SHA-256 in the journal (event "), run.errorLine());
        assertFalse(run.out().contains("4111"), "nothing was played");
    }

    @Test
    void playsAnIntactCopyKeptElsewhere() throws Exception {
        Path copy = dir.resolve("evidence.cast");
        Files.copy(recording, copy);
        Files.delete(recording);
        ToolRun missing = ToolRun.run("replay", SESSION, "--journal", journal.toString())
                .assertOneLineError(ExitCodes.USAGE_OR_UNREADABLE_INPUT);
        assertTrue(missing.errorLine().contains(": no such recording (the file the journal names; pass --recording"),
                missing.errorLine());
        ToolRun run = ToolRun.run("replay", SESSION, "--journal", journal.toString(), "--recording", copy.toString(),
                "--speed", "1000000");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("/dev/sda1 50G"));
    }

    @Test
    void playsNothingForASessionWithoutEndEvent() {
        ToolRun run = ToolRun.run("replay", "ssh-nosuchsession", "--journal", journal.toString())
                .assertOneLineError(ExitCodes.USAGE_OR_UNREADABLE_INPUT);
        assertTrue(run.errorLine().startsWith("agentguard replay: no end event (ssh.session.close) for SSH session "
                + "ssh-nosuchsession in journal "), run.errorLine());
    }

    @Test
    void printsTheCheckAsJsonWithoutPlaying() throws Exception {
        ToolRun run = ToolRun.run("replay", SESSION, "--journal", journal.toString(), "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals(SESSION, json.get("session").asText());
        assertTrue(json.get("verified").asBoolean());
        assertEquals(recording.toString(), json.get("recording").asText());
        assertFalse(run.out().contains("Filesystem"));
    }

    @Test
    void refusesBadOptions() {
        ToolRun.run("replay", SESSION, "--journal", journal.toString(), "--speed", "0")
                .assertOneLineError(ExitCodes.USAGE_OR_UNREADABLE_INPUT);
        ToolRun noJournal = ToolRun.run("replay", SESSION).assertOneLineError(ExitCodes.USAGE_OR_UNREADABLE_INPUT);
        assertTrue(noJournal.errorLine().contains("--journal"), noJournal.errorLine());
    }

    @Test
    void showPrintsTheTranscriptOfTheSession() {
        ToolRun run = ToolRun.run("show", openEventId, journal.toString());
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.outLines();
        int at = lines.indexOf("Transcript of session " + SESSION + ":");
        assertTrue(at > 0, run.out());
        assertEquals(List.of(
                "  [ssh.session.open]",
                "  $ df -h    ALLOWED (read-only-tools), exit 0",
                "  $ cat /etc/shadow    DENIED (no-shadow): denied by rule \"no-shadow\": cat reads /etc/shadow",
                "  $ exit 2    ALLOWED (read-only-tools), exit 2",
                "  [ssh.session.close]"), lines.subList(at + 1, lines.size()));
    }
}
