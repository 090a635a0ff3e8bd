package dev.agentguard.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code agentguard policy}: try a policy file without an agent or a database. */
@Command(name = "policy",
        mixinStandardHelpOptions = true,
        description = {
                "Tries a policy file without an agent or a database: decides SQL, runs expectations.",
                "'check' decides SQL for an agent as the guarded DataSource would; 'test' runs the expectations "
                        + "written beside the rules."},
        subcommands = {PolicyCheckCommand.class, PolicyTestCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
                "  agentguard policy check --policy pci.yaml --agent bot 'DELETE FROM cards'",
                "  agentguard policy test pci.yaml"})
final class PolicyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Without a subcommand there is nothing to do: show what there is. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE_OR_UNREADABLE_INPUT;
    }
}
