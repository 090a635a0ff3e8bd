package dev.agentguard.core.policy;

import dev.agentguard.core.action.Action;
import dev.agentguard.core.action.StatementKind;
import dev.agentguard.core.identity.AgentIdentity;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static dev.agentguard.core.action.StatementKind.DDL;
import static dev.agentguard.core.action.StatementKind.DELETE;
import static dev.agentguard.core.action.StatementKind.INSERT;
import static dev.agentguard.core.action.StatementKind.SELECT;
import static dev.agentguard.core.action.StatementKind.UPDATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a policy decides: rule order, effects, fail-closed rules, patterns, selectors. */
class PolicyDecisionTest {

    static final AgentIdentity PAYMENTS = AgentIdentity.of("payments-bot", "payments");
    static final AgentIdentity REPORTING = AgentIdentity.of("report-bot", "reporting");

    private static Policy.Builder denyByDefault() {
        return Policy.builder().name("test").defaultEffect(Effect.DENY);
    }

    private static SqlCondition.Builder sql() {
        return SqlCondition.builder();
    }

    private static void assertVerdict(Effect effect, String rule, Verdict v) {
        assertEquals(effect + " by " + rule, v.effect() + " by " + v.ruleId(), "verdict, reason: " + v.reason());
    }

    @Nested
    class RuleOrder {

        @Test
        void firstMatchingDenyRuleWinsInFileOrder() {
            Policy p = denyByDefault()
                    .rule(Rule.deny("no-delete").sql(sql().kinds(DELETE)))
                    .rule(Rule.deny("no-delete-without-where").sql(sql().kinds(UPDATE, DELETE).whereMissing(true)))
                    .build();

            Verdict v = p.decide(PAYMENTS, Sql.delete("public.cards").withoutWhere().action("DELETE FROM cards"));

            assertVerdict(Effect.DENY, "no-delete", v);
            assertEquals("DELETE on public.cards", v.reason());
        }

        @Test
        void denyRuleWinsOverAnEarlierAllowRule() {
            Policy p = denyByDefault()
                    .rule(Rule.allow("everything").sql(sql().kinds(DELETE)))
                    .rule(Rule.deny("no-delete-without-where").sql(sql().kinds(UPDATE, DELETE).whereMissing(true)))
                    .build();

            Verdict v = p.decide(PAYMENTS, Sql.delete("public.cards").withoutWhere().action("DELETE FROM cards"));

            assertVerdict(Effect.DENY, "no-delete-without-where", v);
            assertEquals("DELETE without WHERE on public.cards", v.reason());
            assertEquals(0, v.rowLimit());
        }

        @Test
        void requireApprovalWinsOverAllow() {
            Policy p = denyByDefault()
                    .rule(Rule.allow("write-refunds").sql(sql().kinds(INSERT).tablesWritten("refunds")))
                    .rule(Rule.requireApproval("refunds-need-approval").sql(sql().tablesWritten("refunds")))
                    .build();

            Verdict v = p.decide(PAYMENTS, Sql.insert("payments.refunds").action("INSERT INTO refunds VALUES (?)"));

            assertVerdict(Effect.REQUIRE_APPROVAL, "refunds-need-approval", v);
            assertEquals("INSERT on payments.refunds needs approval", v.reason());
            assertFalse(v.allowed());
        }

        @Test
        void denyWinsOverRequireApproval() {
            Policy p = denyByDefault()
                    .rule(Rule.requireApproval("refunds-need-approval").sql(sql().tablesWritten("refunds")))
                    .rule(Rule.deny("no-unbounded-writes").sql(sql().whereMissing(true)))
                    .build();

            Verdict v = p.decide(PAYMENTS, Sql.update("refunds").withoutWhere().action("UPDATE refunds SET x = ?"));

            assertVerdict(Effect.DENY, "no-unbounded-writes", v);
        }

