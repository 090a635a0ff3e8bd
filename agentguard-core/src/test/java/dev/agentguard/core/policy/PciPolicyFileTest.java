package dev.agentguard.core.policy;

import dev.agentguard.audit.Channel;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.action.StatementKind;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.masking.MaskStrategy;
import dev.agentguard.core.masking.MaskingKey;
import dev.agentguard.core.masking.MaskingRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.agentguard.core.action.StatementKind.DCL;
import static dev.agentguard.core.action.StatementKind.DDL;
import static dev.agentguard.core.action.StatementKind.DELETE;
import static dev.agentguard.core.action.StatementKind.INSERT;
import static dev.agentguard.core.action.StatementKind.SELECT;
import static dev.agentguard.core.action.StatementKind.TRANSACTION;
import static dev.agentguard.core.action.StatementKind.UPDATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The realistic PCI policy in test resources: the file reads into exactly the policy its Java
 * builder equivalent describes, and its expectations hold for the statements the SQL analyser
 * reports for their SQL.
 */
class PciPolicyFileTest {

    private static final byte[] KEY_BYTES = new byte[32];
    private static final String KEY = Base64.getEncoder().encodeToString(KEY_BYTES);

    private static Policy fromFile;

    @BeforeAll
    static void load() throws Exception {
        fromFile = PolicyFileReader.load(file(), Map.of("AGENTGUARD_MASKING_KEY", KEY)::get);
    }

    static Path file() throws URISyntaxException {
        return Path.of(PciPolicyFileTest.class.getResource("/policies/pci-payments.yaml").toURI());
    }

    /** The same policy written with the Java builder. */
    static Policy javaEquivalent() {
        AgentSelector payments = AgentSelector.roles("payments");
        return Policy.builder()
                .name("payments-agent")
                .description("What the payments support agent may do with cardholder data.")
                .defaultEffect(Effect.DENY)
                .rowLimit(500)
                .rule(Rule.deny("no-sensitive-auth-data").line(11)
                        .description("CVV and track data are never readable after authorisation (PCI DSS 3.3.1).")
                        .sql(SqlCondition.builder().columns("*.cards.cvv", "*.cards.track_data")))
                .rule(Rule.deny("no-unbounded-writes").line(15)
                        .description("Updates and deletes must name the rows they touch.")
                        .sql(SqlCondition.builder().kinds(UPDATE, DELETE).whereMissing(true)))
                .rule(Rule.deny("no-schema-or-permission-changes").line(19)
                        .description("The agent never changes the schema or grants.")
                        .sql(SqlCondition.builder().kinds(DDL, DCL)))
                .rule(Rule.deny("no-dangerous-sql").line(23)
                        .description("File access, shell-outs, remote links and sleeps are never allowed.")
                        .sql(SqlCondition.builder().dangerous(true)))
                .rule(Rule.deny("one-statement-per-call").line(27)
                        .description("Every statement is decided and journaled on its own.")
                        .sql(SqlCondition.builder().multiStatement(true)))
                .rule(Rule.requireApproval("refunds-need-approval").line(32)
                        .description("A refund moves money; a person approves each one and the agent says why.")
                        .agents(payments)
                        .sql(SqlCondition.builder().kinds(INSERT, UPDATE).tablesWritten("payments.refunds"))
                        .requireIntent(true))
                .rule(Rule.allow("read-cardholder-data").line(39)
                        .description("Look up a customer's cards and orders; PANs come back masked.")
                        .agents(payments)
                        .sql(SqlCondition.builder().kinds(SELECT)
                                .tablesRead("payments.cards", "payments.orders", "payments.customers"))
                        .rowLimit(100))
                .rule(Rule.allow("read-reference-data").line(48)
                        .description("Currency and country tables are public.")
                        .sql(SqlCondition.builder().kinds(SELECT).tablesRead("ref.*")))
                .rule(Rule.allow("annotate-orders").line(52)
                        .description("Support notes on an order, one order at a time.")
                        .agents(payments)
                        .sql(SqlCondition.builder().kinds(UPDATE).tablesWritten("payments.orders")
                                .columns("orders.id", "orders.support_note")))
                .rule(Rule.allow("transactions").line(57).sql(SqlCondition.builder().kinds(TRANSACTION)))
                .masking(MaskingRules.builder()
                        .hashKey(MaskingKey.of(KEY_BYTES))
                        .partialKeepFirst(6).partialKeepLast(4)
                        .column("*.cards.pan", MaskStrategy.PARTIAL)
                        .column("*.cards.cvv", MaskStrategy.NULL)
                        .column("*.customers.email", MaskStrategy.KEYED_HASH)
                        .build())
                .build();
    }

