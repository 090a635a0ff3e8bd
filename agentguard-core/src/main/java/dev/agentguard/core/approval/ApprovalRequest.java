package dev.agentguard.core.approval;

import dev.agentguard.core.action.Action;
import dev.agentguard.core.identity.AgentIdentity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What an approver is asked to decide. When a rule needs several approvals, the guard asks once
 * per approval with the same request id, {@link #approvedBy()} naming those who already approved.
 *
 * @param requestId       unique id of this request; the journal's approval events carry it
 * @param identity        the agent asking
 * @param action          the action, with its redacted text (never raw literals)
 * @param ruleId          the rule that requires approval
 * @param intent          the purpose the agent stated (masked), or {@code null}
 * @param actionHash      {@link #hashOf(Action)}: binds a grant to this very action, so that an
 *                        approver issuing signed grants cannot have one replayed for another action
 * @param approvalsNeeded how many different people must approve, at least 1
 * @param approvedBy      who already approved, in order; fewer than {@code approvalsNeeded}
 * @param approverGroups  the groups one of which an approver must belong to; empty for anyone
 * @param grantWindow     {@code null} when the grant covers this action only; otherwise how long
 *                        later actions of the same rule, agent and resource reuse it
 * @param deadline        when the guard stops waiting, or {@code null} when not known
 */
public record ApprovalRequest(String requestId, AgentIdentity identity, Action action, String ruleId, String intent,
                              String actionHash, int approvalsNeeded, List<String> approvedBy,
                              Set<String> approverGroups, Duration grantWindow, Instant deadline) {

    public ApprovalRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(actionHash, "actionHash");
        if (requestId.isBlank()) {
            throw new IllegalArgumentException("requestId must not be blank");
        }
        if (!actionHash.equals(hashOf(action))) {
            throw new IllegalArgumentException("actionHash does not match the action; compute it with "
                    + "ApprovalRequest.hashOf(action)");
        }
        approvedBy = List.copyOf(approvedBy == null ? List.of() : approvedBy);
        approverGroups = Collections.unmodifiableSet(new LinkedHashSet<>(approverGroups == null ? Set.of()
                : approverGroups));
        if (approvalsNeeded < 1 || approvedBy.size() >= approvalsNeeded) {
            throw new IllegalArgumentException("approvalsNeeded is " + approvalsNeeded + " with " + approvedBy.size()
                    + " approvals already given; a request asks for at least one more approval");
        }
    }

    /** A request for one approval by anyone, for this action only, with its action hash computed. */
    public ApprovalRequest(String requestId, AgentIdentity identity, Action action, String ruleId, String intent,
                           String actionHash) {
        this(requestId, identity, action, ruleId, intent, actionHash, 1, List.of(), Set.of(), null, null);
    }

    /** A request for one approval by anyone, for this action only, with its action hash computed. */
    public static ApprovalRequest of(String requestId, AgentIdentity identity, Action action, String ruleId,
                                     String intent) {
        return new ApprovalRequest(requestId, identity, action, ruleId, intent, hashOf(action));
    }

    /** This request after {@code approvers} approved, asking for the next approval. */
    public ApprovalRequest afterApprovalsBy(List<String> approvers) {
        return new ApprovalRequest(requestId, identity, action, ruleId, intent, actionHash, approvalsNeeded, approvers,
                approverGroups, grantWindow, deadline);
    }

    /** Which approval this request asks for: 1 for the first, 2 for the second, … */
    public int round() {
        return approvedBy.size() + 1;
    }

    /**
     * SHA-256, lower-case hex, over the action's channel, resource and redacted text, each UTF-8
     * and preceded by its length as four bytes (big-endian), so that no two different actions
     * hash alike by moving text between fields.
     */
    public static String hashOf(Action action) {
        Objects.requireNonNull(action, "action");
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
        for (String field : new String[] {action.channel().name(), action.resource(), action.redactedText()}) {
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            int n = bytes.length;
            sha256.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
            sha256.update(bytes);
        }
        return HexFormat.of().formatHex(sha256.digest());
    }
}
