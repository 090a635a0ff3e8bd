package dev.agentguard.cli;

import picocli.CommandLine;

/** The tool's version, from the jar manifest. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = AgentGuardCommand.class.getPackage().getImplementationVersion();
        return new String[] {"agentguard " + (version == null ? "(development build)" : version)};
    }

    /** Lets every subcommand answer {@code --version} too. */
    static void setOn(CommandLine cl) {
        cl.getCommandSpec().versionProvider(new VersionProvider());
        for (CommandLine sub : cl.getSubcommands().values()) {
            setOn(sub);
        }
    }
}
