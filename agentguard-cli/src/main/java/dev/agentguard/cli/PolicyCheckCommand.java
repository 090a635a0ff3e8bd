package dev.agentguard.cli;

import dev.agentguard.core.action.HttpAction;
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
                "Decides SQL with a policy for an agent, as the guarded DataSource would; with --http, decides "
                        + "HTTP requests as the guarded HttpClient would; with --ssh, command lines as the guarded "
                        + "SSH client would.",
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
                "      --on-behalf-of alice --json 'SELECT pan FROM cards'",
                "  agentguard policy check --policy pci.yaml --agent bot --http POST https://api.example.com/v1/refunds \\",
                "      --header content-type --body-size 42 --json-field amount=250.00",
                "  agentguard policy check --policy pci.yaml --agent bot --ssh app1 'grep ERROR /var/log/app/x.log | tail'"})
final class PolicyCheckCommand extends ToolCommand {
    @Option(names = "--policy", paramLabel = "FILE", required = true,
            description = "The policy file (YAML, see docs/policy.md).")
    Path policyFile;

    @Mixin
    AgentOptions agent;

    // What to decide: SQL arguments, HTTP requests with --http, or SSH command lines with --ssh.
    @Parameters(paramLabel = "SQL", arity = "0..*",
            description = "SQL to decide: one or more statements per argument, as the agent would send them.")
    List<String> sql = new ArrayList<>();

    @Option(names = "--http", arity = "2", paramLabel = "METHOD URL",
            description = "Decide an HTTP request instead of SQL, as the guarded HttpClient would: a method and an "
                    + "absolute http or https URL. Repeatable.")
    List<String> http = new ArrayList<>();

    @Option(names = "--ssh", arity = "2", paramLabel = "HOST COMMAND",
            description = "Decide an SSH command line instead of SQL, as the guarded SSH client would: the host and "
                    + "the command line, in one argument. Repeatable.")
    List<String> ssh = new ArrayList<>();

    @Option(names = "--ssh-user", paramLabel = "USER",
            description = "With --ssh: the user the session logs in as (for rules with users:). Default: not known.")
    String sshUser;

    @Option(names = "--header", paramLabel = "NAME",
            description = "With --http: the request carries a header of this name. Repeatable.")
    List<String> headers = new ArrayList<>();

    @Option(names = "--body-size", paramLabel = "BYTES",
            description = "With --http: the request body's size in bytes, -1 when unknown (streamed). Default: 0.")
    long bodySize;

    @Option(names = "--json-field", paramLabel = "NAME=VALUE",
            description = "With --http: a field of the JSON request body, for jsonField conditions "
                    + "(e.g. amount=250.00). Repeatable.")
    Map<String, String> jsonFields = new LinkedHashMap<>();

