package dev.agentguard.jdbc;

import dev.agentguard.core.policy.Policy;
import dev.agentguard.core.policy.PolicyFileException;

/** The policy the JDBC tests run under, as a compliance team would write it. */
final class TestPolicies {

    static final String PAYMENTS_YAML = """
            policy: payments-agent
            version: 1
            default: deny
            rules:
              - id: no-delete-without-where
                description: Updates and deletes must name the rows they touch.
                deny: { sql: { kinds: [UPDATE, DELETE], whereMissing: true } }
              - id: no-cvv
                description: The CVV is never read, not even masked.
                deny: { sql: { columns: ["cards.cvv"] } }
              - id: one-statement-at-a-time
                deny: { sql: { multiStatement: true } }
              - id: no-schema-changes
                deny: { sql: { kinds: [DDL, DCL] } }
              - id: refunds-need-approval
                requireApproval: { sql: { kinds: [INSERT], tablesWritten: [refunds] } }
              - id: read-orders-in-pages
                allow: { sql: { kinds: [SELECT], tablesRead: [orders] } }
                rowLimit: 3
              - id: read-payments
                allow: { sql: { kinds: [SELECT], tablesRead: [cards, orders, refunds] } }
              - id: write-orders
                allow: { sql: { kinds: [INSERT, UPDATE, DELETE], tablesWritten: [orders] } }
            masking:
              columns:
                - { match: "*.cards.pan", strategy: partial }
              detectors: { pan: partial }
            """;

    /** The payments policy plus a rule that allows procedure and function calls. */
    static final String PAYMENTS_WITH_CALLS_YAML = PAYMENTS_YAML.replace("  - id: write-orders\n",
            "  - id: call-functions\n    allow: { sql: { kinds: [CALL] } }\n  - id: write-orders\n");

    /** The payments policy without the rule against several statements in one string. */
    static final String PAYMENTS_WITH_MULTI_STATEMENTS_YAML = PAYMENTS_YAML.replace(
            "  - id: one-statement-at-a-time\n    deny: { sql: { multiStatement: true } }\n", "");

    private TestPolicies() {
    }

    static Policy payments() {
        return parse(PAYMENTS_YAML);
    }

    static Policy parse(String yaml) {
        try {
            return Policy.parse(yaml, "test-policy.yaml");
        } catch (PolicyFileException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
