package dev.agentguard.samples;

import dev.agentguard.audit.Channel;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.action.HttpAction;
import dev.agentguard.core.action.SshAction;
import dev.agentguard.core.policy.Effect;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.core.policy.PolicyExpectation;
import dev.agentguard.core.policy.Rule;
import dev.agentguard.core.policy.Verdict;
import dev.agentguard.jdbc.sql.AnalyzedSql;
import dev.agentguard.jdbc.sql.SqlAnalyzer;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The sample's policy file holds what its expectations say, decided as the guarded DataSource
 * and HttpClient decide (what {@code agentguard policy test} checks), so a rule change that breaks the sample
 * fails here too.
 */
class PaymentsPolicyTest {

    private static final Path FILE = Path.of("src/main/resources/payments-policy.yaml");

    @Test
    void everyExpectationInThePolicyFileHolds() throws Exception {
        Policy policy = Policy.load(FILE);
        SqlAnalyzer analyzer = SqlAnalyzer.builder().build();
        assertFalse(policy.expectations().isEmpty(), "the sample policy has expectations");
        for (PolicyExpectation e : policy.expectations()) {
            Action action;
            if (e.channel() == Channel.SSH) {
                SshAction command = e.sshAction();
                action = new Action(Channel.SSH, PaymentsAgent.HOST_NAME, e.action(), command);
            } else if (e.channel() == Channel.HTTP) {
                HttpAction request = HttpAction.ofRequestLine(e.action());
                action = new Action(Channel.HTTP, PaymentsAgent.API_NAME, request.describe(), request);
            } else {
                AnalyzedSql sql = analyzer.analyze(e.action());
                action = new Action(Channel.JDBC, PaymentsAgent.DATA_SOURCE_NAME, sql.redactedSql(), sql.action());
            }
            Verdict verdict = policy.decide(e.agent(), action);
            String where = FILE + ":" + e.line() + " " + e.label() + ": " + verdict;
            assertEquals(e.effect(), verdict.effect(), where);
            if (e.ruleId() != null) {
                assertEquals(e.ruleId(), verdict.ruleId(), where);
            }
        }
    }

    @Test
    void everyRuleHasAnExpectationThatNamesIt() throws Exception {
        Policy policy = Policy.load(FILE);
        Set<String> tested = policy.expectations().stream().map(PolicyExpectation::ruleId).collect(Collectors.toSet());
        List<String> untested = policy.rules().stream().map(Rule::id).filter(id -> !tested.contains(id)).toList();
        assertEquals(List.of(), untested, "rules of " + FILE + " no expectation names");
    }

    @Test
    void theSampleRunsUnderTheFileItShips() throws Exception {
        // The jar reads the policy from the classpath; it must be this file, not a stale copy.
        try (InputStream in = PaymentsAgent.class.getResourceAsStream(PaymentsAgent.POLICY_RESOURCE)) {
            assertEquals(Files.readString(FILE), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals(Effect.DENY, Policy.load(FILE).defaultEffect());
    }
}