        @Test
        void defaultDenyAppliesWhenNoRuleMatches() {
            Policy p = denyByDefault().rule(Rule.allow("read-orders").sql(sql().kinds(SELECT).tablesRead("orders")))
                    .build();

            Verdict v = p.decide(PAYMENTS, Sql.select("public.cards").action("SELECT * FROM cards"));

            assertVerdict(Effect.DENY, Verdict.DEFAULT_RULE, v);
            assertEquals("no rule allows SELECT on public.cards; the policy default is deny", v.reason());
        }

        @Test
        void defaultAllowAppliesToAnUnderstoodStatement() {
            Policy p = Policy.builder().name("open").defaultEffect(Effect.ALLOW).rowLimit(50).build();

            Verdict v = p.decide(PAYMENTS, Sql.select("orders").action("SELECT * FROM orders"));

            assertVerdict(Effect.ALLOW, Verdict.DEFAULT_RULE, v);
            assertEquals(50, v.rowLimit());
            assertTrue(v.allowed());
        }

        @Test
        void defaultRequireApprovalSendsUnmatchedStatementsForApproval() {
            Policy p = Policy.builder().name("careful").defaultEffect(Effect.REQUIRE_APPROVAL).build();

            Verdict v = p.decide(PAYMENTS, Sql.update("orders").action("UPDATE orders SET a = ? WHERE id = ?"));

            assertVerdict(Effect.REQUIRE_APPROVAL, Verdict.DEFAULT_RULE, v);
            assertEquals("no rule matches UPDATE on orders; the policy default is require-approval", v.reason());
        }

        @Test
        void allowVerdictNamesTheRule() {
            Policy p = denyByDefault().rule(Rule.allow("read-orders").sql(sql().kinds(SELECT).tablesRead("orders")))
                    .build();

            Verdict v = p.decide(PAYMENTS, Sql.select("orders").action("SELECT id FROM orders"));

            assertVerdict(Effect.ALLOW, "read-orders", v);
            assertEquals("allowed by rule \"read-orders\"", v.reason());
        }
    }

    @Nested
    class FailClosed {

        private final Policy broad = denyByDefault().rule(Rule.allow("anything")).build();

        @Test
        void broadAllowNeverAllowsAnUnknownStatement() {
            Verdict v = broad.decide(PAYMENTS, Sql.action("DO $$ ... $$", Sql.unknown()));

            assertVerdict(Effect.DENY, Verdict.DEFAULT_RULE, v);
            assertEquals("no rule allows SQL that could not be understood; the policy default is deny", v.reason());
        }

        @Test
        void broadSqlAllowNeverAllowsAnUnknownStatement() {
            Policy p = denyByDefault().rule(Rule.allow("any-sql").sql(SqlCondition.ANY)).build();

            assertVerdict(Effect.DENY, Verdict.DEFAULT_RULE, p.decide(PAYMENTS, Sql.action("?", Sql.unknown())));
        }

        @Test
        void broadAllowNeverAllowsADangerousForm() {
            Verdict v = broad.decide(PAYMENTS, Sql.select().callsDangerous("pg_read_file")
                    .action("SELECT pg_read_file(?)"));

            assertVerdict(Effect.DENY, Verdict.DEFAULT_RULE, v);
            assertEquals("no rule allows SELECT using dangerous form pg_read_file; the policy default is deny",
                    v.reason());
        }

        @Test
        void broadAllowNeverAllowsAProcedureCall() {
            Verdict v = broad.decide(PAYMENTS, Sql.statement(StatementKind.CALL).action("CALL refund_all()"));

            assertVerdict(Effect.DENY, Verdict.DEFAULT_RULE, v);
            assertEquals("no rule allows CALL; the policy default is deny", v.reason());
        }

        @Test
        void allowRuleThatListsCallAllowsIt() {
            Policy p = denyByDefault().rule(Rule.allow("procedures").sql(sql().kinds(StatementKind.CALL))).build();

            assertVerdict(Effect.ALLOW, "procedures",
                    p.decide(PAYMENTS, Sql.statement(StatementKind.CALL).action("CALL refresh_stats()")));
        }

