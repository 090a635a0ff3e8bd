package dev.agentguard.core.policy;

import com.fasterxml.jackson.core.JsonToken;
import dev.agentguard.audit.Channel;
import dev.agentguard.core.action.HttpAction;
import dev.agentguard.core.action.SftpOperation;
import dev.agentguard.core.action.StatementKind;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.masking.MaskStrategy;
import dev.agentguard.core.masking.MaskingKey;
import dev.agentguard.core.masking.CardBrand;
import dev.agentguard.core.masking.MaskingRules;
import dev.agentguard.core.policy.YamlTree.Key;
import dev.agentguard.core.policy.YamlTree.ListNode;
import dev.agentguard.core.policy.YamlTree.MapNode;
import dev.agentguard.core.policy.YamlTree.Node;
import dev.agentguard.core.policy.YamlTree.ScalarNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a policy file (docs/policy.md) into a {@link Policy}. Strict on purpose: a policy is a
 * security control that a compliance team reviews, so an unknown key, a wrong type or an
 * unknown name is an error with its line and column, never ignored or guessed.
 */
final class PolicyFileReader {

    /** The largest policy file accepted; real policies are a few kilobytes. */
    static final int MAX_BYTES = 1024 * 1024;

    private static final List<String> TOP_KEYS = List.of("policy", "description", "version", "default", "rowLimit",
            "sharedAgentIds", "rules", "masking", "expect");
    private static final List<String> RULE_KEYS = List.of("id", "description", "agents", "allow", "deny",
            "requireApproval", "rowLimit", "requireIntent", "approvals", "approvers", "grant", "breakGlass", "autoApprove");
    /** The rule keys that configure how a require-approval rule is approved. */
    private static final List<String> APPROVAL_KEYS = List.of("approvals", "approvers", "grant", "breakGlass",
            "autoApprove");
    private static final List<String> GRANT_KEYS = List.of("window");
    private static final Pattern SHORT_DURATION = Pattern.compile("([0-9]{1,6})([smh])");
    private static final List<String> EFFECT_KEYS = List.of("allow", "deny", "requireApproval");
    private static final List<String> CHANNEL_KEYS = List.of("sql", "http", "ssh");
    private static final List<String> AGENT_KEYS = List.of("ids", "roles", "scopes", "onBehalfOf");
    private static final List<String> SQL_KEYS = List.of("kinds", "tables", "tablesRead", "tablesWritten", "columns",
            "functions", "dangerousForms", "whereMissing", "multiStatement", "dangerous");
    private static final List<String> HTTP_KEYS = List.of("methods", "schemes", "hosts", "ports", "paths",
            "queryParameters", "queryEquals", "headers", "maxBodySize", "bodySizeOver", "jsonField");
    private static final List<String> JSON_FIELD_KEYS = List.of("field", "over", "atMost");
    private static final List<String> SSH_KEYS = List.of("hosts", "users", "programs", "arguments", "paths", "writes",
            "sftp", "opaque", "interactive");
    private static final List<String> SSH_EXPECT_KEYS = List.of("host", "user", "command", "directory", "interactive");
    private static final List<String> MASKING_KEYS = List.of("hashKeyEnv", "partial", "columns", "jsonFields",
            "detectors");
    private static final List<String> PARTIAL_KEYS = List.of("keepFirst", "keepLast", "brands");
    private static final List<String> BRAND_PARTIAL_KEYS = List.of("keepFirst", "keepLast");
    private static final List<String> COLUMN_RULE_KEYS = List.of("match", "strategy");
    private static final List<String> JSON_FIELD_RULE_KEYS = List.of("pointer", "strategy");
    private static final List<String> EXPECT_KEYS = List.of("name", "agent", "sql", "http", "ssh", "intent", "effect",
            "rule");
    private static final List<String> EXPECT_AGENT_KEYS = List.of("id", "roles", "scopes", "onBehalfOf");

    private static final String EFFECTS = "allow, deny or require-approval";
    private static final String STRATEGIES = "redact, partial, keyed-hash or null";
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    /** Values safe to quote back in a message: short names. Anything else is described, not shown. */
    private static final Pattern SHOWABLE = Pattern.compile("[A-Za-z0-9_ .:*?-]{1,40}");

    private final String source;
    private final UnaryOperator<String> environment;

    private PolicyFileReader(String source, UnaryOperator<String> environment) {
        this.source = source;
        this.environment = environment;
    }

    static Policy load(Path file, UnaryOperator<String> environment) throws PolicyFileException {
        Objects.requireNonNull(file, "file");
        String source = file.toString();
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new PolicyFileException(source, 0, 0, "the policy file is larger than " + MAX_BYTES
                        + " bytes; a policy file is a few kilobytes: check that this is the right file");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new PolicyFileException(source, 0, 0, "no such policy file; check the path", e);
        } catch (IOException e) {
            throw new PolicyFileException(source, 0, 0, "cannot read the policy file ("
                    + e.getClass().getSimpleName() + "); check its permissions", e);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new PolicyFileException(source, 0, 0, "the policy file is not UTF-8 text; save it as UTF-8");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        return parse(text, source, environment);
    }

    static Policy parse(String yaml, String source, UnaryOperator<String> environment) throws PolicyFileException {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(source, "sourceName");
        Objects.requireNonNull(environment, "environment");
        if (yaml.length() > MAX_BYTES) {
            throw new PolicyFileException(source, 0, 0, "the policy is longer than " + MAX_BYTES
                    + " characters; a policy file is a few kilobytes: check that this is the right text");
        }
        Node root = YamlTree.parse(yaml, source);
        if (root == null) {
            throw new PolicyFileException(source, 1, 1, "the policy file is empty; it needs at least "
                    + "\"policy: <name>\" and \"default: deny\"");
        }
        return new PolicyFileReader(source, environment).policy(root);
    }

    // ---------------------------------------------------------------- policy