    @Test
    void fileReadsIntoTheSamePolicyAsItsJavaEquivalent() {
        Policy java = javaEquivalent();

        assertEquals(java.name(), fromFile.name());
        assertEquals(java.description(), fromFile.description());
        assertEquals(java.defaultEffect(), fromFile.defaultEffect());
        assertEquals(java.rowLimit(), fromFile.rowLimit());
        assertEquals(java.rules(), fromFile.rules());
        assertEquals(java.masking().columnRules(), fromFile.masking().columnRules());
        assertEquals(java.masking().detectorStrategies(), fromFile.masking().detectorStrategies());
        assertEquals(java.masking().partialKeepFirst(), fromFile.masking().partialKeepFirst());
        assertEquals(java.masking().partialKeepLast(), fromFile.masking().partialKeepLast());
        assertEquals(java.masking().hasHashKey(), fromFile.masking().hasHashKey());
        assertEquals("Policy[payments-agent, default deny, 10 rules, rowLimit 500]", fromFile.toString());
    }

    @Test
    void expectationsAreReadWithTheirLines() {
        assertEquals(List.of(70, 76, 82, 88, 94, 101), fromFile.expectations().stream().map(PolicyExpectation::line).toList());
        PolicyExpectation refund = fromFile.expectations().get(4);
        assertEquals(new PolicyExpectation("a refund needs a person",
                new AgentIdentity("payments-bot", "alice@example.com", Set.of("payments"), Set.of(), null), Channel.JDBC,
                "INSERT INTO payments.refunds (order_id, amount) VALUES (42, 19.99)", "refund order 42: duplicate charge",
                Effect.REQUIRE_APPROVAL, "refunds-need-approval", 94), refund);
    }

    /** What the SQL analyser reports for each expectation's SQL, keyed by expectation name. */
    private static final Map<String, Action> ANALYSED = Map.of(
            "support reads a customer's cards", Sql.select("payments.cards")
                    .columns("payments.cards.id", "payments.cards.pan", "payments.cards.expiry",
                            "payments.cards.customer_id").action("SELECT id, pan, expiry FROM payments.cards WHERE customer_id = ?"),
            "the CVV is never readable", Sql.select("payments.cards")
                    .columns("payments.cards.cvv", "payments.cards.id").action("SELECT cvv FROM payments.cards WHERE id = ?"),
            "a star read of cards includes the CVV", Sql.select("payments.cards").columns("*")
                    .action("SELECT * FROM payments.cards"),
            "no delete without WHERE", Sql.delete("payments.cards").withoutWhere().action("DELETE FROM payments.cards"),
            "a refund needs a person", Sql.insert("payments.refunds")
                    .columns("payments.refunds.order_id", "payments.refunds.amount")
                    .action("INSERT INTO payments.refunds (order_id, amount) VALUES (?, ?)"),
            "other agents get nothing", Sql.select("payments.customers").columns("payments.customers.email")
                    .action("SELECT email FROM payments.customers"));

    @Test
    void everyExpectationHolds() {
        for (PolicyExpectation e : fromFile.expectations()) {
            Action action = ANALYSED.get(e.name());
            assertNotNull(action, "no analysed statement for " + e.label());

            Verdict v = fromFile.decide(e.agent(), action);

            assertEquals(e.effect() + " by " + e.ruleId(), v.effect() + " by " + v.ruleId(), e.label());
        }
    }

    @Test
    void theJavaEquivalentDecidesAlike() {
        Policy java = javaEquivalent();
        for (PolicyExpectation e : fromFile.expectations()) {
            assertEquals(fromFile.decide(e.agent(), ANALYSED.get(e.name())),
                    java.decide(e.agent(), ANALYSED.get(e.name())), e.label());
        }
    }

    @Test
    void pciScopeDecisions() {
        AgentIdentity agent = AgentIdentity.of("payments-bot", "payments");

        Verdict read = fromFile.decide(agent, Sql.select("payments.cards", "payments.orders").action("?"));
        assertEquals(new Verdict(Effect.ALLOW, "read-cardholder-data", "allowed by rule \"read-cardholder-data\"", 100),
                read);
        assertEquals(500, fromFile.decide(agent, Sql.select("ref.currencies").action("?")).rowLimit());
        assertEquals("default", fromFile.decide(agent,
                Sql.select("payments.cards", "internal.keys").action("SELECT … JOIN internal.keys")).ruleId());
        assertEquals("annotate-orders", fromFile.decide(agent, Sql.update("payments.orders")
                .columns("orders.support_note", "orders.id").action("UPDATE orders SET support_note = ? WHERE id = ?"))
                .ruleId());
        assertEquals("default", fromFile.decide(agent, Sql.update("payments.orders")
                .columns("orders.amount", "orders.id").action("UPDATE orders SET amount = ? WHERE id = ?")).ruleId());
        assertEquals("no-dangerous-sql", fromFile.decide(agent, Sql.select("payments.cards").callsDangerous("pg_sleep")
                .action("SELECT pg_sleep(?) FROM payments.cards")).ruleId());
        assertEquals("no-schema-or-permission-changes", fromFile.decide(agent,
                Sql.statement(StatementKind.DCL).writes("payments.cards").action("GRANT SELECT ON cards TO x")).ruleId());
        assertEquals("transactions", fromFile.decide(agent, Sql.statement(TRANSACTION).action("COMMIT")).ruleId());
    }
}