    @Override
    int run() throws Exception {
        AgentIdentity identity = agent.identity();
        int channels = (sql.isEmpty() ? 0 : 1) + (http.isEmpty() ? 0 : 1) + (ssh.isEmpty() ? 0 : 1);
        if (channels > 1) {
            throw new InputException("give SQL arguments, --http requests or --ssh commands, not several kinds: a "
                    + "policy check decides one channel at a time");
        }
        if (sshUser != null && ssh.isEmpty()) {
            throw new InputException("--ssh-user describes an SSH session; give the command with --ssh HOST COMMAND");
        }
        if (!ssh.isEmpty()) {
            return runSsh(identity);
        }
        if (!http.isEmpty()) {
            return runHttp(identity);
        }
        if (!headers.isEmpty() || bodySize != 0 || !jsonFields.isEmpty()) {
            throw new InputException("--header, --body-size and --json-field describe an HTTP request; give it with "
                    + "--http METHOD URL");
        }
        if (sql.isEmpty()) {
            throw new InputException("nothing to decide: give SQL arguments (e.g. 'SELECT pan FROM cards'), "
                    + "--http METHOD URL or --ssh HOST COMMAND");
        }
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
            strictest = stricter(strictest, check.verdict().effect());
        }
        int exitCode = CheckedAction.exitCode(strictest);
        if (json()) {
            List<Object> list = new ArrayList<>();
            for (CheckedAction c : checks) {
                list.add(checkJson(c));
            }
            out().println(Json.object(toJson(policy, identity, strictest, exitCode, list)));
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

    private int runHttp(AgentIdentity identity) throws Exception {
        Policy policy = Policy.load(policyFile);
        List<CheckedRequest> checks = new ArrayList<>();
        Effect strictest = Effect.ALLOW;
        for (int i = 0; i + 1 < http.size(); i += 2) {
            CheckedRequest check = CheckedRequest.decide(policy, identity, http.get(i), http.get(i + 1),
                    new java.util.LinkedHashSet<>(headers), bodySize, jsonFields);
            checks.add(check);
            strictest = stricter(strictest, check.verdict().effect());
        }
        int exitCode = CheckedAction.exitCode(strictest);
        List<String> detectors = policy.masking().masker().detectorNames();
        if (json()) {
            List<Object> list = new ArrayList<>();
            for (CheckedRequest c : checks) {
                list.add(requestJson(c, c.verdict().effect() == Effect.DENY ? List.of() : detectors));
            }
            out().println(Json.object(toJson(policy, identity, strictest, exitCode, list)));
        } else {
            for (int i = 0; i < checks.size(); i++) {
                if (i > 0) {
                    out().println();
                }
                print(checks.get(i), detectors, out());
            }
        }
        return exitCode;
    }

    private int runSsh(AgentIdentity identity) throws Exception {
        Policy policy = Policy.load(policyFile);
        List<CheckedCommand> checks = new ArrayList<>();
        Effect strictest = Effect.ALLOW;
        for (int i = 0; i + 1 < ssh.size(); i += 2) {
            if (ssh.get(i + 1).isBlank()) {
                throw new InputException("the command of --ssh " + (i / 2 + 1) + " is empty; give the command line to "
                        + "decide, e.g. 'df -h'");
            }
            CheckedCommand check = CheckedCommand.decide(policy, identity, ssh.get(i), sshUser, ssh.get(i + 1));
            checks.add(check);
            strictest = stricter(strictest, check.verdict().effect());
        }
        int exitCode = CheckedAction.exitCode(strictest);
        if (json()) {
            List<Object> list = new ArrayList<>();
            for (CheckedCommand c : checks) {
                Verdict v = c.verdict();
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("ssh", c.text());
                o.put("host", c.action().host());
                o.put("decision", CheckedAction.decisionWord(v.effect()));
                o.put("effect", v.effect().fileName());
                o.put("rule", v.ruleId());
                o.put("reason", v.reason());
                if (c.intentRequired()) {
                    o.put("intentRequired", true);
                }
                o.put("commands", c.commands());
                list.add(o);
            }
            out().println(Json.object(toJson(policy, identity, strictest, exitCode, list)));
        } else {
            for (int i = 0; i < checks.size(); i++) {
                if (i > 0) {
                    out().println();
                }
                CheckedCommand c = checks.get(i);
                printDecision(c.action().host() + ": " + c.text(), c.verdict(), c.intentRequired(), out());
                for (String command : c.commands()) {
                    field(out(), "command", command);
                }
            }
        }
        return exitCode;
    }

    /** One request: its redacted request line, then indented fields, one per line. */
    static void print(CheckedRequest check, List<String> detectors, PrintWriter out) {
        Verdict v = check.verdict();
        printDecision(check.text(), v, check.intentRequired(), out);
        HttpAction r = check.request();
        if (r.pathEscapes()) {
            field(out, "path", "climbs above the root: no allow rule matches it");
        }
        if (!r.headerNames().isEmpty()) {
            field(out, "headers", String.join(", ", new TreeSet<>(r.headerNames())));
        }
        field(out, "body", r.bodySizeKnown() ? r.bodySize() + " bytes" : "size unknown (streamed)");
        for (Map.Entry<String, String> f : new java.util.TreeMap<>(check.shownJsonFields()).entrySet()) {
            field(out, "json", f.getKey() + " = " + f.getValue());
        }
        if (v.effect() != Effect.DENY) {
            field(out, "detectors", detectors.isEmpty() ? "none" : String.join(", ", detectors)
                    + " (on every text response body)");
        }
    }

    private static Map<String, Object> requestJson(CheckedRequest c, List<String> detectors) {
        Verdict v = c.verdict();
        HttpAction r = c.request();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("http", c.text());
        o.put("decision", CheckedAction.decisionWord(v.effect()));
        o.put("effect", v.effect().fileName());
        o.put("rule", v.ruleId());
        o.put("reason", v.reason());
        if (c.intentRequired()) {
            o.put("intentRequired", true);
        }
        Map<String, Object> ro = new LinkedHashMap<>();
        ro.put("method", r.method());
        ro.put("scheme", r.scheme());
        ro.put("host", r.host());
        ro.put("port", r.port());
        ro.put("pathEscapes", r.pathEscapes());
        ro.put("queryParameters", new TreeSet<>(r.queryParameters().keySet()));
        ro.put("headers", new TreeSet<>(r.headerNames()));
        ro.put("bodySize", r.bodySize());
        ro.put("jsonFields", new java.util.TreeMap<>(c.shownJsonFields()));
        o.put("request", ro);
        o.put("detectors", detectors);
        return o;
    }

    /** One action: its SQL, then indented fields, one per line, so that grep and diff work on them. */
    static void print(CheckedAction check, PrintWriter out) {
        Verdict v = check.verdict();
        printDecision(check.text(), v, check.intentRequired(), out);
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

    /** The stricter of two effects: the exit code of several actions is that of the strictest. */
    private static Effect stricter(Effect a, Effect b) {
        return b.strictness() > a.strictness() ? b : a;
    }

    /** The action's first line and the fields every channel prints: decision, rule, reason, intent. */
    private static void printDecision(String text, Verdict v, boolean intentRequired, PrintWriter out) {
        out.println(SafeText.escape(text));
        field(out, "decision", CheckedAction.decisionWord(v.effect()));
        field(out, "rule", v.ruleId());
        field(out, "reason", v.reason());
        if (intentRequired) {
            field(out, "intent", "required: an agent that states no intent is refused, and nobody is asked");
        }
    }

    private static void field(PrintWriter out, String name, String value) {
        out.println("  " + String.format("%-10s", name) + " " + SafeText.escape(value));
    }

    private static Map<String, Object> toJson(Policy policy, AgentIdentity identity, Effect strictest, int exitCode,
                                              List<Object> checks) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("policy", policy.name());
        o.put("agent", agentJson(identity));
        o.put("decision", CheckedAction.decisionWord(strictest));
        o.put("exitCode", exitCode);
        o.put("checks", checks);
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
