package dev.agentguard.cli;

import picocli.CommandLine;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes of {@code agentguard}. They are API: scripts and CI jobs branch on them, so a
 * code keeps its meaning from release to release.
 */
public final class ExitCodes {
    /**
     * The command did what was asked; for {@code verify}, the journal is intact; for
     * {@code policy check}, every action is allowed; for {@code policy test}, every expectation holds.
     */
    public static final int OK = 0;
    /**
     * A check failed: {@code verify} found the journal changed, truncated or damaged, or
     * {@code policy test} found an expectation the policy does not meet.
     */
    public static final int CHECK_FAILED = 1;
    /** {@code verify} found the journal changed, truncated or damaged: {@link #CHECK_FAILED} as verify uses it. */
    public static final int INTEGRITY_FAILURE = CHECK_FAILED;
    /**
     * Bad usage, or input that cannot be read (missing directory, not a journal, unreadable file,
     * a malformed policy file, input to {@code mask} that is not UTF-8 text).
     */
    public static final int USAGE_OR_UNREADABLE_INPUT = 2;
    /** {@code policy check}: the policy denies an action. */
    public static final int DENIED_BY_POLICY = 3;
    /** {@code policy check}: an action needs an approval first (and none is denied). */
    public static final int APPROVAL_REQUIRED = 4;

    private ExitCodes() {
    }

    /** The table printed under "Exit codes:" in every command's {@code --help}. */
    static Map<String, String> helpList() {
        Map<String, String> codes = new LinkedHashMap<>();
        // One line each at picocli's 80 columns.
        codes.put(Integer.toString(OK), "ok (verify: journal intact; policy check: allowed; policy test: all pass)");
        codes.put(Integer.toString(CHECK_FAILED), "a check failed: journal integrity (verify) or expectations "
                + "(policy test)");
        codes.put(Integer.toString(USAGE_OR_UNREADABLE_INPUT), "usage error or unreadable input (including a malformed "
                + "policy file)");
        codes.put(Integer.toString(DENIED_BY_POLICY), "denied by policy (policy check)");
        codes.put(Integer.toString(APPROVAL_REQUIRED), "approval required (policy check)");
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
