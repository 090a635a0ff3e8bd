package dev.agentguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.reader.EventFilter;
import dev.agentguard.audit.reader.JournalReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code agentguard replay}: plays the recording of an SSH session in the terminal, after checking
 * it against the SHA-256 the journal holds for it.
 */
@Command(name = "replay",
        mixinStandardHelpOptions = true,
        description = {
                "Plays the recording of an SSH session (asciicast v2, masked as the agent saw it) in the terminal, "
                        + "at real speed or faster.",
                "First checks the recording against the SHA-256 in the session's end event "
                        + "(ssh.session.close), so the journal's integrity covers what is played: a recording that "
                        + "was changed, or whose session has no end event, is not played.",
                "Terminal control sequences other than colours, cursor movement and erasing are not passed to "
                        + "your terminal. With --json, prints the check as a JSON object and plays nothing."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  agentguard replay ssh-qzvwmbtrxyhdqfekqzvw --journal /srv/journal",
                "  agentguard replay ssh-qzvwmbtrxyhdqfekqzvw --journal /srv/journal --speed 4",
                "  agentguard replay ssh-qzvwmbtrxyhdqfekqzvw --journal /mnt/evidence/journal "
                        + "--recording /mnt/evidence/recordings/ssh-qzvwmbtrxyhdqfekqzvw.cast"})
final class ReplayCommand extends ToolCommand {

    /** The SSH session-end event's action, and the extensions it carries (written by agentguard-ssh). */
    static final String SESSION_CLOSE = "ssh.session.close";
    static final String RECORDING_FILE = "recording.file";
    static final String RECORDING_SHA256 = "recording.sha256";

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "SESSION", description = "The SSH session id (ssh-…), as events show it.")
    String session;

    @Option(names = "--journal", paramLabel = "DIR", required = true,
            description = "The journal that holds the session's events.")
    Path journal;

    @Option(names = "--speed", paramLabel = "N", defaultValue = "1",
            description = "Play N times faster (0.1 to 1000000; default 1, real time).")
    double speed;

    @Option(names = "--idle-limit", paramLabel = "SECONDS", defaultValue = "2",
            description = "Cut pauses longer than this (after --speed) to this length; 0 for no cut; default 2.")
    double idleLimit;

    @Option(names = "--recording", paramLabel = "FILE",
            description = "Play this copy of the recording instead of the file the journal names "
                    + "(e.g. an evidence copy); it is checked against the journal's hash all the same.")
    Path recording;

    @Override
    int run() throws Exception {
        if (!(speed >= 0.1 && speed <= 1_000_000)) {
            throw new InputException("--speed must be 0.1 to 1000000, got " + speed);
        }
        if (!(idleLimit >= 0 && idleLimit <= 86_400)) {
            throw new InputException("--idle-limit must be 0 to 86400 seconds, got " + idleLimit);
        }
        AuditEvent end = sessionEnd();
        String expected = end.extensions().get(RECORDING_SHA256);
        String named = end.extensions().get(RECORDING_FILE);
        if (expected == null || named == null) {
            throw new InputException("the end event " + end.eventId() + " of session " + SafeText.escape(session)
                    + " names no recording (" + RECORDING_FILE + ", " + RECORDING_SHA256 + ")");
        }
        Path file = recording != null ? recording : Path.of(named);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InputException(file + ": no such recording" + (recording == null
                    ? " (the file the journal names; pass --recording FILE for a copy kept elsewhere)" : ""));
        }
        String actual = sha256(bytes);
        if (!actual.equals(expected)) {
            throw new IntegrityFailure(Failure.integrity(file.toString(), file + ": the recording does not match its "
                    + "SHA-256 in the journal (event " + end.eventId() + "): it was changed after the session ended",
                    null));
        }
        if (json()) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("session", session);
            summary.put("recording", file.toString());
            summary.put("sha256", actual);
            summary.put("verified", true);
            summary.put("event", end.eventId());
            summary.put("bytes", bytes.length);
            out().println(Json.object(summary));
            return ExitCodes.OK;
        }
        out().println("Session " + SafeText.escape(session) + " (" + SafeText.escape(end.agentId()) + " on "
                + SafeText.escape(end.resource()) + "), ended " + end.timestamp());
        out().println("Recording " + file + ": SHA-256 matches event " + end.eventId()
                + (end.outcome() == Outcome.FAILURE ? " (the session noted: " + SafeText.escape(end.error()) + ")" : ""));
        out().println("----");
        out().flush();
        play(bytes);
        out().println();
        out().println("----");
        out().println("End of session " + SafeText.escape(session));
        return ExitCodes.OK;
    }

    /** Unwinds to {@link #classify} with an integrity failure (exit code 1). */
    private static final class IntegrityFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Failure failure;

        IntegrityFailure(Failure failure) {
            super(failure.message());
            this.failure = failure;
        }
    }

    @Override
    Failure classify(Throwable e) {
        if (e instanceof IntegrityFailure f) {
            return f.failure;
        }
        return super.classify(e);
    }

    /** The session's end event: the last {@code ssh.session.close} of the session. */
    private AuditEvent sessionEnd() throws Exception {
        List<AuditEvent> events;
        try (JournalReader reader = JournalReader.open(journal)) {
            events = reader.events(EventFilter.all().session(session).channel(Channel.SSH).phase(Phase.SYSTEM));
        }
        AuditEvent end = null;
        for (AuditEvent e : events) {
            if (SESSION_CLOSE.equals(e.action())) {
                end = e;
            }
        }
        if (end == null) {
            throw new InputException("no end event (" + SESSION_CLOSE + ") for SSH session " + SafeText.escape(session)
                    + " in journal " + journal.toAbsolutePath().normalize() + ": the session is still open, or it is not "
                    + "in this journal; only a recording the journal vouches for is played");
        }
        return end;
    }

    /** Writes the output events to the terminal, waiting between them as recorded (divided by the speed). */
    private void play(byte[] bytes) throws IOException, InputException {
        TerminalFilter filter = new TerminalFilter();
        double previous = 0;
        try (InputStream in = new java.io.ByteArrayInputStream(bytes);
             BufferedReader lines = new BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
            String header = lines.readLine();
            JsonNode h = header == null ? null : JSON.readTree(header);
            if (h == null || !h.isObject() || h.path("version").asInt() != 2) {
                throw new InputException("the recording is not an asciicast v2 file (its first line is not a "
                        + "version 2 header)");
            }
            String line;
            int number = 1;
            while ((line = lines.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode e = JSON.readTree(line);
                if (!e.isArray() || e.size() != 3 || !e.get(0).isNumber() || !e.get(2).isTextual()) {
                    throw new InputException("line " + number + " of the recording is not an asciicast event");
                }
                double time = e.get(0).asDouble();
                if ("o".equals(e.get(1).asText())) {
                    pause(time - previous);
                    out().print(filter.filter(e.get(2).asText()));
                    out().flush();
                }
                previous = Math.max(previous, time);
            }
        }
    }

    private void pause(double recordedSeconds) throws InterruptedIOException {
        double seconds = Math.max(0, recordedSeconds) / speed;
        if (idleLimit > 0) {
            seconds = Math.min(seconds, idleLimit);
        }
        long millis = (long) (seconds * 1000);
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis); // the recording's own pacing: this is playback, not waiting for anything
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("replay interrupted");
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    Path resource() {
        return journal;
    }
}
