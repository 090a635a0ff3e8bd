package dev.agentguard.cli;

import dev.agentguard.audit.journal.JournalException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * The {@code agentguard} command: reads, verifies and exports AgentGuard audit journals.
 *
 * <p>Build it with {@link #commandLine(PrintWriter, PrintWriter)} and run it with
 * {@link CommandLine#execute(String...)}; tests do exactly that with {@code StringWriter}s.
 *
 * <pre>{@code
 * StringWriter out = new StringWriter();
 * StringWriter err = new StringWriter();
 * int exitCode = AgentGuardCommand.commandLine(new PrintWriter(out), new PrintWriter(err))
 *         .execute("verify", "/var/lib/agentguard/journal");
 * }</pre>
 */
@Command(name = "agentguard",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Reads, verifies and exports AgentGuard audit journals.",
                "",
                "A journal is a directory written by an agent's JVM: Chronicle Queue files (*.cq4), "
                        + "metadata.cq4t and checkpoints.log. The tool only reads it."},
        subcommands = {ListCommand.class, ShowCommand.class, TailCommand.class, VerifyCommand.class,
                ExportCommand.class, KeysCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
                "  agentguard list /var/lib/agentguard/journal --decision denied --from 2026-11-25",
                "  agentguard verify /var/lib/agentguard/journal --public-key checkpoint.pub",
                "  agentguard --access-journal /var/lib/agentguard/access export /var/lib/agentguard/journal -o events.jsonl",
                "",
                "Set AGENTGUARD_ACCESS_JOURNAL to record every use of the tool without passing --access-journal."})
public final class AgentGuardCommand implements Callable<Integer> {
    /** The environment variable naming the access journal when {@code --access-journal} is not given. */
    public static final String ACCESS_JOURNAL_ENV = "AGENTGUARD_ACCESS_JOURNAL";

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Machine-readable output: events as JSON (one object per line), summaries and errors "
                    + "as JSON objects.")
    boolean json;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Print the stack trace behind an error.")
    boolean verbose;

    @Option(names = "--access-journal", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Record this use of the tool in the journal at DIR (PCI DSS 10.2.1.3); the command "
                    + "does not run when DIR cannot be written. Default: $" + ACCESS_JOURNAL_ENV + ".")
    Path accessJournal;

    @Spec
    CommandSpec spec;

    private final PrintWriter out;
    private final PrintWriter err;
    private final Map<String, String> environment;

    /**
     * A command that prints to {@code out} and {@code err} and reads
     * {@value #ACCESS_JOURNAL_ENV} from {@code environment}.
     */
    public AgentGuardCommand(PrintWriter out, PrintWriter err, Map<String, String> environment) {
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    }

    /** The tool, printing to {@code out} and {@code err}, configured from the process environment. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, System.getenv());
    }

    /** The tool, printing to {@code out} and {@code err}, configured from {@code environment}. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err, Map<String, String> environment) {
        AgentGuardCommand root = new AgentGuardCommand(out, err, environment);
        CommandLine cl = new CommandLine(root);
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionStrategy(root::execute);
        cl.setParameterExceptionHandler(root::usageError);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) ->
                Failure.of(e, null).report(commandLine.getCommandSpec().qualifiedName(), root.json, root.verbose,
                        out, err));
        ExitCodes.describeIn(cl);
        VersionProvider.setOn(cl);
        return cl;
    }

    /** Without a subcommand there is nothing to do: show what there is. */
    @Override
    public Integer call() {
        spec.commandLine().usage(err);
        return ExitCodes.USAGE_OR_UNREADABLE_INPUT;
    }

    boolean json() {
        return json;
    }

    boolean verbose() {
        return verbose;
    }

    /** Runs the chosen subcommand, recording the use in the access journal when one is configured. */
    private int execute(ParseResult parseResult) {
        ParseResult leaf = parseResult;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        Path accessDir = accessJournalDirectory();
        if (accessDir == null || helpRequested(parseResult)
                || !(leaf.commandSpec().userObject() instanceof ToolCommand tool)) {
            return new CommandLine.RunLast().execute(parseResult);
        }
        String commandName = leaf.commandSpec().qualifiedName();
        Path resource = tool.resource() == null ? null : tool.resource().toAbsolutePath().normalize();
        if (resource != null && resource.equals(accessDir.toAbsolutePath().normalize())) {
            return Failure.input("the access journal " + accessDir + " must not be the directory the command works on; "
                    + "record access in a journal of its own", null).report(commandName, json, verbose, out, err);
        }
        AccessJournal access;
        try {
            access = AccessJournal.open(accessDir);
        } catch (JournalException e) {
            return Failure.input("cannot write the access journal: " + e.getMessage() + "; the command did not run", e)
                    .report(commandName, json, verbose, out, err);
        }
        int exitCode = ExitCodes.USAGE_OR_UNREADABLE_INPUT;
        try {
            exitCode = new CommandLine.RunLast().execute(parseResult);
        } finally {
            Failure failure = tool.failure();
            try (AccessJournal journal = access) {
                journal.record(System.getProperty("user.name"), parseResult.originalArgs(), resource, exitCode,
                        failure == null ? null : failure.message());
            } catch (JournalException e) {
                exitCode = Failure.input("cannot record this use in the access journal: " + e.getMessage(), e)
                        .report(commandName, json, verbose, out, err);
            }
        }
        return exitCode;
    }

    private Path accessJournalDirectory() {
        if (accessJournal != null) {
            return accessJournal;
        }
        String fromEnvironment = environment.get(ACCESS_JOURNAL_ENV);
        return fromEnvironment == null || fromEnvironment.isBlank() ? null : Path.of(fromEnvironment);
    }

    private static boolean helpRequested(ParseResult parseResult) {
        for (ParseResult p = parseResult; p != null; p = p.hasSubcommand() ? p.subcommand() : null) {
            if (p.isUsageHelpRequested() || p.isVersionHelpRequested()) {
                return true;
            }
        }
        return false;
    }

    /** A usage error: one line naming the command and where to read about it; exit code 2. */
    private int usageError(CommandLine.ParameterException e, String[] args) {
        String name = e.getCommandLine().getCommandSpec().qualifiedName();
        return Failure.input(e.getMessage() + " (see '" + name + " --help')", e)
                .report(name, json, verbose, out, err);
    }
}
