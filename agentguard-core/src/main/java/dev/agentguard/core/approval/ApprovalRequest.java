package dev.agentguard.core.approval;

import dev.agentguard.core.action.Action;
import dev.agentguard.core.identity.AgentIdentity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What an approver is asked to decide.
 *
 * @param requestId  unique id of this request; the journal's approval events carry it
 * @param identity   the agent asking
 * @param action     the action, with its redacted text (never raw literals)
 * @param ruleId     the rule that requires approval
 * @param intent     the purpose the agent stated (masked), or {@code null}
 * @param actionHash {@link #hashOf(Action)}: binds a grant to this very action, so that an
 *                   approver issuing signed grants cannot have one replayed for another action
 */
public record ApprovalRequest(String requestId, AgentIdentity identity, Action action, String ruleId, String intent,
                              String actionHash) {

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
    }

    /** A request with its action hash computed. */
    public static ApprovalRequest of(String requestId, AgentIdentity identity, Action action, String ruleId,
                                     String intent) {
        return new ApprovalRequest(requestId, identity, action, ruleId, intent, hashOf(action));
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
