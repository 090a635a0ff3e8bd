package dev.agentguard.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * The {@code agentguard} command: reads, verifies and exports AgentGuard audit journals, checks
 * actions and expectations against a policy file, and masks sensitive data in text.
 *
 * <p>Build it with {@link #commandLine(PrintWriter, PrintWriter)} and run it with
 * {@link CommandLine#execute(String...)}; tests do exactly that with {@code StringWriter}s.
 *
 * <pre>{@code
 * StringWriter out = new StringWriter();
 * StringWriter err = new StringWriter();
 * int exitCode = AgentGuardCommand.commandLine(new PrintWriter(out), new PrintWriter(err))
 *         .execute("verify", "/srv/journal");
 * }</pre>
 */
@Command(name = "agentguard",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Reads, verifies and exports AgentGuard audit journals; checks SQL and expectations against a "
                        + "policy file; masks sensitive data in text.",
                "",
                "A journal is a directory written by an agent's JVM: Chronicle Queue files (*.cq4), "
                        + "metadata.cq4t and checkpoints.log. The tool only reads it."},
        subcommands = {ListCommand.class, ShowCommand.class, TailCommand.class, VerifyCommand.class,
                ExportCommand.class, ShipCommand.class, ReplayCommand.class, KeysCommand.class, PolicyCommand.class,
                MaskCommand.class, ApprovalsCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
                "  agentguard list /srv/journal --decision denied --from 2026-11-25",
                "  agentguard show 3f9a0c1b2d4e-42 /srv/journal",
                "  agentguard verify /srv/journal --public-key checkpoint.pub",
                "  agentguard --access-journal /srv/access export /srv/journal -o nov.jsonl",
                "  agentguard ship /srv/journal --kafka kafka-1:9092 --topic agentguard.events",
                "  agentguard replay ssh-qzvwmbtrxyhdqfekqzvw --journal /srv/journal --speed 4",
                "  agentguard policy check --policy pci.yaml --agent bot 'DELETE FROM cards'",
                "  agentguard policy test pci.yaml",
                "  agentguard mask --count < support-ticket.txt",
                "  agentguard approvals list /srv/approvals",
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

    private final InputStream in;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Map<String, String> environment;

    /**
     * A command that prints to {@code out} and {@code err} and reads
     * {@value #ACCESS_JOURNAL_ENV} from {@code environment}; {@code mask} reads {@code System.in}.
     */
    public AgentGuardCommand(PrintWriter out, PrintWriter err, Map<String, String> environment) {
        this(System.in, out, err, environment);
    }

    /**
     * A command that reads standard input ({@code mask}) from {@code in}, prints to {@code out}
     * and {@code err} and reads {@value #ACCESS_JOURNAL_ENV} from {@code environment}.
     */
    public AgentGuardCommand(InputStream in, PrintWriter out, PrintWriter err, Map<String, String> environment) {
        this.in = Objects.requireNonNull(in, "in");
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
        return commandLine(System.in, out, err, environment);
    }

    /**
     * The tool, reading standard input from {@code in}, printing to {@code out} and {@code err},
     * configured from {@code environment}.
     */
    public static CommandLine commandLine(InputStream in, PrintWriter out, PrintWriter err,
                                          Map<String, String> environment) {
        AgentGuardCommand root = new AgentGuardCommand(in, out, err, environment);
        CommandLine cl = new CommandLine(root);
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionStrategy(new RecordedExecution(root));
        cl.setParameterExceptionHandler(root::usageError);
        // A backstop: subcommands report their own errors, so this only sees the unexpected.
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) ->
                root.report(commandLine.getCommandSpec().qualifiedName(), Failure.of(e, null)));
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

    /** Standard input, for the commands that read it. */
    InputStream in() {
        return in;
    }

    /** The access journal directory: --access-journal, else $AGENTGUARD_ACCESS_JOURNAL, else none. */
    Path accessJournalDirectory() {
        if (accessJournal != null) {
            return accessJournal;
        }
        String fromEnvironment = environment.get(ACCESS_JOURNAL_ENV);
        return fromEnvironment == null || fromEnvironment.isBlank() ? null : Path.of(fromEnvironment);
    }

    /** Prints {@code failure} for {@code commandName} as every error is printed, and returns its exit code. */
    int report(String commandName, Failure failure) {
        return failure.report(commandName, json, verbose, out, err);
    }

    /** A usage error: one line naming the command and where to read about it; exit code 2. */
    private int usageError(CommandLine.ParameterException e, String[] args) {
        String name = e.getCommandLine().getCommandSpec().qualifiedName();
        return report(name, Failure.input(e.getMessage() + " (see '" + name + " --help')", e));
    }
}