    private Policy policy(Node root) throws PolicyFileException {
        if (!(root instanceof MapNode m)) {
            throw fail(root, "a policy file is a mapping with the keys " + String.join(", ", TOP_KEYS)
                    + ", found " + root.kind());
        }
        checkKeys(m, "the policy", TOP_KEYS);
        Policy.Builder b = Policy.builder();
        Node name = required(m, "policy", "the policy", "name the policy, e.g. policy: payments-agent");
        try {
            b.name(text(name, "policy (the policy's name)"));
        } catch (IllegalArgumentException e) {
            throw fail(name, e.getMessage());
        }
        Node description = m.values.get("description");
        if (description != null) {
            b.description(text(description, "description"));
        }
        Node version = m.values.get("version");
        if (version != null && !(version instanceof ScalarNode s && s.token == JsonToken.VALUE_NUMBER_INT
                && s.text.equals("1"))) {
            throw fail(version, "version must be 1, the policy format this AgentGuard reads"
                    + (version instanceof ScalarNode s && s.token == JsonToken.VALUE_NUMBER_INT
                    ? "; this file is written for version " + shown(s.text) : ", found " + version.kind()));
        }
        Node def = required(m, "default", "the policy", "say what happens to an action no rule matches: "
                + "default: deny (recommended), default: allow or default: require-approval");
        b.defaultEffect(effect(def, "default"));
        Node rowLimit = m.values.get("rowLimit");
        if (rowLimit != null) {
            b.rowLimit(nonNegative(rowLimit, "rowLimit"));
        }
        b.sharedAgentIds(textSet(m, "sharedAgentIds", "the policy").toArray(String[]::new));
        List<Rule> rules = new ArrayList<>();
        Node rulesNode = m.values.get("rules");
        if (rulesNode != null) {
            ListNode list = list(rulesNode, "rules", "a list of rules, each starting with - id: …");
            Map<String, Node> ids = new HashMap<>();
            for (int i = 0; i < list.items.size(); i++) {
                rules.add(rule(list.items.get(i), i + 1, ids));
            }
        }
        b.rules(rules);
        Node masking = m.values.get("masking");
        if (masking != null) {
            b.masking(masking(masking));
        }
        Node expect = m.values.get("expect");
        if (expect != null) {
            ListNode list = list(expect, "expect", "a list of expectations, each with agent, sql and effect");
            for (int i = 0; i < list.items.size(); i++) {
                b.expectation(expectation(list.items.get(i), i + 1, rules));
            }
        }
        return b.build();
    }

    // ---------------------------------------------------------------- rules

