package dev.agentguard.core.policy;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a require-approval rule is approved: how many people, from which groups, for how long the
 * grant lasts, and whether an agent may break the glass or the policy approves on its own.
 *
 * <p>Two rules hold for every rule and cannot be switched off, because a switch would only ever
 * weaken them: nobody approves their own action (the approver may be neither the agent nor the
 * person it acts for), and any refusal refuses the action, however many approvals came before.
 *
 * @param approvals      how many different people must approve, 1 to {@value #MAX_APPROVALS}
 * @param approverGroups the groups an approver must belong to (one of them); empty for anyone the
 *                       approver accepts
 * @param grantWindow    {@code null} for a grant that covers this one action; otherwise how long
 *                       later actions of the same rule, agent (acting for the same person) and
 *                       resource reuse the grant, more than 0 and at most {@link #MAX_GRANT_WINDOW}
 * @param breakGlass     whether an agent may run a matching action without approval by stating a
 *                       justification; every such use is journaled as break-glass
 * @param autoApprove    whether the policy approves every matching action itself (journaled as
 *                       approved by {@value #AUTO_APPROVER}); for tests and low-risk rules
 */
public record ApprovalTerms(int approvals, Set<String> approverGroups, Duration grantWindow, boolean breakGlass,
                            boolean autoApprove) {

    /** The most approvals a rule may require. */
    public static final int MAX_APPROVALS = 5;

    /** The longest grant window: approvals are just in time, not standing permissions. */
    public static final Duration MAX_GRANT_WINDOW = Duration.ofHours(24);

    /** The approver name journaled for {@code autoApprove}. */
    public static final String AUTO_APPROVER = "policy:auto";

    /** One approval by anyone the approver accepts, for this one action; no break-glass, no auto-approval. */
    public static final ApprovalTerms DEFAULT = new ApprovalTerms(1, Set.of(), null, false, false);

    private static final Pattern GROUP = Pattern.compile("[^\\s,][^,]{0,99}");

    public ApprovalTerms {
        checkApprovals(approvals);
        Objects.requireNonNull(approverGroups, "approverGroups");
        Set<String> groups = new LinkedHashSet<>();
        for (String g : approverGroups) {
            groups.add(checkGroup(g));
        }
        approverGroups = java.util.Collections.unmodifiableSet(groups);
        if (grantWindow != null) {
            checkGrantWindow(grantWindow);
        }
        if (autoApprove) {
            String clash = approvals > 1 ? "approvals: " + approvals
                    : !approverGroups.isEmpty() ? "approvers"
                    : breakGlass ? "breakGlass"
                    : grantWindow != null ? "a grant window" : null;
            if (clash != null) {
                throw new IllegalArgumentException("autoApprove cannot be combined with " + clash + ": the policy "
                        + "approves alone, so nobody else approves and nothing needs breaking; remove one of them");
            }
        }
    }

    /** Whether a grant covers only the action it was given for. */
    public boolean grantOnce() {
        return grantWindow == null;
    }

    /** Checks a number of approvals as the constructor does. */
    static void checkApprovals(int approvals) {
        if (approvals < 1 || approvals > MAX_APPROVALS) {
            throw new IllegalArgumentException("approvals is " + approvals + "; allowed is 1 to " + MAX_APPROVALS
                    + " different approvers: ask for as many people as the action needs");
        }
    }

    /** Checks an approver group name as the constructor does, and returns it. */
    static String checkGroup(String group) {
        Objects.requireNonNull(group, "approver group");
        if (!GROUP.matcher(group).matches() || !group.strip().equals(group)) {
            throw new IllegalArgumentException("approver group " + PolicyFileReader.shown(group) + " is not allowed: "
                    + "use 1 to 100 characters without commas or surrounding spaces, e.g. payments-leads");
        }
        return group;
    }

    /** Checks a grant window as the constructor does. */
    static void checkGrantWindow(Duration window) {
        if (window.isNegative() || window.isZero() || window.compareTo(MAX_GRANT_WINDOW) > 0) {
            throw new IllegalArgumentException("grant window is " + window + "; allowed is more than 0 and at most "
                    + "24 hours (PT24H): a grant is a just-in-time permission, not a standing one; for one action "
                    + "at a time use grant: once");
        }
    }
}
