package dev.agentguard.cli;

import dev.agentguard.audit.Channel;
import dev.agentguard.core.action.HttpAction;
import dev.agentguard.core.policy.Effect;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.core.policy.PolicyExpectation;
import dev.agentguard.core.policy.Verdict;
import dev.agentguard.jdbc.sql.SqlAnalyzer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code agentguard policy test}: runs the expectations written beside a policy's rules, like
 * unit tests for the policy, so that a compliance team can change a rule and see at once what
 * it breaks.
 */
@Command(name = "test",
        mixinStandardHelpOptions = true,
        description = {
                "Runs the expectations written beside the rules of a policy file.",
                "Decides the SQL, HTTP request or SSH command line of each expectation under 'expect:' for its "
                        + "agent, as the guarded DataSource, HttpClient or SSH client would, and compares the effect and, when the expectation names one, the rule.",
                "Prints PASS or FAIL per expectation with its line (a failure also shows the expected and actual "
                        + "effect, rule and reason), then 'N expectations, M failed'.",
                "Exit code 0 when every expectation holds, 1 when one fails, 2 when the file is malformed or has "
                        + "no expectations."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  agentguard policy test pci.yaml",
                "  agentguard policy test pci.yaml --json"})
final class PolicyTestCommand extends ToolCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "The policy file (YAML, see docs/policy.md).")
    Path policyFile;

    /** One expectation's outcome; {@code verdict} is null when the expectation could not be decided. */
    private record Result(PolicyExpectation expectation, String text, Verdict verdict, String notDecided) {
        boolean passed() {
            return verdict != null && verdict.effect() == expectation.effect()
                    && (expectation.ruleId() == null || expectation.ruleId().equals(verdict.ruleId()));
        }
    }

    @Override
    int run() throws Exception {
        Policy policy = Policy.load(policyFile);
        List<PolicyExpectation> expectations = policy.expectations();
        if (expectations.isEmpty()) {
            throw new InputException(policyFile + ": the policy has no expectations to test; write them under "
                    + "'expect:' beside the rules (agent, sql, effect and optionally rule; see docs/policy.md)");
        }
        SqlAnalyzer analyzer = SqlAnalyzer.builder().build();
        List<Result> results = new ArrayList<>();
        int failed = 0;
        for (PolicyExpectation e : expectations) {
            Result r = decide(policy, analyzer, e);
            results.add(r);
            if (!r.passed()) {
                failed++;
            }
        }
        if (json()) {
            out().println(Json.object(toJson(policy, results, failed)));
        } else {
            for (Result r : results) {
                print(r, out());
            }
            out().println(results.size() + (results.size() == 1 ? " expectation, " : " expectations, ") + failed
                    + " failed");
        }
        return failed == 0 ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
    }

    private static Result decide(Policy policy, SqlAnalyzer analyzer, PolicyExpectation e) {
        if (e.channel() == Channel.HTTP) {
            CheckedRequest check = CheckedRequest.decide(policy, e.agent(), HttpAction.ofRequestLine(e.action()));
            return new Result(e, check.text(), check.verdict(), null);
        }
        if (e.channel() == Channel.SSH) {
            CheckedCommand check = CheckedCommand.decide(policy, e.agent(), e.sshAction(), e.action());
            return new Result(e, check.action().host() + ": " + check.text(), check.verdict(), null);
        }
        if (e.channel() != Channel.JDBC) {
            // Fail rather than skip: an expectation nobody checks would look like a passing one.
            return new Result(e, e.channel().name() + " action", null, "this version of agentguard decides SQL, "
                    + "HTTP and SSH expectations only");
        }
        CheckedAction check = CheckedAction.sql(policy, analyzer, e.agent(), e.action());
        return new Result(e, check.text(), check.verdict(), null);
    }

    private void print(Result r, PrintWriter out) {
        PolicyExpectation e = r.expectation();
        String where = policyFile + ":" + e.line();
        if (r.passed()) {
            out.println("PASS  " + where + "  " + SafeText.escape(label(r)) + ": "
                    + outcome(r.verdict().effect(), r.verdict().ruleId()));
            return;
        }
        out.println("FAIL  " + where + "  " + SafeText.escape(label(r)));
        if (e.name() != null) {
            String kind = e.channel() == Channel.HTTP ? "http" : e.channel() == Channel.SSH ? "command" : "sql";
            out.println("      " + String.format("%-10s", kind) + SafeText.escape(r.text()));
        }
        out.println("      expected  " + outcome(e.effect(), e.ruleId()));
        if (r.verdict() == null) {
            out.println("      actual    not decided: " + r.notDecided());
        } else {
            out.println("      actual    " + outcome(r.verdict().effect(), r.verdict().ruleId()) + ": "
                    + SafeText.escape(r.verdict().reason()));
        }
    }

    /** The expectation's name, else its agent and (redacted) SQL; never the SQL as written, which may hold literals. */
    private static String label(Result r) {
        PolicyExpectation e = r.expectation();
        return e.name() != null ? e.name() : e.agent().agentId() + ": " + r.text();
    }

    /** "deny by rule no-cvv", "allow by the policy default", "deny (any rule)". */
    private static String outcome(Effect effect, String ruleId) {
        if (ruleId == null) {
            return effect.fileName() + " (any rule)";
        }
        if (ruleId.equals(Verdict.DEFAULT_RULE)) {
            return effect.fileName() + " by the policy default";
        }
        return effect.fileName() + " by rule " + SafeText.escape(ruleId);
    }

    private Map<String, Object> toJson(Policy policy, List<Result> results, int failed) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("policy", policy.name());
        o.put("file", policyFile.toString());
        o.put("expectations", results.size());
        o.put("failed", failed);
        List<Object> list = new ArrayList<>();
        for (Result r : results) {
            PolicyExpectation e = r.expectation();
            Map<String, Object> ro = new LinkedHashMap<>();
            ro.put("line", e.line());
            if (e.name() != null) {
                ro.put("name", e.name());
            }
            ro.put("agent", PolicyCheckCommand.agentJson(e.agent()));
            ro.put(e.channel() == Channel.HTTP ? "http" : e.channel() == Channel.SSH ? "ssh" : "sql", r.text());
            ro.put("passed", r.passed());
            Map<String, Object> expected = new LinkedHashMap<>();
            expected.put("effect", e.effect().fileName());
            if (e.ruleId() != null) {
                expected.put("rule", e.ruleId());
            }
            ro.put("expected", expected);
            Map<String, Object> actual = new LinkedHashMap<>();
            if (r.verdict() == null) {
                actual.put("notDecided", r.notDecided());
            } else {
                actual.put("effect", r.verdict().effect().fileName());
                actual.put("rule", r.verdict().ruleId());
                actual.put("reason", r.verdict().reason());
            }
            ro.put("actual", actual);
            list.add(ro);
        }
        o.put("results", list);
        return o;
    }

    @Override
    Path resource() {
        return policyFile;
    }

    @Override
    boolean recordedInAccessJournal() {
        return false;
    }
}
