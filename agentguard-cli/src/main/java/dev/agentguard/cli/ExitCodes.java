package dev.agentguard.cli;

import picocli.CommandLine;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes of {@code agentguard}. They are API: scripts and CI jobs branch on them, so a
 * code keeps its meaning from release to release.
 */
public final class ExitCodes {
    /** The command did what was asked; for {@code verify}, the journal is intact. */
    public static final int OK = 0;
    /** {@code verify} found the journal changed, truncated or damaged. */
    public static final int INTEGRITY_FAILURE = 1;
    /** Bad usage, or input that cannot be read (missing directory, not a journal, unreadable file). */
    public static final int USAGE_OR_UNREADABLE_INPUT = 2;
    /** Denied by policy (for the policy commands to come). */
    public static final int DENIED_BY_POLICY = 3;
    /** The action needs an approval first (for the policy commands to come). */
    public static final int APPROVAL_REQUIRED = 4;

    private ExitCodes() {
    }

    /** The table printed under "Exit codes:" in every command's {@code --help}. */
    static Map<String, String> helpList() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put(Integer.toString(OK), "ok (for verify: the journal is intact)");
        codes.put(Integer.toString(INTEGRITY_FAILURE), "journal integrity failure (verify found a change)");
        codes.put(Integer.toString(USAGE_OR_UNREADABLE_INPUT), "usage error or unreadable input");
        codes.put(Integer.toString(DENIED_BY_POLICY), "denied by policy (policy commands)");
        codes.put(Integer.toString(APPROVAL_REQUIRED), "approval required (policy commands)");
        return codes;
    }

    /** Adds the exit code table to {@code cl} and all its subcommands. */
    static void describeIn(CommandLine cl) {
        cl.getCommandSpec().usageMessage()
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(helpList());
        for (CommandLine sub : cl.getSubcommands().values()) {
            describeIn(sub);
        }
    }
}
