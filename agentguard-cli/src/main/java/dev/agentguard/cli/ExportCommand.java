package dev.agentguard.cli;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.reader.EventFilter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code agentguard export}: events as JSON lines, for a SIEM or an assessor. */
@Command(name = "export",
        mixinStandardHelpOptions = true,
        description = {
                "Exports the matching events of a journal, oldest first, as JSON lines: one JSON object per event "
                        + "and line, with the field names documented in docs/cli.md (the same as every --json output).",
                "Writes to standard output, or with -o to a new FILE: the export goes to FILE.partial first and is "
                        + "renamed to FILE only when complete, and an existing FILE is never overwritten.",
                "Given several journal directories, merges their events in time order."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  agentguard export /srv/journal --format jsonl > events.jsonl",
                "  agentguard export /srv/journal --from 2026-11-01 --until 2026-11-30 -o november.jsonl",
                "  agentguard export /srv/journal --decision denied | jq -r .action",
                "  agentguard export /srv/agents/*/journal --from 2026-11-01 -o fleet-november.jsonl"})
final class ExportCommand extends ToolCommand {
    /** The export formats; JSON lines is the only one so far. */
    enum Format {
        JSONL
    }

    /** Reads {@code --format} like the other names: {@code jsonl} or {@code JSONL}. */
    static final class FormatName extends NameConverter<Format> {
        FormatName() {
            super(Format.class, "supported format");
        }
    }

    @Parameters(arity = "1..*", paramLabel = "JOURNAL_DIR",
            description = "The journal directory; several are merged in time order.")
    List<Path> journals;

    @Mixin
    FilterOptions filters;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "jsonl", converter = FormatName.class,
            description = "Output format: jsonl, one JSON object per line (the default and, so far, the only one).")
    Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
    Path output;

    @Override
    int run() throws Exception {
        EventFilter filter = filters.toFilter();
        if (output == null) {
            export(filter, out());
            return ExitCodes.OK;
        }
        Path target = output.toAbsolutePath().normalize();
        if (Files.exists(target)) {
            throw new InputException(target + " already exists; export never overwrites a file: choose another name");
        }
        if (!Files.isDirectory(target.getParent())) {
            throw new InputException(target.getParent() + ": no such directory for the export file");
        }
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        // CREATE_NEW: a .partial left by an interrupted export is reported, not reused or deleted.
        BufferedWriter file = Files.newBufferedWriter(partial, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
        long events;
        try {
            try (PrintWriter writer = new PrintWriter(file)) {
                events = export(filter, writer);
                writer.flush();
                if (writer.checkError()) {
                    throw new IOException(partial + ": write failed (disk full?)");
                }
            }
            Files.move(partial, target); // fails rather than replace a file created meanwhile
        } catch (Exception | Error e) {
            deletePartial(partial, e);
            throw e;
        }
        if (json()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("file", target.toString());
            o.put("events", events);
            out().println(Json.object(o));
        } else {
            out().println("Exported " + events + " event" + (events == 1 ? "" : "s") + " to " + target);
        }
        return ExitCodes.OK;
    }

    private long export(EventFilter filter, PrintWriter to) throws Exception {
        EventOutput lines = new EventOutput.JsonLines(to);
        try (MergedEvents events = MergedEvents.open(journals, filter,
                ((AgentGuardCommand) spec.root().userObject()).accessJournalDirectory())) {
            AuditEvent e;
            while ((e = events.next()) != null) {
                lines.print(e);
            }
        }
        return lines.printed();
    }

    private static void deletePartial(Path partial, Throwable failure) {
        try {
            Files.deleteIfExists(partial);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    Path resource() {
        return journals.get(0);
    }
}
