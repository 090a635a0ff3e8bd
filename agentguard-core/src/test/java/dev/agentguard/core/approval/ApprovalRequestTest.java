package dev.agentguard.core.approval;

import dev.agentguard.audit.Channel;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.action.SqlAction;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.policy.Sql;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ApprovalRequestTest {

    static final AgentIdentity AGENT = AgentIdentity.of("payments-bot");
    static final SqlAction INSERT = new SqlAction(List.of(Sql.insert("refunds").build()));

    private static Action action(String resource, String text) {
        return new Action(Channel.JDBC, resource, text, INSERT);
    }

    @Test
    void actionHashIsSha256OverChannelResourceAndTextEachLengthPrefixed() {
        // printf '\0\0\0\4JDBC\0\0\0\2db\0\0\0\1?' | sha256sum
        assertEquals("472c6e48145e9e6c10dfd3e0fd04d25e45b01ae1c1175c709865014b1cc775fc",
                ApprovalRequest.hashOf(action("db", "?")));
    }

    @Test
    void aGrantCannotBeReplayedForAnotherAction() {
        String hash = ApprovalRequest.hashOf(action("payments-db", "INSERT INTO refunds VALUES (?, ?)"));

        assertNotEquals(hash, ApprovalRequest.hashOf(action("payments-db", "INSERT INTO refunds VALUES (?, ?, ?)")));
        assertNotEquals(hash, ApprovalRequest.hashOf(action("reporting-db", "INSERT INTO refunds VALUES (?, ?)")));
        assertNotEquals(hash, ApprovalRequest.hashOf(new Action(Channel.HTTP, "payments-db",
                "INSERT INTO refunds VALUES (?, ?)", INSERT)));
    }

    @Test
    void movingTextBetweenFieldsChangesTheHash() {
        assertNotEquals(ApprovalRequest.hashOf(action("ab", "c")), ApprovalRequest.hashOf(action("a", "bc")));
    }

    @Test
    void aRequestWhoseHashDoesNotMatchItsActionIsRejected() {
        Action a = action("db", "?");
        String other = ApprovalRequest.hashOf(action("db", "??"));

        assertEquals("actionHash does not match the action; compute it with ApprovalRequest.hashOf(action)",
                assertThrows(IllegalArgumentException.class,
                        () -> new ApprovalRequest("r1", AGENT, a, "rule", null, other)).getMessage());
    }
}
