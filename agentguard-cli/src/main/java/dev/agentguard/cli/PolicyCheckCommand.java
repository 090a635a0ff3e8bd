package dev.agentguard.cli;

import dev.agentguard.core.action.SqlStatement;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.policy.Effect;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.core.policy.Verdict;
import dev.agentguard.jdbc.sql.SqlAnalyzer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code agentguard policy check}: decides SQL with a policy file for an agent, as the guarded
 * DataSource would, and says what the result would mask. Touches no database.
 */
@Command(name = "check",
        mixinStandardHelpOptions = true,
        description = {
                "Decides SQL with a policy for an agent, as the guarded DataSource would.",
                "Touches no database. For each SQL argument, prints the decision (allowed, denied, approval "
                        + "required), the rule and its reason, each statement's kind and tables, and what the "
                        + "result would mask: the result columns a column rule covers, and the text detectors "
                        + "applied to every text value.",
                "SQL is printed as the journal shows it, every literal replaced by '?'.",
                "Several SQL arguments are decided one by one; the exit code is the strictest "
                        + "(3 if any is denied, else 4 if any needs approval, else 0)."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  agentguard policy check --policy pci.yaml --agent bot 'DELETE FROM cards'",
                "  agentguard policy check --policy pci.yaml --agent bot --role payments \\",
                "      'SELECT pan, cvv AS c FROM cards' 'DELETE FROM cards WHERE id = 7'",
                "  agentguard policy check --policy pci.yaml --agent bot --scope cards:read \\",
                "      --on-behalf-of alice --json 'SELECT pan FROM cards'"})
final class PolicyCheckCommand extends ToolCommand {
    @Option(names = "--policy", paramLabel = "FILE", required = true,
            description = "The policy file (YAML, see docs/policy.md).")
    Path policyFile;

    @Mixin
    AgentOptions agent;

    // What to decide. Only SQL so far; HTTP requests (--http METHOD URL) and SSH commands
    // (--ssh HOST COMMAND) arrive with their channels and will join SQL as alternatives here.
    @Parameters(paramLabel = "SQL", arity = "1..*",
            description = "SQL to decide: one or more statements per argument, as the agent would send them.")
    List<String> sql;

    @Override
    int run() throws Exception {
        AgentIdentity identity = agent.identity();
        for (int i = 0; i < sql.size(); i++) {
            if (sql.get(i).isBlank()) {
                throw new InputException("SQL argument " + (i + 1) + " is empty; give the statement to decide, "
                        + "e.g. 'SELECT pan FROM cards'");
            }
        }
        Policy policy = Policy.load(policyFile);
        SqlAnalyzer analyzer = SqlAnalyzer.builder().build();
        List<CheckedAction> checks = new ArrayList<>();
        Effect strictest = Effect.ALLOW;
        for (String text : sql) {
            CheckedAction check = CheckedAction.sql(policy, analyzer, identity, text);
            checks.add(check);
            if (check.verdict().effect().strictness() > strictest.strictness()) {
                strictest = check.verdict().effect();
            }
        }
        int exitCode = CheckedAction.exitCode(strictest);
        if (json()) {
            out().println(Json.object(toJson(policy, identity, strictest, exitCode, checks)));
        } else {
            for (int i = 0; i < checks.size(); i++) {
                if (i > 0) {
                    out().println();
                }
                print(checks.get(i), out());
            }
        }
        return exitCode;
    }

    /** One action: its SQL, then indented fields, one per line, so that grep and diff work on them. */
    static void print(CheckedAction check, PrintWriter out) {
        Verdict v = check.verdict();
        out.println(SafeText.escape(check.text()));
        field(out, "decision", CheckedAction.decisionWord(v.effect()));
        field(out, "rule", v.ruleId());
        field(out, "reason", v.reason());
        if (check.intentRequired()) {
            field(out, "intent", "required: an agent that states no intent is refused, and nobody is asked");
        }
        if (v.rowLimit() > 0 && v.effect() != Effect.DENY) {
            field(out, "row limit", Long.toString(v.rowLimit()));
        }
        for (SqlStatement s : check.analysis().action().statements()) {
            field(out, "statement", CheckedAction.describe(s));
        }
        if (!check.returnsRows()) {
            return;
        }
        if (check.analysis().resultColumns().isEmpty()) {
            field(out, "masked", "result columns not derivable from the text; column rules apply by column name "
                    + "when the query runs");
        } else if (check.maskedColumns().isEmpty()) {
            field(out, "masked", "no column rule covers a result column");
        }
        for (CheckedAction.MaskedColumn m : check.maskedColumns()) {
            field(out, "masked", m.label() + " (from " + m.source() + "): " + m.ruleId() + ", "
                    + CheckedAction.strategyName(m.strategy()));
        }
        field(out, "detectors", check.detectors().isEmpty() ? "none"
                : String.join(", ", check.detectors()) + " (on every text value)");
    }

    private static void field(PrintWriter out, String name, String value) {
        out.println("  " + String.format("%-10s", name) + " " + SafeText.escape(value));
    }

    private static Map<String, Object> toJson(Policy policy, AgentIdentity identity, Effect strictest, int exitCode,
                                              List<CheckedAction> checks) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("policy", policy.name());
        o.put("agent", agentJson(identity));
        o.put("decision", CheckedAction.decisionWord(strictest));
        o.put("exitCode", exitCode);
        List<Object> list = new ArrayList<>();
        for (CheckedAction c : checks) {
            list.add(checkJson(c));
        }
        o.put("checks", list);
        return o;
    }

    static Map<String, Object> agentJson(AgentIdentity identity) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("id", identity.agentId());
        a.put("roles", new TreeSet<>(identity.roles()));
        a.put("scopes", new TreeSet<>(identity.scopes()));
        if (identity.onBehalfOf() != null) {
            a.put("onBehalfOf", identity.onBehalfOf());
        }
        return a;
    }

    private static Map<String, Object> checkJson(CheckedAction c) {
        Verdict v = c.verdict();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("sql", c.text());
        o.put("decision", CheckedAction.decisionWord(v.effect()));
        o.put("effect", v.effect().fileName());
        o.put("rule", v.ruleId());
        o.put("reason", v.reason());
        o.put("rowLimit", v.effect() == Effect.DENY ? 0 : v.rowLimit());
        if (c.intentRequired()) {
            o.put("intentRequired", true);
        }
        List<Object> statements = new ArrayList<>();
        for (SqlStatement s : c.analysis().action().statements()) {
            Map<String, Object> so = new LinkedHashMap<>();
            so.put("kind", s.kind().name());
            so.put("tablesRead", new TreeSet<>(s.tablesRead()));
            so.put("tablesWritten", new TreeSet<>(s.tablesWritten()));
            so.put("whereMissing", s.whereMissing());
            so.put("dangerousForms", new TreeSet<>(s.dangerousForms()));
            if (s.unknownReason() != null) {
                so.put("unknownReason", s.unknownReason());
            }
            statements.add(so);
        }
        o.put("statements", statements);
        if (c.returnsRows()) {
            List<Object> masked = new ArrayList<>();
            for (CheckedAction.MaskedColumn m : c.maskedColumns()) {
                Map<String, Object> mo = new LinkedHashMap<>();
                mo.put("index", m.index());
                mo.put("label", m.label());
                mo.put("source", m.source());
                mo.put("rule", m.ruleId());
                mo.put("strategy", CheckedAction.strategyName(m.strategy()));
                masked.add(mo);
            }
            o.put("resultColumnsDerived", !c.analysis().resultColumns().isEmpty());
            o.put("maskedColumns", masked);
            o.put("detectors", c.detectors());
        }
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
