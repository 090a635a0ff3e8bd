package dev.agentguard.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Policy files for the policy and mask command tests. */
final class TestPolicies {
    /**
     * A PCI-scope policy for a payments agent: card reads allowed with PAN and CVV masked,
     * refunds need approval, unbounded updates and deletes denied, everything else denied.
     */
    static final String PAYMENTS = String.join("\n",
            "policy: payments",
            "description: Payments agent in the cardholder data environment",
            "default: deny",
            "rowLimit: 1000",
            "rules:",
            "  - id: no-delete-without-where",                                          // line 6
            "    description: Updates and deletes must name the rows they touch.",
            "    deny: { sql: { kinds: [UPDATE, DELETE], whereMissing: true } }",
            "  - id: refunds-need-approval",                                            // line 9
            "    requireApproval: { sql: { kinds: [INSERT], tablesWritten: [refunds] } }",
            "    agents: { roles: [payments] }",
            "  - id: read-cards",                                                       // line 12
            "    allow: { sql: { kinds: [SELECT], tablesRead: [cards, orders] } }",
            "    agents: { roles: [payments] }",
            "    rowLimit: 100",
            "  - id: update-orders",                                                    // line 16
            "    allow: { sql: { kinds: [UPDATE], tablesWritten: [orders] } }",
            "    agents: { roles: [payments] }",
            "masking:",
            "  columns:",
            "    - { match: \"*.cards.pan\", strategy: partial }",
            "    - { match: \"*.cards.cvv\", strategy: redact }",
            "");

    /** Expectations for {@link #PAYMENTS}, all of which hold; the first starts at line 24. */
    static final String PASSING_EXPECTATIONS = String.join("\n",
            "expect:",
            "  - name: deletes-need-where",                                             // line 24
            "    agent: { id: payments-bot, roles: [payments] }",
            "    sql: \"DELETE FROM cards\"",
            "    effect: deny",
            "    rule: no-delete-without-where",
            "  - agent: { id: payments-bot, roles: [payments] }",                       // line 29
            "    sql: \"SELECT pan FROM cards WHERE id = 42\"",
            "    effect: allow",
            "  - name: refunds",                                                        // line 32
            "    agent: { id: payments-bot, roles: [payments] }",
            "    sql: \"INSERT INTO refunds (order_id, amount) VALUES (7, 10)\"",
            "    effect: require-approval",
            "    rule: refunds-need-approval",
            "  - name: strangers-get-nothing",                                          // line 37
            "    agent: { id: intruder }",
            "    sql: \"SELECT pan FROM cards\"",
            "    effect: deny",
            "    rule: default",
            "");

    private TestPolicies() {
    }

    /** Writes {@code text} to {@code dir/name} and returns the file. */
    static Path write(Path dir, String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
