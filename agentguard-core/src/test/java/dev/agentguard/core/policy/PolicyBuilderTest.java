package dev.agentguard.core.policy;

import dev.agentguard.core.identity.AgentIdentity;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The Java builder checks what the file reader checks, with the same messages. */
class PolicyBuilderTest {

    @Test
    void aPolicyNeedsANameAndADefault() {
        assertEquals("policy name is not set: call name(\"payments-agent\") or similar",
                assertThrows(IllegalStateException.class, () -> Policy.builder().defaultEffect(Effect.DENY).build())
                        .getMessage());
        assertEquals("policy \"p\" has no default: call defaultEffect(Effect.DENY) (recommended) or another effect, so "
                + "that what no rule matches is decided on purpose",
                assertThrows(IllegalStateException.class, () -> Policy.builder().name("p").build()).getMessage());
    }

    @Test
    void ruleIdsAreUnique() {
        Policy.Builder b = Policy.builder().name("p").defaultEffect(Effect.DENY).rule(Rule.allow("read"));

        assertEquals("duplicate rule id \"read\": every rule needs its own id, since verdicts and journal events name it",
                assertThrows(IllegalArgumentException.class, () -> b.rule(Rule.deny("read"))).getMessage());
    }

    @Test
    void ruleIdsHaveAPlainFormAndAreNotReserved() {
        assertEquals("rule id \"no deletes\" is not allowed: use 1 to 100 letters, digits, '-', '_', '.' or ':', "
                + "starting with a letter or digit",
                assertThrows(IllegalArgumentException.class, () -> Rule.deny("no deletes").build()).getMessage());
        assertEquals("rule id \"policy-error\" is reserved for verdicts the policy makes itself; choose another id",
                assertThrows(IllegalArgumentException.class, () -> Rule.deny("policy-error").build()).getMessage());
    }

    @Test
    void rowLimitBelongsToAllowRulesAndRequireIntentToApprovalRules() {
        assertEquals("rule \"r\": rowLimit applies to allow rules only; this rule is a deny rule: remove rowLimit or "
                + "set it on the allow rule",
                assertThrows(IllegalArgumentException.class, () -> Rule.deny("r").rowLimit(5).build()).getMessage());
        assertEquals("rule \"r\": requireIntent applies to require-approval rules only; this rule is an allow rule: "
                + "remove requireIntent",
                assertThrows(IllegalArgumentException.class, () -> Rule.allow("r").requireIntent(true).build())
                        .getMessage());
        assertEquals("rowLimit must be 0 (no limit) or positive, got -1",
                assertThrows(IllegalArgumentException.class, () -> Policy.builder().rowLimit(-1)).getMessage());
    }

    @Test
    void conditionPatternsAreCheckedWhenBuilt() {
        assertEquals("column pattern \"cards..cvv\" has an empty part; write names separated by single dots, such as "
                + "public.cards", assertThrows(IllegalArgumentException.class,
                () -> SqlCondition.builder().columns("cards..cvv").build()).getMessage());
    }

    @Test
    void expectationsMustNameARuleOfThePolicy() {
        Policy.Builder b = Policy.builder().name("p").defaultEffect(Effect.DENY).rule(Rule.allow("read"))
                .expectation(PolicyExpectation.sql(AgentIdentity.of("bot"), "SELECT 1", Effect.ALLOW, "reed"));

        assertEquals("expectation for agent bot names rule \"reed\", which the policy does not define; use one of its "
                + "rule ids or \"default\"", assertThrows(IllegalStateException.class, b::build).getMessage());
    }

    @Test
    void aBuiltPolicyIsImmutable() {
        Policy p = Policy.builder().name("p").defaultEffect(Effect.DENY).rule(Rule.allow("read")).build();

        assertThrows(UnsupportedOperationException.class, () -> p.rules().add(Rule.deny("x").build()));
        assertEquals(List.of("read"), p.rules().stream().map(Rule::id).toList());
        assertEquals("read", p.rule("read").orElseThrow().id());
    }

    @Test
    void selectorsDescribeThemselves() {
        assertEquals("any agent", AgentSelector.ANY.toString());
        assertEquals("ids [batch-*] and roles [ops]", AgentSelector.ids("batch-*").andRoles("ops").toString());
    }
}