        @Test
        void defaultAllowNeverCoversAProcedureCall() {
            Policy p = Policy.builder().name("open").defaultEffect(Effect.ALLOW).build();

            Verdict v = p.decide(PAYMENTS, Sql.statement(StatementKind.CALL).action("DO $$ … $$"));

            assertVerdict(Effect.DENY, Verdict.DEFAULT_RULE, v);
            assertEquals("no allow rule lists kind CALL (code whose effect cannot be read from the text); a default of "
                    + "allow never covers it", v.reason());
        }

        @Test
        void allowRuleThatListsUnknownAllowsIt() {
            Policy p = denyByDefault().rule(Rule.allow("trust-unknown").sql(sql().kinds(StatementKind.UNKNOWN)))
                    .build();

            assertVerdict(Effect.ALLOW, "trust-unknown", p.decide(PAYMENTS, Sql.action("?", Sql.unknown())));
        }

        @Test
        void allowRuleThatNamesTheDangerousFunctionAllowsIt() {
            Policy p = denyByDefault().rule(Rule.allow("sleep-ok").sql(sql().kinds(SELECT).functions("pg_sleep")))
                    .build();

            Verdict v = p.decide(PAYMENTS, Sql.select().callsDangerous("pg_sleep").action("SELECT pg_sleep(?)"));

            assertVerdict(Effect.ALLOW, "sleep-ok", v);
        }

        @Test
        void allowRuleThatNamesTheDangerousFormAllowsIt() {
            Policy p = denyByDefault().rule(Rule.allow("export").sql(sql().dangerousForms("into outfile")))
                    .build();

            Verdict v = p.decide(PAYMENTS, Sql.select("orders").dangerousForm("into outfile")
                    .action("SELECT * FROM orders INTO OUTFILE ?"));

            assertVerdict(Effect.ALLOW, "export", v);
        }

        @Test
        void wildcardFunctionPatternDoesNotUnlockADangerousForm() {
            Policy p = denyByDefault().rule(Rule.allow("any-function").sql(sql().functions("*", "pg_*"))).build();

            Verdict v = p.decide(PAYMENTS, Sql.select().callsDangerous("pg_read_file").action("SELECT pg_read_file(?)"));

            assertVerdict(Effect.DENY, Verdict.DEFAULT_RULE, v);
        }

        @Test
        void namingOneDangerousFormDoesNotAllowAnother() {
            Policy p = denyByDefault().rule(Rule.allow("sleep-ok").sql(sql().functions("pg_sleep", "pg_read_file*")))
                    .build();

            Verdict v = p.decide(PAYMENTS, Sql.select().callsDangerous("pg_sleep").callsDangerous("pg_read_file")
                    .action("SELECT pg_sleep(?), pg_read_file(?)"));

            assertVerdict(Effect.DENY, Verdict.DEFAULT_RULE, v);
        }

        @Test
        void defaultAllowNeverCoversUnknownStatements() {
            Policy p = Policy.builder().name("open").defaultEffect(Effect.ALLOW).build();

            Verdict v = p.decide(PAYMENTS, Sql.action("?", Sql.unknown()));

            assertVerdict(Effect.DENY, Verdict.DEFAULT_RULE, v);
            assertEquals("the SQL could not be understood and no allow rule lists kind UNKNOWN; a default of allow "
                    + "never covers it", v.reason());
        }

        @Test
        void defaultAllowNeverCoversDangerousForms() {
            Policy p = Policy.builder().name("open").defaultEffect(Effect.ALLOW).build();

            Verdict v = p.decide(PAYMENTS, Sql.statement(StatementKind.DDL).dangerousForm("create alias")
                    .action("CREATE ALIAS x AS ?"));

            assertVerdict(Effect.DENY, Verdict.DEFAULT_RULE, v);
            assertEquals("no allow rule names the dangerous form of DDL using dangerous form create alias; a default of "
                    + "allow never covers it", v.reason());
        }

        @Test
        void denyRuleOnDangerousMatchesAnyDangerousForm() {
            Policy p = Policy.builder().name("open").defaultEffect(Effect.ALLOW)
                    .rule(Rule.deny("no-dangerous").sql(sql().dangerous(true))).build();

            Verdict v = p.decide(PAYMENTS, Sql.select().dangerousForm("into outfile").action("SELECT ? INTO OUTFILE ?"));

            assertVerdict(Effect.DENY, "no-dangerous", v);
            assertEquals("SELECT using dangerous form into outfile", v.reason());
        }