    private Rule rule(Node node, int index, Map<String, Node> ids) throws PolicyFileException {
        String ordinal = "rule #" + index;
        if (!(node instanceof MapNode m)) {
            throw fail(node, ordinal + " must be a mapping starting with id:, found " + node.kind());
        }
        Node idNode = m.values.get("id");
        if (idNode == null) {
            throw fail(m, ordinal + " has no id; give every rule a unique id, e.g. id: no-delete-without-where");
        }
        String id = text(idNode, ordinal + " id");
        try {
            Rule.checkId(id);
        } catch (IllegalArgumentException e) {
            throw fail(idNode, e.getMessage());
        }
        Node first = ids.putIfAbsent(id, idNode);
        if (first != null) {
            throw fail(idNode, "duplicate rule id \"" + id + "\" (first defined at line " + first.line
                    + "); every rule needs its own id, since verdicts and journal events name it");
        }
        String ctx = "rule \"" + id + "\"";
        checkKeys(m, ctx, RULE_KEYS);

        Key effectKey = null;
        for (String k : EFFECT_KEYS) {
            Key key = m.keys.get(k);
            if (key != null) {
                if (effectKey != null) {
                    throw fail(key, ctx + " has both " + effectKey.name() + " and " + k
                            + "; a rule has exactly one effect: split it into two rules");
                }
                effectKey = key;
            }
        }
        if (effectKey == null) {
            throw fail(m, ctx + " has no effect; add one of allow:, deny: or requireApproval: with its conditions, "
                    + "e.g. deny: { sql: { kinds: [DELETE], whereMissing: true } }");
        }
        Effect effect = switch (effectKey.name()) {
            case "allow" -> Effect.ALLOW;
            case "deny" -> Effect.DENY;
            default -> Effect.REQUIRE_APPROVAL;
        };
        Rule.Builder b = switch (effect) {
            case ALLOW -> Rule.allow(id);
            case DENY -> Rule.deny(id);
            case REQUIRE_APPROVAL -> Rule.requireApproval(id);
        };
        b.line(m.line);
        Node description = m.values.get("description");
        if (description != null) {
            b.description(text(description, ctx + " description"));
        }
        Node agents = m.values.get("agents");
        if (agents != null) {
            b.agents(agents(agents, ctx));
        }
        Node conditions = m.values.get(effectKey.name());
        if (!(conditions instanceof MapNode cm)) {
            throw fail(conditions, ctx + " " + effectKey.name() + " must be a mapping: {} for every action of its "
                    + "agents, or { sql: { … } } for SQL statements, found " + conditions.kind());
        }
        checkKeys(cm, "the " + effectKey.name() + " of " + ctx, CHANNEL_KEYS);
        Node sql = cm.values.get("sql");
        Node http = cm.values.get("http");
        Node ssh = cm.values.get("ssh");
        if (sql != null && http != null) {
            throw fail(cm.keys.get("http"), ctx + " has both a sql and an http condition; a rule matches one channel: "
                    + "split it into two rules");
        }
        if (ssh != null && (sql != null || http != null)) {
            throw fail(cm.keys.get("ssh"), ctx + " has both " + (sql != null ? "a sql" : "an http") + " and an ssh "
                    + "condition; a rule matches one channel: split it into two rules");
        }
        if (sql != null) {
            b.sql(sqlCondition(sql, ctx, effect));
        }
        if (http != null) {
            b.http(httpCondition(http, ctx));
        }
        if (ssh != null) {
            b.ssh(sshCondition(ssh, ctx, effect));
        }
        Node rowLimit = m.values.get("rowLimit");
        if (rowLimit != null) {
            long limit = nonNegative(rowLimit, ctx + " rowLimit");
            if (effect != Effect.ALLOW) {
                throw fail(m.keys.get("rowLimit"), "rowLimit applies to allow rules only; " + ctx + " is "
                        + effect.ruleNoun() + ": remove rowLimit or move it to an allow rule");
            }
            b.rowLimit(limit);
        }
        Node requireIntent = m.values.get("requireIntent");
        if (requireIntent != null) {
            boolean required = bool(requireIntent, ctx + " requireIntent");
            if (effect != Effect.REQUIRE_APPROVAL) {
                throw fail(m.keys.get("requireIntent"), "requireIntent applies to requireApproval rules only; " + ctx
                        + " is " + effect.ruleNoun() + ": remove requireIntent");
            }
            b.requireIntent(required);
        }
        approvalTerms(m, ctx, effect, b);
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw fail(m, e.getMessage());
        }
    }

    /** approvals, approvers, grant, breakGlass and autoApprove: each checked where it is written. */
    private void approvalTerms(MapNode m, String ctx, Effect effect, Rule.Builder b) throws PolicyFileException {
        for (String k : APPROVAL_KEYS) {
            if (m.keys.containsKey(k) && effect != Effect.REQUIRE_APPROVAL) {
                throw fail(m.keys.get(k), k + " applies to requireApproval rules only; " + ctx + " is "
                        + effect.ruleNoun() + ": remove " + k);
            }
        }
        Node approvals = m.values.get("approvals");
        if (approvals != null) {
            long n = nonNegative(approvals, ctx + " approvals");
            try {
                b.approvals((int) Math.min(Integer.MAX_VALUE, n));
            } catch (IllegalArgumentException e) {
                throw fail(approvals, e.getMessage());
            }
        }
        Node approvers = m.values.get("approvers");
        if (approvers != null) {
            ListNode list = list(approvers, ctx + " approvers", "a list of approver groups, e.g. [payments-leads]");
            if (list.items.isEmpty()) {
                throw fail(approvers, ctx + " approvers is an empty list; name the groups whose members may approve, "
                        + "or remove approvers to accept anyone the approver accepts");
            }
            List<String> groups = new ArrayList<>();
            for (Node item : list.items) {
                String group = text(item, "each entry of approvers");
                try {
                    groups.add(ApprovalTerms.checkGroup(group));
                } catch (IllegalArgumentException e) {
                    throw fail(item, e.getMessage());
                }
            }
            b.approvers(groups.toArray(new String[0]));
        }
        Node grant = m.values.get("grant");
        if (grant != null) {
            grant(grant, ctx, b);
        }
        Node breakGlass = m.values.get("breakGlass");
        if (breakGlass != null) {
            b.breakGlass(bool(breakGlass, ctx + " breakGlass"));
        }
        Node autoApprove = m.values.get("autoApprove");
        if (autoApprove != null) {
            b.autoApprove(bool(autoApprove, ctx + " autoApprove"));
        }
        if (effect != Effect.REQUIRE_APPROVAL || APPROVAL_KEYS.stream().noneMatch(m.keys::containsKey)) {
            return;
        }
        try {
            b.build();
        } catch (IllegalArgumentException e) {
            // A contradiction between the keys (autoApprove with approvers, …): point at the rule's autoApprove.
            throw fail(autoApprove != null ? m.keys.get("autoApprove") : null, m, e.getMessage());
        }
    }

    /** grant: once, or grant: { window: 15m }. */
    private void grant(Node node, String ctx, Rule.Builder b) throws PolicyFileException {
        String what = ctx + " grant";
        if (node instanceof ScalarNode s && s.isText() && s.text.strip().equals("once")) {
            b.grantOnce();
            return;
        }
        if (!(node instanceof MapNode gm)) {
            throw fail(node, what + " must be once (the grant covers one action) or a mapping such as "
                    + "{ window: 15m } (later actions of the same rule, agent and resource reuse it), found "
                    + (node instanceof ScalarNode s && s.isText() ? "text " + shown(s.text) : node.kind()));
        }
        checkKeys(gm, what, GRANT_KEYS);
        Node window = required(gm, "window", what, "say how long the grant lasts, e.g. window: 15m");
        Duration d = duration(window, what + " window");
        try {
            b.grantWindow(d);
        } catch (IllegalArgumentException e) {
            throw fail(window, e.getMessage());
        }
    }

    /** A duration written 90s, 15m or 2h, or in ISO-8601 (PT15M). */
    private Duration duration(Node node, String what) throws PolicyFileException {
        String hint = what + " must be a duration such as 90s, 15m or 2h (or ISO-8601, PT15M)";
        if (!(node instanceof ScalarNode s) || !s.isText()) {
            throw fail(node, hint + ", found " + node.kind());
        }
        String text = s.text.strip();
        Matcher shortForm = SHORT_DURATION.matcher(text);
        if (shortForm.matches()) {
            long n = Long.parseLong(shortForm.group(1));
            return switch (shortForm.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw fail(node, hint + ", found " + shown(text));
        }
    }

    private PolicyFileException fail(Key at, Node otherwise, String reason) {
        return at != null ? fail(at, reason) : fail(otherwise, reason);
    }

    private AgentSelector agents(Node node, String ctx) throws PolicyFileException {
        String what = "the agents of " + ctx;
        MapNode m = mapping(node, what, "a mapping such as { roles: [payments] }");
        checkKeys(m, what, AGENT_KEYS);
        Set<String> ids = textSet(m, "ids", what);
        for (String id : ids) {
            try {
                NamePattern.compile("agent id", id, 1, false);
            } catch (IllegalArgumentException e) {
                throw fail(m.values.get("ids"), e.getMessage());
            }
        }
        Set<String> users = textSet(m, "onBehalfOf", what);
        for (String user : users) {
            try {
                NamePattern.compile("on-behalf-of user", user, 1, false);
            } catch (IllegalArgumentException e) {
                throw fail(m.values.get("onBehalfOf"), e.getMessage());
            }
        }
        return new AgentSelector(ids, textSet(m, "roles", what), textSet(m, "scopes", what), users);
    }

    private SqlCondition sqlCondition(Node node, String ctx, Effect effect) throws PolicyFileException {
        String what = "the sql condition of " + ctx;
        MapNode m = mapping(node, what, "a mapping such as { kinds: [DELETE], whereMissing: true }");
        checkKeys(m, what, SQL_KEYS);
        SqlCondition.Builder b = SqlCondition.builder();
        Node kinds = m.values.get("kinds");
        if (kinds != null) {
            Set<StatementKind> set = EnumSet.noneOf(StatementKind.class);
            for (Node item : list(kinds, "kinds", "a list of statement kinds, e.g. [SELECT]").items) {
                set.add(kind(item));
            }
            b.kinds(set);
        }
        b.tables(patterns(m, "tables", "table pattern", SqlCondition.TABLE_PARTS));
        b.tablesRead(patterns(m, "tablesRead", "table pattern", SqlCondition.TABLE_PARTS));
        b.tablesWritten(patterns(m, "tablesWritten", "table pattern", SqlCondition.TABLE_PARTS));
        b.columns(patterns(m, "columns", "column pattern", SqlCondition.COLUMN_PARTS));
        b.functions(patterns(m, "functions", "function pattern", SqlCondition.FUNCTION_PARTS));
        b.dangerousForms(patterns(m, "dangerousForms", "dangerous form", SqlCondition.FUNCTION_PARTS));
        Node whereMissing = m.values.get("whereMissing");
        if (whereMissing != null) {
            b.whereMissing(bool(whereMissing, "whereMissing"));
        }
        Node multiStatement = m.values.get("multiStatement");
        if (multiStatement != null) {
            b.multiStatement(bool(multiStatement, "multiStatement"));
        }
        Node dangerous = m.values.get("dangerous");
        if (dangerous != null) {
            boolean value = bool(dangerous, "dangerous");
            if (value && effect == Effect.ALLOW) {
                throw fail(dangerous, "an allow rule cannot allow every dangerous form at once (dangerous: true); "
                        + "name the forms " + ctx + " allows in dangerousForms or functions");
            }
            b.dangerous(value);
        }
        return b.build();
    }

    private HttpCondition httpCondition(Node node, String ctx) throws PolicyFileException {
        String what = "the http condition of " + ctx;
        MapNode m = mapping(node, what, "a mapping such as { methods: [GET], hosts: [api.example.com], "
                + "paths: [\"/v1/orders/**\"] }");
        checkKeys(m, what, HTTP_KEYS);
        HttpCondition.Builder b = HttpCondition.builder();
        try {
            b.methods(checkedTexts(m, "methods", "a list of methods, e.g. [GET, POST]", HttpCondition::checkMethod));
            b.schemes(checkedTexts(m, "schemes", "a list of schemes, e.g. [https]", HttpCondition::checkScheme));
            b.hosts(checkedTexts(m, "hosts", "a list of hosts, e.g. [api.example.com, \"*.example.com\"]",
                    HttpCondition::checkHost));
            b.paths(checkedTexts(m, "paths", "a list of paths, e.g. [\"/v1/orders/**\"]", HttpCondition::checkPath));
            b.queryParameters(checkedTexts(m, "queryParameters", "a list of parameter names, e.g. [debug]",
                    v -> NamePattern.compile("query parameter pattern", v, 1, false).text()));
            b.headers(checkedTexts(m, "headers", "a list of header names, e.g. [x-admin-override]",
                    v -> NamePattern.compile("header pattern", v, 1, false).text()));
        } catch (CheckedEntry e) {
            throw fail(e.node, e.getMessage());
        }
        Node ports = m.values.get("ports");
        if (ports != null) {
            ListNode list = list(ports, "ports", "a list of ports, e.g. [443, 8443]");
            int[] out = new int[list.items.size()];
            for (int i = 0; i < out.length; i++) {
                Node item = list.items.get(i);
                long p = nonNegative(item, "each entry of ports");
                if (p < 1 || p > 65535) {
                    throw fail(item, "port " + p + " is not a TCP port; use 1 to 65535");
                }
                out[i] = (int) p;
            }
            b.ports(out);
        }
        Node queryEquals = m.values.get("queryEquals");
        if (queryEquals != null) {
            MapNode qm = mapping(queryEquals, "queryEquals", "a mapping of parameter names to values, "
                    + "e.g. { format: csv }");
            for (Map.Entry<String, Node> e : qm.values.entrySet()) {
                Node v = e.getValue();
                String value;
                if (v instanceof ScalarNode s && (s.isText() || s.token == JsonToken.VALUE_NUMBER_INT
                        || s.token == JsonToken.VALUE_NUMBER_FLOAT || s.token == JsonToken.VALUE_TRUE
                        || s.token == JsonToken.VALUE_FALSE)) {
                    value = s.text;
                } else {
                    throw fail(v, "the value of queryEquals parameter " + shown(e.getKey()) + " must be text, found "
                            + v.kind());
                }
                b.queryEquals(e.getKey(), value);
            }
        }
        Node max = m.values.get("maxBodySize");
        if (max != null) {
            b.maxBodySize(nonNegative(max, "maxBodySize"));
        }
        Node over = m.values.get("bodySizeOver");
        if (over != null) {
            b.bodySizeOver(nonNegative(over, "bodySizeOver"));
        }
        Node jsonField = m.values.get("jsonField");
        if (jsonField != null) {
            b.jsonField(jsonField(jsonField, ctx));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw fail(max != null ? m.keys.get("maxBodySize") : m.keys.values().iterator().next(), e.getMessage());
        }
    }

    private SshCondition sshCondition(Node node, String ctx, Effect effect) throws PolicyFileException {
        String what = "the ssh condition of " + ctx;
        MapNode m = mapping(node, what, "a mapping such as { programs: [df, uptime] } or { programs: [cat], "
                + "paths: [\"/etc/shadow\"] }");
        checkKeys(m, what, SSH_KEYS);
        SshCondition.Builder b = SshCondition.builder();
        try {
            b.hosts(checkedTexts(m, "hosts", "a list of hosts, e.g. [app1.example.com, \"*.pci.example.com\"]",
                    HttpCondition::checkHost));
            b.users(checkedTexts(m, "users", "a list of users, e.g. [deploy]", SshCondition::checkUser));
            b.programs(checkedTexts(m, "programs", "a list of programs, e.g. [df, uptime, /usr/bin/systemctl]",
                    SshCondition::checkProgram));
            b.arguments(checkedTexts(m, "arguments", "a list of argument patterns, e.g. [\"-rf\", \"--force\"]",
                    SshCondition::checkArgument));
            b.paths(checkedTexts(m, "paths", "a list of absolute path patterns, e.g. [\"/var/log/app/**\"]",
                    v -> SshCondition.checkPath("path", v)));
            b.writes(checkedTexts(m, "writes", "a list of absolute path patterns, e.g. [\"/etc/**\"]",
                    v -> SshCondition.checkPath("writes", v)));
        } catch (CheckedEntry e) {
            throw fail(e.node, e.getMessage());
        }
        Node sftp = m.values.get("sftp");
        if (sftp != null) {
            List<SftpOperation> ops = new ArrayList<>();
            for (Node item : list(sftp, "sftp", "a list of SFTP operations, e.g. [list, read]").items) {
                String text = text(item, "each entry of sftp");
                SftpOperation op = null;
                for (SftpOperation o : SftpOperation.values()) {
                    if (o.fileName().equals(text.strip().toLowerCase(Locale.ROOT))) {
                        op = o;
                    }
                }
                if (op == null) {
                    throw fail(item, "unknown SFTP operation " + shown(text) + "; allowed: " + String.join(", ",
                            Arrays.stream(SftpOperation.values()).map(SftpOperation::fileName).toList()));
                }
                ops.add(op);
            }
            b.sftp(ops.toArray(new SftpOperation[0]));
        }
        Node opaque = m.values.get("opaque");
        if (opaque != null) {
            boolean value = bool(opaque, "opaque");
            if (value && effect == Effect.ALLOW) {
                throw fail(opaque, "an allow rule cannot allow every opaque command at once (opaque: true); name the "
                        + "programs " + ctx + " allows in programs, without wildcards");
            }
            b.opaque(value);
        }
        Node interactive = m.values.get("interactive");
        if (interactive != null) {
            b.interactive(bool(interactive, "interactive"));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            Key at = m.keys.get("sftp") != null ? m.keys.get("sftp") : m.keys.values().iterator().next();
            throw fail(at, ctx + ": " + e.getMessage());
        }
    }

    private HttpCondition.JsonField jsonField(Node node, String ctx) throws PolicyFileException {
        String what = "the jsonField of " + ctx;
        MapNode m = mapping(node, what, "a mapping such as { field: amount, over: 100 }");
        checkKeys(m, what, JSON_FIELD_KEYS);
        Node field = required(m, "field", what, "name the JSON field, e.g. field: amount");
        String name = text(field, "jsonField field");
        Node over = m.values.get("over");
        Node atMost = m.values.get("atMost");
        try {
            return new HttpCondition.JsonField(name, over == null ? null : decimal(over, "jsonField over"),
                    atMost == null ? null : decimal(atMost, "jsonField atMost"));
        } catch (IllegalArgumentException e) {
            throw fail(over == null && atMost == null ? node : atMost != null ? atMost : over, e.getMessage());
        }
    }

    private java.math.BigDecimal decimal(Node node, String what) throws PolicyFileException {
        if (node instanceof ScalarNode s && (s.token == JsonToken.VALUE_NUMBER_INT
                || s.token == JsonToken.VALUE_NUMBER_FLOAT)) {
            try {
                return new java.math.BigDecimal(s.text.replace("_", ""));
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
        }
        throw fail(node, what + " must be a number such as 100 or 99.50, found " + node.kind());
    }

    /** A text entry that failed its check, with the node to point at. */
    private static final class CheckedEntry extends Exception {
        final transient Node node;

        CheckedEntry(Node node, String message) {
            super(message, null, false, false);
            this.node = node;
        }
    }

    private String[] checkedTexts(MapNode m, String key, String example, UnaryOperator<String> check)
            throws PolicyFileException, CheckedEntry {
        Node node = m.values.get(key);
        if (node == null) {
            return new String[0];
        }
        ListNode list = list(node, key, example);
        String[] out = new String[list.items.size()];
        for (int i = 0; i < out.length; i++) {
            Node item = list.items.get(i);
            String text = text(item, "each entry of " + key);
            try {
                out[i] = check.apply(text);
            } catch (IllegalArgumentException e) {
                throw new CheckedEntry(item, e.getMessage());
            }
        }
        return out;
    }

    private StatementKind kind(Node item) throws PolicyFileException {
        String text = text(item, "a statement kind");
        try {
            return StatementKind.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw fail(item, "unknown statement kind " + shown(text) + "; allowed: "
                    + String.join(", ", Arrays.stream(StatementKind.values()).map(Enum::name).toList()));
        }
    }

    private String[] patterns(MapNode m, String key, String what, int maxParts) throws PolicyFileException {
        Node node = m.values.get(key);
        if (node == null) {
            return new String[0];
        }
        ListNode list = list(node, key, "a list of names, e.g. [public.cards, \"*.orders\"]");
        String[] out = new String[list.items.size()];
        for (int i = 0; i < out.length; i++) {
            Node item = list.items.get(i);
            String text = text(item, "each entry of " + key);
            try {
                out[i] = NamePattern.compile(what, text, maxParts, true).text();
            } catch (IllegalArgumentException e) {
                throw fail(item, e.getMessage());
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- masking

    /** masking.partial.brands: { amex: { keepFirst: 6, keepLast: 4 }, … }; unset values take the defaults. */
    private void brandPartials(Node node, MaskingRules.Builder b, int defaultFirst, int defaultLast)
            throws PolicyFileException {
        String names = java.util.Arrays.stream(CardBrand.values()).map(c -> c.name().toLowerCase(java.util.Locale.ROOT))
                .collect(java.util.stream.Collectors.joining(", "));
        MapNode bm = mapping(node, "masking.partial.brands", "a mapping such as { visa: { keepFirst: 8, keepLast: 4 } }");
        for (Map.Entry<String, Node> e : bm.values.entrySet()) {
            CardBrand brand = null;
            for (CardBrand c : CardBrand.values()) {
                if (c.name().equalsIgnoreCase(e.getKey())) {
                    brand = c;
                }
            }
            if (brand == null) {
                Key key = bm.keys.get(e.getKey());
                throw new PolicyFileException(source, key.line(), key.column(), "unknown card brand \"" + e.getKey()
                        + "\" in masking.partial.brands; known brands: " + names);
            }
            String where = "masking.partial.brands." + e.getKey();
            MapNode one = mapping(e.getValue(), where, "a mapping such as { keepFirst: 6, keepLast: 4 }");
            checkKeys(one, where, BRAND_PARTIAL_KEYS);
            Node first = one.values.get("keepFirst");
            Node last = one.values.get("keepLast");
            int f = first == null ? defaultFirst : (int) Math.min(Integer.MAX_VALUE, nonNegative(first, "keepFirst"));
            int l = last == null ? defaultLast : (int) Math.min(Integer.MAX_VALUE, nonNegative(last, "keepLast"));
            try {
                b.partialForBrand(brand, f, l);
            } catch (IllegalArgumentException ex) {
                throw fail(first != null ? first : last != null ? last : one, ex.getMessage());
            }
        }
    }

    /** Where a masking rule goes once read: {@code MaskingRules.Builder::column} or {@code ::jsonField}. */
    @FunctionalInterface
    private interface StrategyRuleSink {
        void add(String target, MaskStrategy strategy);
    }

    /**
     * Reads a list of {@code { <targetKey>: …, strategy: … }} masking rules into {@code sink}.
     *
     * @return whether a rule uses the keyed hash, which needs {@code hashKeyEnv}
     */
    private boolean strategyRules(Node node, String where, String what, List<String> keys, String targetKey,
                                  String example, String nameIt, StrategyRuleSink sink) throws PolicyFileException {
        if (node == null) {
            return false;
        }
        String sample = "{ " + targetKey + ": \"" + example + "\", strategy: partial }";
        boolean keyedHash = false;
        for (Node item : list(node, where, "a list such as [ " + sample + " ]").items) {
            MapNode rule = mapping(item, what, "a mapping such as " + sample);
            checkKeys(rule, what, keys);
            Node target = required(rule, targetKey, what, nameIt + ", e.g. " + targetKey + ": \"" + example + "\"");
            Node strategyNode = required(rule, "strategy", what, "say how to mask, e.g. "
                    + "strategy: partial (allowed: " + STRATEGIES + ")");
            MaskStrategy strategy = strategy(strategyNode, false);
            keyedHash |= strategy == MaskStrategy.KEYED_HASH;
            try {
                sink.add(text(target, targetKey), strategy);
            } catch (IllegalArgumentException e) {
                throw fail(target, e.getMessage());
            }
        }
        return keyedHash;
    }

    private MaskingRules masking(Node node) throws PolicyFileException {
        MapNode m = mapping(node, "masking", "a mapping with " + String.join(", ", MASKING_KEYS));
        checkKeys(m, "masking", MASKING_KEYS);
        MaskingRules.Builder b = MaskingRules.builder();
        boolean keyedHash = false;

        Node partial = m.values.get("partial");
        if (partial != null) {
            MapNode pm = mapping(partial, "masking.partial", "a mapping such as { keepFirst: 6, keepLast: 4 }");
            checkKeys(pm, "masking.partial", PARTIAL_KEYS);
            Node first = pm.values.get("keepFirst");
            if (first != null) {
                int n = (int) Math.min(Integer.MAX_VALUE, nonNegative(first, "keepFirst"));
                try {
                    b.partialKeepFirst(n);
                } catch (IllegalArgumentException e) {
                    throw fail(first, e.getMessage());
                }
            }
            Node last = pm.values.get("keepLast");
            if (last != null) {
                int n = (int) Math.min(Integer.MAX_VALUE, nonNegative(last, "keepLast"));
                try {
                    b.partialKeepLast(n);
                } catch (IllegalArgumentException e) {
                    throw fail(last, e.getMessage());
                }
            }
            Node brands = pm.values.get("brands");
            if (brands != null) {
                brandPartials(brands, b, first == null ? MaskingRules.MAX_KEEP_FIRST : (int) Math.min(Integer.MAX_VALUE,
                        nonNegative(first, "keepFirst")), last == null ? MaskingRules.MAX_KEEP_LAST
                        : (int) Math.min(Integer.MAX_VALUE, nonNegative(last, "keepLast")));
            }
        }

        keyedHash |= strategyRules(m.values.get("columns"), "masking.columns", "a masking column rule",
                COLUMN_RULE_KEYS, "match", "*.cards.pan", "name the columns", b::column);
        keyedHash |= strategyRules(m.values.get("jsonFields"), "masking.jsonFields", "a masking JSON field rule",
                JSON_FIELD_RULE_KEYS, "pointer", "/card/number", "name the field", b::jsonField);

        Node detectors = m.values.get("detectors");
        if (detectors != null) {
            MapNode dm = mapping(detectors, "masking.detectors", "a mapping such as { pan: partial, ssn: off }");
            Set<String> known = MaskingRules.defaults().detectorStrategies().keySet();
            for (Map.Entry<String, Node> e : dm.values.entrySet()) {
                Key key = dm.keys.get(e.getKey());
                if (!known.contains(e.getKey())) {
                    throw fail(key, "unknown detector " + shown(e.getKey()) + " in masking.detectors; known detectors: "
                            + String.join(", ", known));
                }
                MaskStrategy strategy = strategy(e.getValue(), true);
                if (strategy == null) {
                    b.disableDetector(e.getKey());
                } else {
                    keyedHash |= strategy == MaskStrategy.KEYED_HASH;
                    b.detector(e.getKey(), strategy);
                }
            }
        }

        Node hashKeyEnv = m.values.get("hashKeyEnv");
        if (hashKeyEnv != null) {
            String variable = text(hashKeyEnv, "hashKeyEnv");
            if (!ENV_NAME.matcher(variable).matches()) {
                // Never quote it: a mistaken hashKeyEnv may hold the key itself.
                throw fail(hashKeyEnv, "hashKeyEnv must be the name of an environment variable (letters, digits and _), "
                        + "not the key; put the base64 key in that variable");
            }
            String value = environment.apply(variable);
            if (value == null || value.isBlank()) {
                if (keyedHash) {
                    // The name is not quoted either: a key without '+', '/' or '=' passes for a name.
                    throw fail(hashKeyEnv, "the environment variable named by masking.hashKeyEnv is not set, but keyed-hash masking "
                            + "needs its key: set it to a base64 key of at least " + MaskingKey.MIN_BYTES
                            + " bytes (openssl rand -base64 32)");
                }
            } else {
                try {
                    b.hashKey(MaskingKey.fromBase64(value));
                } catch (IllegalArgumentException e) {
                    throw fail(hashKeyEnv, "the environment variable named by masking.hashKeyEnv: " + e.getMessage());
                }
            }
        }
        try {
            return b.build();
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw fail(m, e.getMessage() + (hashKeyEnv == null ? "; in a policy file, name the variable holding the "
                    + "key with masking.hashKeyEnv" : ""));
        }
    }

    /** A strategy; {@code null} for {@code off} where {@code offAllowed}. */
    private MaskStrategy strategy(Node node, boolean offAllowed) throws PolicyFileException {
        String allowed = offAllowed ? STRATEGIES + ", or off to turn the detector off" : STRATEGIES;
        if (node instanceof ScalarNode s) {
            // YAML reads an unquoted off/no/false as false and null as a null value; accept the words.
            if (s.token == JsonToken.VALUE_FALSE && offAllowed) {
                return null;
            }
            if (s.token == JsonToken.VALUE_NULL && s.text.equalsIgnoreCase("null")) {
                return MaskStrategy.NULL;
            }
            if (s.isText()) {
                switch (s.text.strip().toLowerCase(Locale.ROOT)) {
                    case "redact":
                        return MaskStrategy.REDACT;
                    case "partial":
                        return MaskStrategy.PARTIAL;
                    case "keyed-hash":
                        return MaskStrategy.KEYED_HASH;
                    case "null":
                        return MaskStrategy.NULL;
                    case "off":
                        if (offAllowed) {
                            return null;
                        }
                        break;
                    default:
                        break;
                }
                throw fail(node, "unknown masking strategy " + shown(s.text) + "; allowed: " + allowed);
            }
        }
        throw fail(node, "a masking strategy must be one of " + allowed + ", found " + node.kind());
    }

    // ---------------------------------------------------------------- expectations

    private PolicyExpectation expectation(Node node, int index, List<Rule> rules) throws PolicyFileException {
        String ctx = "expectation #" + index;
        MapNode m = mapping(node, ctx, "a mapping with agent, sql and effect");
        checkKeys(m, ctx, EXPECT_KEYS);
        String name = m.values.get("name") == null ? null : text(m.values.get("name"), ctx + " name");
        Node agentNode = required(m, "agent", ctx, "say who acts, e.g. agent: { id: payments-bot, roles: [payments] }");
        String agentCtx = "the agent of " + ctx;
        MapNode am = mapping(agentNode, agentCtx, "a mapping such as { id: payments-bot, roles: [payments] }");
        checkKeys(am, agentCtx, EXPECT_AGENT_KEYS);
        Node idNode = required(am, "id", agentCtx, "give the agent's id, e.g. id: payments-bot");
        String id = text(idNode, "agent id");
        if (id.isBlank()) {
            throw fail(idNode, "agent id must not be empty");
        }
        String onBehalfOf = am.values.get("onBehalfOf") == null ? null
                : text(am.values.get("onBehalfOf"), "onBehalfOf");
        AgentIdentity agent = new AgentIdentity(id, onBehalfOf, textSet(am, "roles", agentCtx),
                textSet(am, "scopes", agentCtx), null);
        Node httpNode = m.values.get("http");
        Node sshNode = m.values.get("ssh");
        Channel channel = Channel.JDBC;
        String sql;
        PolicyExpectation.SshTarget target = null;
        if (sshNode != null) {
            if (m.values.get("sql") != null || httpNode != null) {
                throw fail(m.keys.get("ssh"), ctx + " has both " + (httpNode != null ? "http" : "sql") + " and ssh; "
                        + "an expectation decides one action: split it into two expectations");
            }
            channel = Channel.SSH;
            String sshCtx = "the ssh of " + ctx;
            MapNode sm = mapping(sshNode, sshCtx, "a mapping such as { host: app1.example.com, command: \"df -h\" }");
            checkKeys(sm, sshCtx, SSH_EXPECT_KEYS);
            Node hostNode = required(sm, "host", sshCtx, "name the host, e.g. host: app1.example.com");
            Node commandNode = required(sm, "command", sshCtx, "give the command line, e.g. command: \"df -h\"");
            sql = text(commandNode, sshCtx + " command");
            if (sql.isBlank()) {
                throw fail(commandNode, sshCtx + " command is empty; write the command line the agent would send");
            }
            String host = text(hostNode, sshCtx + " host");
            String user = sm.values.get("user") == null ? null : text(sm.values.get("user"), sshCtx + " user");
            Node directoryNode = sm.values.get("directory");
            String directory = directoryNode == null ? null : text(directoryNode, sshCtx + " directory");
            boolean interactive = sm.values.get("interactive") != null && bool(sm.values.get("interactive"),
                    sshCtx + " interactive");
            target = new PolicyExpectation.SshTarget(host, user, directory, interactive);
            try {
                dev.agentguard.core.action.SshAction.parse(host, user, sql, interactive, directory);
            } catch (IllegalArgumentException e) {
                Node at = e.getMessage().startsWith("SSH host") ? hostNode : e.getMessage().startsWith("SSH user")
                        ? sm.values.get("user") : directoryNode;
                throw fail(at == null ? sm : at, sshCtx + ": " + e.getMessage());
            }
        } else if (httpNode != null) {
            if (m.values.get("sql") != null) {
                throw fail(m.keys.get("http"), ctx + " has both sql and http; an expectation decides one action: "
                        + "split it into two expectations");
            }
            channel = Channel.HTTP;
            sql = text(httpNode, ctx + " http");
            try {
                HttpAction.ofRequestLine(sql);
            } catch (IllegalArgumentException e) {
                throw fail(httpNode, ctx + " http: " + e.getMessage());
            }
        } else {
            Node sqlNode = required(m, "sql", ctx, "give the action to decide, e.g. sql: \"DELETE FROM cards\"");
            sql = text(sqlNode, ctx + " sql");
            if (sql.isBlank()) {
                throw fail(sqlNode, ctx + " sql is empty; write the statement the agent would send");
            }
        }
        String intent = m.values.get("intent") == null ? null : text(m.values.get("intent"), ctx + " intent");
        Effect effect = effect(required(m, "effect", ctx, "say what should happen, e.g. effect: deny"), ctx + " effect");
        Node ruleNode = m.values.get("rule");
        String ruleId = ruleNode == null ? null : text(ruleNode, ctx + " rule");
        PolicyExpectation e = new PolicyExpectation(name, agent, channel, sql, intent, effect, ruleId, m.line, target);
        String problem = Policy.expectationProblem(e, rules);
        if (problem != null) {
            throw fail(ruleNode, problem);
        }
        return e;
    }

    // ---------------------------------------------------------------- values

    private Effect effect(Node node, String what) throws PolicyFileException {
        if (node instanceof ScalarNode s && s.isText()) {
            switch (s.text.strip().toLowerCase(Locale.ROOT)) {
                case "allow":
                    return Effect.ALLOW;
                case "deny":
                    return Effect.DENY;
                case "require-approval":
                    return Effect.REQUIRE_APPROVAL;
                default:
                    throw fail(node, what + " is " + shown(s.text) + "; allowed: " + EFFECTS);
            }
        }
        throw fail(node, what + " must be " + EFFECTS + ", found " + node.kind());
    }

    private String text(Node node, String what) throws PolicyFileException {
        if (node instanceof ScalarNode s && s.isText()) {
            return s.text;
        }
        String hint = node instanceof ScalarNode s && (s.token == JsonToken.VALUE_NUMBER_INT
                || s.token == JsonToken.VALUE_NUMBER_FLOAT || s.token == JsonToken.VALUE_TRUE
                || s.token == JsonToken.VALUE_FALSE) ? " (put it in quotes to make it text)" : "";
        throw fail(node, what + " must be text, found " + node.kind() + hint);
    }

    private boolean bool(Node node, String what) throws PolicyFileException {
        if (node instanceof ScalarNode s && (s.token == JsonToken.VALUE_TRUE || s.token == JsonToken.VALUE_FALSE)) {
            return s.token == JsonToken.VALUE_TRUE;
        }
        throw fail(node, what + " must be true or false, found " + node.kind());
    }

    private long nonNegative(Node node, String what) throws PolicyFileException {
        if (node instanceof ScalarNode s && s.token == JsonToken.VALUE_NUMBER_INT) {
            long value;
            try {
                value = Long.parseLong(s.text.replace("_", ""));
            } catch (NumberFormatException e) {
                throw fail(node, what + " is too large; use a whole number up to " + Long.MAX_VALUE);
            }
            if (value < 0) {
                throw fail(node, what + " must be 0 or more, got " + value);
            }
            return value;
        }
        throw fail(node, what + " must be a whole number, found " + node.kind());
    }

    private Set<String> textSet(MapNode m, String key, String ctx) throws PolicyFileException {
        Node node = m.values.get(key);
        if (node == null) {
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (Node item : list(node, key + " of " + ctx, "a list such as [payments]").items) {
            String value = text(item, "each entry of " + key);
            if (value.isBlank()) {
                throw fail(item, key + " must not contain empty entries; remove it");
            }
            out.add(value);
        }
        return out;
    }

    private ListNode list(Node node, String what, String example) throws PolicyFileException {
        if (node instanceof ListNode l) {
            return l;
        }
        throw fail(node, what + " must be " + example + ", found " + node.kind());
    }

    private MapNode mapping(Node node, String what, String example) throws PolicyFileException {
        if (node instanceof MapNode m) {
            return m;
        }
        throw fail(node, what + " must be " + example + ", found " + node.kind());
    }

    private Node required(MapNode m, String key, String ctx, String hint) throws PolicyFileException {
        Node node = m.values.get(key);
        if (node == null) {
            throw fail(m, "missing key \"" + key + "\" in " + ctx + "; " + hint);
        }
        return node;
    }

    private void checkKeys(MapNode m, String ctx, List<String> allowed) throws PolicyFileException {
        for (Key key : m.keys.values()) {
            if (!allowed.contains(key.name())) {
                String suggestion = closest(key.name(), allowed);
                throw fail(key, "unknown key " + shown(key.name()) + " in " + ctx + "; allowed keys: "
                        + String.join(", ", allowed) + (suggestion == null ? "" : "; did you mean \"" + suggestion + "\"?"));
            }
        }
    }

    /** The allowed key within two edits of {@code key} (case aside), for a "did you mean". */
    private static String closest(String key, List<String> allowed) {
        String best = null;
        int bestDistance = 3;
        for (String a : allowed) {
            int d = distance(key.toLowerCase(Locale.ROOT), a.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = a;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 2) {
            return Integer.MAX_VALUE;
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** A value quoted for a message when it is a short name; otherwise described, since it might be a secret. */
    static String shown(String value) {
        if (value != null && SHOWABLE.matcher(value).matches() && value.chars().filter(Character::isDigit).count() < 12) {
            return "\"" + value + "\"";
        }
        return "(a value not shown here)";
    }

    private PolicyFileException fail(Node at, String reason) {
        return new PolicyFileException(source, at.line, at.column, reason);
    }

    private PolicyFileException fail(Key at, String reason) {
        return new PolicyFileException(source, at.line(), at.column(), reason);
    }
}
