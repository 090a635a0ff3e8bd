package dev.agentguard.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code agentguard keys}: the checkpoint signing keys. */
@Command(name = "keys",
        mixinStandardHelpOptions = true,
        description = "Manages the Ed25519 keys that sign journal checkpoints.",
        subcommands = GenerateKeysCommand.class,
        footerHeading = "%nExamples:%n",
        footer = "  agentguard keys generate --out /etc/agentguard/keys")
final class KeysCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Without a subcommand there is nothing to do: show what there is. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE_OR_UNREADABLE_INPUT;
    }
}