        @Test
        void allowRuleCannotAllowEveryDangerousForm() {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> Rule.allow("yolo").sql(sql().dangerous(true)).build());

            assertEquals("rule \"yolo\": an allow rule cannot allow every dangerous form at once (dangerous: true); "
                    + "name the forms it allows in dangerousForms or functions", e.getMessage());
        }
    }

    @Nested
    class Tables {

        @Test
        void schemaLessPatternMatchesAnySchema() {
            Policy p = denyByDefault().rule(Rule.deny("no-cards").sql(sql().tables("cards"))).build();

            assertVerdict(Effect.DENY, "no-cards", p.decide(PAYMENTS, Sql.select("public.cards").action("?")));
            assertVerdict(Effect.DENY, "no-cards", p.decide(PAYMENTS, Sql.select("billing.cards").action("?")));
            assertVerdict(Effect.DENY, "no-cards", p.decide(PAYMENTS, Sql.select("cards").action("?")));
        }

        @Test
        void schemaQualifiedPatternAlsoMatchesAnUnqualifiedName() {
            Policy p = Policy.builder().name("open").defaultEffect(Effect.ALLOW)
                    .rule(Rule.deny("no-cards").sql(sql().tables("public.cards"))).build();

            assertVerdict(Effect.DENY, "no-cards", p.decide(PAYMENTS, Sql.select("cards").action("?")));
        }

        @Test
        void schemaQualifiedPatternDoesNotMatchAnotherSchema() {
            Policy p = Policy.builder().name("open").defaultEffect(Effect.ALLOW)
                    .rule(Rule.deny("no-cards").sql(sql().tables("public.cards"))).build();

            assertVerdict(Effect.ALLOW, Verdict.DEFAULT_RULE, p.decide(PAYMENTS, Sql.select("archive.cards").action("?")));
        }

        @Test
        void patternsAreCaseInsensitiveGlobs() {
            Policy p = Policy.builder().name("open").defaultEffect(Effect.ALLOW)
                    .rule(Rule.deny("no-card-tables").sql(sql().tables("PUBLIC.Card*"))).build();

            assertVerdict(Effect.DENY, "no-card-tables", p.decide(PAYMENTS, Sql.select("public.CARDS").action("?")));
            assertVerdict(Effect.DENY, "no-card-tables", p.decide(PAYMENTS, Sql.select("public.card_tokens").action("?")));
            assertVerdict(Effect.ALLOW, Verdict.DEFAULT_RULE, p.decide(PAYMENTS, Sql.select("public.orders").action("?")));
        }

        @Test
        void tablesReadOnlyMatchesReads() {
            Policy p = Policy.builder().name("open").defaultEffect(Effect.ALLOW)
                    .rule(Rule.deny("no-card-reads").sql(sql().tablesRead("cards"))).build();

            assertVerdict(Effect.ALLOW, Verdict.DEFAULT_RULE, p.decide(PAYMENTS, Sql.insert("cards").action("?")));
            assertVerdict(Effect.DENY, "no-card-reads",
                    p.decide(PAYMENTS, Sql.insert("orders").reads("cards").action("INSERT INTO orders SELECT …")));
        }

        @Test
        void allowRuleConfinesReadsToItsTables() {
            Policy p = denyByDefault()
                    .rule(Rule.allow("read-cards").sql(sql().kinds(SELECT).tablesRead("cards", "orders"))).build();

            assertVerdict(Effect.ALLOW, "read-cards", p.decide(PAYMENTS, Sql.select("cards", "orders").action("?")));
            assertVerdict(Effect.DENY, Verdict.DEFAULT_RULE,
                    p.decide(PAYMENTS, Sql.select("cards", "secrets").action("SELECT … FROM cards JOIN secrets")));
        }

        @Test
        void allowRuleWithOnlyTablesReadAllowsNoWrites() {
            Policy p = denyByDefault().rule(Rule.allow("read-cards").sql(sql().tablesRead("cards"))).build();

            assertVerdict(Effect.DENY, Verdict.DEFAULT_RULE,
                    p.decide(PAYMENTS, Sql.insert("cards").action("INSERT INTO cards VALUES (?)")));
        }

        @Test
        void allowRuleForWritesMayReadTheTablesItWrites() {
            Policy p = denyByDefault()
                    .rule(Rule.allow("fix-orders").sql(sql().kinds(UPDATE).tablesWritten("orders"))).build();

            assertVerdict(Effect.ALLOW, "fix-orders",
                    p.decide(PAYMENTS, Sql.update("orders").reads("orders").action("UPDATE orders SET … WHERE …")));
            assertVerdict(Effect.DENY, Verdict.DEFAULT_RULE,
                    p.decide(PAYMENTS, Sql.update("orders").reads("cards").action("UPDATE orders SET x = (SELECT …)")));
        }
    }

    @Nested
    class Columns {

        private final Policy noCvv = Policy.builder().name("open").defaultEffect(Effect.ALLOW)
                .rule(Rule.deny("no-cvv").sql(sql().columns("cards.cvv"))).build();

        @Test
        void columnDenyMatchesTheColumn() {
            Verdict v = noCvv.decide(PAYMENTS, Sql.select("public.cards").columns("public.cards.cvv").action("?"));

            assertVerdict(Effect.DENY, "no-cvv", v);
            assertEquals("SELECT on public.cards; reads column public.cards.cvv", v.reason());
        }

        @Test
        void columnDenyMatchesAStarReadOfThatTable() {
            Verdict v = noCvv.decide(PAYMENTS, Sql.select("cards").columns("cards.*").action("SELECT c.* FROM cards c"));

            assertVerdict(Effect.DENY, "no-cvv", v);
            assertEquals("SELECT on cards; reads column cards.*", v.reason());
        }

        @Test
        void columnDenyMatchesABareStarOverATableItReads() {
            Verdict v = noCvv.decide(PAYMENTS, Sql.select("public.cards").columns("*").action("SELECT * FROM cards"));

            assertVerdict(Effect.DENY, "no-cvv", v);
            assertEquals("SELECT on public.cards; reads column public.cards.*", v.reason());
        }

        @Test
        void columnDenyIgnoresStarReadsOfOtherTables() {
            assertVerdict(Effect.ALLOW, Verdict.DEFAULT_RULE,
                    noCvv.decide(PAYMENTS, Sql.select("orders").columns("*").action("SELECT * FROM orders")));
            assertVerdict(Effect.ALLOW, Verdict.DEFAULT_RULE,
                    noCvv.decide(PAYMENTS, Sql.select("orders").columns("orders.*").action("SELECT o.* FROM orders o")));
        }

        @Test
        void columnDenyMatchesTheColumnThroughAnExpressionTheAnalyserResolved() {
            // SELECT upper(c.cvv) AS x FROM cards c: the analyser reports cards.cvv.
            assertVerdict(Effect.DENY, "no-cvv", noCvv.decide(PAYMENTS,
                    Sql.select("cards").columns("cards.cvv").calls("upper").action("SELECT upper(c.cvv) AS x FROM cards c")));
        }

        @Test
        void columnDenyMatchesABareColumnNameWhoseTableIsUnknown() {
            assertVerdict(Effect.DENY, "no-cvv", noCvv.decide(PAYMENTS, Sql.select("cards", "orders").columns("cvv")
                    .action("SELECT cvv FROM cards, orders")));
        }

        @Test
        void columnOnlyPatternMatchesEveryStarRead() {
            Policy p = Policy.builder().name("open").defaultEffect(Effect.ALLOW)
                    .rule(Rule.deny("no-cvv-anywhere").sql(sql().columns("cvv"))).build();

            assertVerdict(Effect.DENY, "no-cvv-anywhere",
                    p.decide(PAYMENTS, Sql.select("orders").columns("*").action("SELECT * FROM orders")));
        }

        @Test
        void allowWithColumnsDoesNotCoverAStarRead() {
            Policy p = denyByDefault().rule(Rule.allow("masked-card-view")
                    .sql(sql().kinds(SELECT).tablesRead("cards").columns("cards.id", "cards.pan"))).build();

            assertVerdict(Effect.ALLOW, "masked-card-view",
                    p.decide(PAYMENTS, Sql.select("cards").columns("cards.id", "cards.pan").action("?")));
            assertVerdict(Effect.DENY, Verdict.DEFAULT_RULE,
                    p.decide(PAYMENTS, Sql.select("cards").columns("*").action("SELECT * FROM cards")));
            assertVerdict(Effect.DENY, Verdict.DEFAULT_RULE,
                    p.decide(PAYMENTS, Sql.select("cards").columns("cards.cvv").action("?")));
        }

        @Test
        void allowWithAStarColumnPatternCoversAStarRead() {
            Policy p = denyByDefault().rule(Rule.allow("orders").sql(sql().columns("orders.*"))).build();

            assertVerdict(Effect.ALLOW, "orders",
                    p.decide(PAYMENTS, Sql.select("orders").columns("*").action("SELECT * FROM orders")));
            assertVerdict(Effect.DENY, Verdict.DEFAULT_RULE,
                    p.decide(PAYMENTS, Sql.select("cards").columns("*").action("SELECT * FROM cards")));
        }
    }

    @Nested
    class Agents {

        private final Policy p = denyByDefault()
                .rule(Rule.allow("payments-read").agents(AgentSelector.roles("payments")).sql(sql().kinds(SELECT)))
                .rule(Rule.allow("scoped-read").agents(AgentSelector.scopes("orders:read")).sql(sql().kinds(SELECT)))
                .rule(Rule.allow("batch-jobs").agents(AgentSelector.ids("batch-*")).sql(sql().kinds(DELETE)))
                .build();

        @Test
        void roleSelectorSelectsAgentsWithTheRole() {
            assertVerdict(Effect.ALLOW, "payments-read", p.decide(PAYMENTS, Sql.select("orders").action("?")));
            assertVerdict(Effect.DENY, Verdict.DEFAULT_RULE, p.decide(REPORTING, Sql.select("orders").action("?")));
        }

        @Test
        void scopeSelectorSelectsAgentsWithTheScope() {
            AgentIdentity scoped = new AgentIdentity("crm-bot", null, Set.of(), Set.of("orders:read"), null);

            assertVerdict(Effect.ALLOW, "scoped-read", p.decide(scoped, Sql.select("orders").action("?")));
        }

        @Test
        void idSelectorIsACaseInsensitiveGlobOverTheWholeId() {
            assertVerdict(Effect.ALLOW, "batch-jobs",
                    p.decide(AgentIdentity.of("Batch-Nightly"), Sql.delete("sessions").action("?")));
            assertVerdict(Effect.DENY, Verdict.DEFAULT_RULE,
                    p.decide(AgentIdentity.of("not-batch-nightly"), Sql.delete("sessions").action("?")));
        }

        @Test
        void selectorNeedsEveryListedDimension() {
            Policy both = denyByDefault().rule(Rule.allow("payments-bots")
                    .agents(AgentSelector.ids("payments-*").andRoles("payments"))).build();

            assertVerdict(Effect.ALLOW, "payments-bots", both.decide(PAYMENTS, Sql.select("t").action("?")));
            assertVerdict(Effect.DENY, Verdict.DEFAULT_RULE,
                    both.decide(AgentIdentity.of("payments-intruder"), Sql.select("t").action("?")));
            assertVerdict(Effect.DENY, Verdict.DEFAULT_RULE,
                    both.decide(AgentIdentity.of("other", "payments"), Sql.select("t").action("?")));
        }

        @Test
        void denyRuleForOtherAgentsDoesNotApply() {
            Policy q = Policy.builder().name("open").defaultEffect(Effect.ALLOW)
                    .rule(Rule.deny("reporting-no-cards").agents(AgentSelector.roles("reporting")).sql(sql().tables("cards")))
                    .build();

            assertVerdict(Effect.ALLOW, Verdict.DEFAULT_RULE, q.decide(PAYMENTS, Sql.select("cards").action("?")));
            assertVerdict(Effect.DENY, "reporting-no-cards", q.decide(REPORTING, Sql.select("cards").action("?")));
        }
    }

    @Nested
    class MultiStatement {

        private final Policy p = denyByDefault()
                .rule(Rule.deny("no-ddl").sql(sql().kinds(DDL)))
                .rule(Rule.requireApproval("refunds").sql(sql().tablesWritten("refunds")))
                .rule(Rule.allow("read").sql(sql().kinds(SELECT)).rowLimit(100))
                .rule(Rule.allow("read-small").sql(sql().kinds(SELECT).tablesRead("cards")).rowLimit(10))
                .build();

        @Test
        void theStrictestStatementDecidesTheAction() {
            Action a = Sql.action("SELECT 1; DROP TABLE cards", Sql.select().build(),
                    Sql.statement(DDL).writes("cards").build());

            Verdict v = p.decide(PAYMENTS, a);

            assertVerdict(Effect.DENY, "no-ddl", v);
            assertEquals("DDL on cards", v.reason());
        }

        @Test
        void approvalOfOneStatementOutranksAllowOfAnother() {
            Action a = Sql.action("SELECT …; INSERT INTO refunds …", Sql.select("orders").build(),
                    Sql.insert("refunds").build());

            assertVerdict(Effect.REQUIRE_APPROVAL, "refunds", p.decide(PAYMENTS, a));
        }

        @Test
        void anUnknownStatementAmongAllowedOnesDeniesTheAction() {
            Action a = Sql.action("SELECT 1; ???", Sql.select().build(), Sql.unknown());

            assertVerdict(Effect.DENY, Verdict.DEFAULT_RULE, p.decide(PAYMENTS, a));
        }

        @Test
        void allowedStatementsTakeTheSmallestRowLimit() {
            Action a = Sql.action("SELECT …; SELECT …", Sql.select("orders").build(), Sql.select("cards").build());

            Verdict v = p.decide(PAYMENTS, a);

            assertVerdict(Effect.ALLOW, "read", v);
            assertEquals(10, v.rowLimit());
        }

        @Test
        void multiStatementConditionMatchesOnlyCallsWithSeveralStatements() {
            Policy q = Policy.builder().name("open").defaultEffect(Effect.ALLOW)
                    .rule(Rule.deny("one-at-a-time").sql(sql().multiStatement(true))).build();

            assertVerdict(Effect.ALLOW, Verdict.DEFAULT_RULE, q.decide(PAYMENTS, Sql.select("t").action("?")));
            Verdict v = q.decide(PAYMENTS, Sql.action("?; ?", Sql.select("t").build(), Sql.select("u").build()));
            assertVerdict(Effect.DENY, "one-at-a-time", v);
            assertEquals("SELECT on t; one of 2 statements in one call", v.reason());
        }
    }

    @Nested
    class RowLimits {

        @Test
        void smallestLimitAmongMatchingAllowRulesApplies() {
            Policy p = denyByDefault().rowLimit(1000)
                    .rule(Rule.allow("read").sql(sql().kinds(SELECT)).rowLimit(500))
                    .rule(Rule.allow("read-cards").sql(sql().tablesRead("cards")).rowLimit(20))
                    .build();

            Verdict v = p.decide(PAYMENTS, Sql.select("cards").action("?"));

            assertVerdict(Effect.ALLOW, "read", v);
            assertEquals(20, v.rowLimit());
        }

        @Test
        void policyLimitAppliesWhenNoMatchingRuleSetsOne() {
            Policy p = denyByDefault().rowLimit(1000).rule(Rule.allow("read").sql(sql().kinds(SELECT))).build();

            assertEquals(1000, p.decide(PAYMENTS, Sql.select("cards").action("?")).rowLimit());
        }

        @Test
        void aRuleLimitOverridesThePolicyLimit() {
            Policy p = denyByDefault().rowLimit(100)
                    .rule(Rule.allow("export").agents(AgentSelector.roles("reporting")).rowLimit(5000))
                    .build();

            assertEquals(5000, p.decide(REPORTING, Sql.select("orders").action("?")).rowLimit());
        }

        @Test
        void approvalVerdictCarriesTheLimitTheStatementWouldBeAllowedWith() {
            Policy p = denyByDefault().rowLimit(1000)
                    .rule(Rule.requireApproval("card-reads").sql(sql().tablesRead("cards")))
                    .rule(Rule.allow("read").sql(sql().kinds(SELECT)).rowLimit(50))
                    .build();

            Verdict v = p.decide(PAYMENTS, Sql.select("cards").action("?"));

            assertVerdict(Effect.REQUIRE_APPROVAL, "card-reads", v);
            assertEquals(50, v.rowLimit());
        }

        @Test
        void allowVerdictIsSharedWhenNoRuleNarrowsTheLimit() {
            Policy p = denyByDefault().rule(Rule.allow("read").sql(sql().kinds(SELECT))).build();

            assertSame(p.decide(PAYMENTS, Sql.select("a").action("?")), p.decide(PAYMENTS, Sql.select("b").action("?")));
        }
    }

    @Nested
    class Functions {

        @Test
        void denyOnAFunctionMatchesSchemaQualifiedCalls() {
            Policy p = Policy.builder().name("open").defaultEffect(Effect.ALLOW)
                    .rule(Rule.deny("no-dblink").sql(sql().functions("dblink*"))).build();

            Verdict v = p.decide(PAYMENTS, Sql.select().calls("public.dblink_exec").action("SELECT dblink_exec(?)"));

            assertVerdict(Effect.DENY, "no-dblink", v);
            assertEquals("SELECT; calls function public.dblink_exec", v.reason());
        }

        @Test
        void allowWithFunctionsConfinesCallsToThem() {
            Policy p = denyByDefault().rule(Rule.allow("counts").sql(sql().kinds(SELECT).functions("count", "sum")))
                    .build();

            assertVerdict(Effect.ALLOW, "counts", p.decide(PAYMENTS, Sql.select("t").calls("count").action("?")));
            assertVerdict(Effect.DENY, Verdict.DEFAULT_RULE,
                    p.decide(PAYMENTS, Sql.select("t").calls("count", "md5").action("?")));
        }
    }

    @Nested
    class People {

        @Test
        void selectsRulesByThePersonTheAgentActsFor() {
            Policy p = denyByDefault()
                    .rule(Rule.allow("staff-reads").agents(AgentSelector.roles("payments").actingFor("*@example.com"))
                            .sql(sql().kinds(SELECT)))
                    .build();

            assertVerdict(Effect.ALLOW, "staff-reads",
                    p.decide(PAYMENTS.actingFor("Alice@Example.com"), Sql.select("cards").action("?")));
            assertVerdict(Effect.DENY, Verdict.DEFAULT_RULE,
                    p.decide(PAYMENTS.actingFor("mallory@evil.example"), Sql.select("cards").action("?")));
            // An agent acting for nobody does not match a rule about the person.
            assertVerdict(Effect.DENY, Verdict.DEFAULT_RULE, p.decide(PAYMENTS, Sql.select("cards").action("?")));
        }

        @Test
        void refusesASharedAgentIdWhateverItAsks() {
            Policy p = Policy.builder().name("open").defaultEffect(Effect.ALLOW).sharedAgentIds("admin", "Service")
                    .rule(Rule.allow("everything").sql(sql().kinds(SELECT))).build();

            Verdict v = p.decide(AgentIdentity.of("SERVICE", "payments"), Sql.select("cards").action("?"));

            assertVerdict(Effect.DENY, Policy.SHARED_AGENT_RULE, v);
            assertEquals("agent id \"SERVICE\" is a shared or generic id, which the policy refuses: give every agent its "
                    + "own identity (PCI DSS 8.2.1)", v.reason());
            assertVerdict(Effect.ALLOW, "everything", p.decide(PAYMENTS, Sql.select("cards").action("?")));
            // A full-width or invisibly padded twin is the same id.
            assertVerdict(Effect.DENY, Policy.SHARED_AGENT_RULE,
                    p.decide(AgentIdentity.of("\uFF41dmin\u200B", "payments"), Sql.select("cards").action("?")));
        }
    }
}
