package dev.agentguard.core.policy;

import dev.agentguard.audit.Channel;
import dev.agentguard.core.action.StatementKind;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.masking.MaskStrategy;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The policy file format: what it reads, and the exact error for each way it can be wrong. */
class PolicyFileTest {

    private static final String KEY = "q2Fh3mZxT0n7w8VY1bA6cD9eF4gH5iJ2kL3mN0oP1qR="; // 32 bytes, base64

    private static Policy parse(String yaml) throws PolicyFileException {
        return PolicyFileReader.parse(yaml, "policy.yaml", Map.of("MASK_KEY", KEY)::get);
    }

    private static PolicyFileException error(String yaml) {
        return assertThrows(PolicyFileException.class, () -> parse(yaml));
    }

    private static String lines(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    @Nested
    class Reading {

        @Test
        void readsAMinimalPolicy() throws Exception {
            Policy p = parse("policy: minimal\ndefault: deny\n");

            assertEquals("minimal", p.name());
            assertEquals(Effect.DENY, p.defaultEffect());
            assertEquals(List.of(), p.rules());
            assertEquals(0, p.rowLimit());
            assertEquals(List.of(), p.expectations());
        }

        @Test
        void readsARuleWithEveryCondition() throws Exception {
            Policy p = parse(lines(
                    "policy: full",
                    "default: allow",
                    "rules:",
                    "  - id: everything",
                    "    description: Every condition at once.",
                    "    agents: { ids: [\"bot-*\"], roles: [ops], scopes: [\"db:write\"] }",
                    "    deny:",
                    "      sql:",
                    "        kinds: [update, DELETE]",
                    "        tables: [cards]",
                    "        tablesRead: [public.orders]",
                    "        tablesWritten: [\"*.cards\"]",
                    "        columns: [cards.cvv]",
                    "        functions: [pg_sleep]",
                    "        dangerousForms: [copy program]",
                    "        whereMissing: true",
                    "        multiStatement: false",
                    "        dangerous: false"));

            Rule r = p.rules().get(0);
            assertEquals(new Rule("everything", Effect.DENY, "Every condition at once.",
                    new AgentSelector(Set.of("bot-*"), Set.of("ops"), Set.of("db:write")),
                    new SqlCondition(Set.of(StatementKind.UPDATE, StatementKind.DELETE), List.of("cards"),
                            List.of("public.orders"), List.of("*.cards"), List.of("cards.cvv"), List.of("pg_sleep"),
                            List.of("copy program"), true, false, false), 0, false, 4), r);
        }

        @Test
        void readsAnEmptyConditionAsEveryActionOfTheAgents() throws Exception {
            Policy p = parse(lines("policy: p", "default: deny", "rules:",
                    "  - id: ops-any", "    agents: { roles: [ops] }", "    allow: {}"));

            assertNull(p.rules().get(0).condition());
            assertTrue(p.rules().get(0).isBroad());
        }

        @Test
        void readsMaskingWithUnquotedOffAndNull() throws Exception {
            Policy p = parse(lines("policy: p", "default: deny", "masking:",
                    "  hashKeyEnv: MASK_KEY",
                    "  partial: { keepFirst: 0, keepLast: 4 }",
                    "  columns:",
                    "    - { match: \"*.cards.cvv\", strategy: null }",
                    "    - { match: \"*.customers.email\", strategy: keyed-hash }",
                    "  detectors: { ssn: off, iban: \"off\", email: partial }"));

            assertEquals(List.of(MaskStrategy.NULL, MaskStrategy.KEYED_HASH),
                    p.masking().columnRules().stream().map(c -> c.strategy()).toList());
            assertFalse(p.masking().detectorStrategies().containsKey("ssn"));
            assertFalse(p.masking().detectorStrategies().containsKey("iban"));
            assertEquals(MaskStrategy.PARTIAL, p.masking().detectorStrategies().get("email"));
            assertEquals(0, p.masking().partialKeepFirst());
            assertTrue(p.masking().hasHashKey());
        }

        @Test
        void readsJsonFieldRulesForResponseBodies() throws Exception {
            Policy p = parse(lines("policy: p", "default: deny", "masking:",
                    "  hashKeyEnv: MASK_KEY",
                    "  jsonFields:",
                    "    - { pointer: \"/card/number\", strategy: partial }",
                    "    - { pointer: \"/cards/*/holder\", strategy: keyed-hash }"));

            assertEquals(List.of("/card/number", "/cards/*/holder"),
                    p.masking().jsonFieldRules().stream().map(r -> r.pointer()).toList());
            assertEquals(List.of(MaskStrategy.PARTIAL, MaskStrategy.KEYED_HASH),
                    p.masking().jsonFieldRules().stream().map(r -> r.strategy()).toList());
        }

        @Test
        void aMalformedJsonFieldRuleNamesItsLineAndTheProblem() {
            PolicyFileException missing = error(lines("policy: p", "default: deny", "masking:",
                    "  jsonFields:",
                    "    - { strategy: partial }"));
            assertTrue(missing.getMessage().startsWith("policy.yaml:5:"), missing.getMessage());
            assertTrue(missing.getMessage().contains("pointer"), missing.getMessage());

            PolicyFileException unknownKey = error(lines("policy: p", "default: deny", "masking:",
                    "  jsonFields:",
                    "    - { pointer: \"/card/number\", strategy: partial, match: x }"));
            assertTrue(unknownKey.getMessage().contains("unknown key \"match\""), unknownKey.getMessage());

            PolicyFileException keyedHashWithoutKey = error(lines("policy: p", "default: deny", "masking:",
                    "  jsonFields:",
                    "    - { pointer: \"/card/number\", strategy: keyed-hash }"));
            assertTrue(keyedHashWithoutKey.getMessage().contains("hashKeyEnv"), keyedHashWithoutKey.getMessage());

            PolicyFileException badPointer = error(lines("policy: p", "default: deny", "masking:",
                    "  jsonFields:",
                    "    - { pointer: \"card/number\", strategy: partial }"));
            assertTrue(badPointer.getMessage().startsWith("policy.yaml:5:"), badPointer.getMessage());
        }

        @Test
        void withoutAMaskingSectionEveryDetectorIsOn() throws Exception {
            Policy p = parse("policy: p\ndefault: deny\n");

            assertEquals(Set.of("pan", "cvv", "track", "email", "ssn", "iban", "secret"),
                    p.masking().detectorStrategies().keySet());
        }

        @Test
        void readsExpectations() throws Exception {
            Policy p = parse(lines("policy: p", "default: deny",
                    "rules:",
                    "  - id: refunds",
                    "    requireApproval: { sql: { tablesWritten: [refunds] } }",
                    "    requireIntent: true",
                    "expect:",
                    "  - name: refund needs approval",
                    "    agent: { id: payments-bot, roles: [payments], scopes: [refunds], onBehalfOf: alice }",
                    "    sql: \"INSERT INTO refunds VALUES (1, 20.00)\"",
                    "    intent: refund order 42",
                    "    effect: require-approval",
                    "    rule: refunds",
                    "  - agent: { id: other }",
                    "    sql: SELECT 1",
                    "    effect: deny",
                    "    rule: default"));

            assertEquals(List.of(
                    new PolicyExpectation("refund needs approval", new AgentIdentity("payments-bot", "alice",
                            Set.of("payments"), Set.of("refunds"), null), Channel.JDBC,
                            "INSERT INTO refunds VALUES (1, 20.00)", "refund order 42", Effect.REQUIRE_APPROVAL,
                            "refunds", 8),
                    new PolicyExpectation(null, AgentIdentity.of("other"), Channel.JDBC, "SELECT 1", null, Effect.DENY,
                            "default", 14)), p.expectations());
            assertEquals("expectation at line 14", p.expectations().get(1).label());
        }

        @Test
        void loadsAFileAndNamesItInErrors(@TempDir Path dir) throws Exception {
            Path file = dir.resolve("agent.yaml");
            Files.writeString(file, "policy: from-file\ndefault: deny\nrowLimit: 10\n");
            assertEquals(10, Policy.load(file).rowLimit());

            Files.writeString(file, "policy: from-file\n");
            PolicyFileException e = assertThrows(PolicyFileException.class, () -> Policy.load(file));
            assertEquals(file + ":1:1: missing key \"default\" in the policy; say what happens to an action no rule "
                    + "matches: default: deny (recommended), default: allow or default: require-approval", e.getMessage());
        }

        @Test
        void loadSkipsAByteOrderMark(@TempDir Path dir) throws Exception {
            Path file = dir.resolve("bom.yaml");
            Files.writeString(file, "\uFEFFpolicy: bom\ndefault: deny\n");

            assertEquals("bom", Policy.load(file).name());
        }
    }

    @Nested
    class Errors {

        @Test
        void rejectsAnEmptyFile() {
            PolicyFileException e = error("# nothing but a comment\n");

            assertEquals("policy.yaml:1:1: the policy file is empty; it needs at least \"policy: <name>\" and "
                    + "\"default: deny\"", e.getMessage());
            assertEquals("policy.yaml", e.source());
            assertEquals(1, e.line());
            assertEquals(1, e.column());
        }

        @Test
        void rejectsAMissingDefault() {
            assertEquals("policy.yaml:2:1: missing key \"default\" in the policy; say what happens to an action no rule "
                            + "matches: default: deny (recommended), default: allow or default: require-approval",
                    error("\npolicy: p\nrules: []\n").getMessage());
        }

        @Test
        void rejectsAMissingName() {
            assertEquals("policy.yaml:1:1: missing key \"policy\" in the policy; name the policy, e.g. policy: "
                    + "payments-agent", error("default: deny\n").getMessage());
        }

        @Test
        void rejectsAnUnknownTopLevelKeyNamingTheAllowedKeys() {
            PolicyFileException e = error("policy: p\ndefault: deny\nrowlimit: 5\n");

            assertEquals("policy.yaml:3:1: unknown key \"rowlimit\" in the policy; allowed keys: policy, description, "
                    + "version, default, rowLimit, sharedAgentIds, rules, masking, expect; did you mean \"rowLimit\"?", e.getMessage());
            assertEquals(3, e.line());
        }

        @Test
        void rejectsAnUnknownKeyInASqlCondition() {
            PolicyFileException e = error(lines("policy: p", "default: deny", "rules:",
                    "  - id: read-cards",
                    "    allow:",
                    "      sql:",
                    "        kinds: [SELECT]",
                    "        tabels: [cards]"));

            assertEquals("policy.yaml:8:9: unknown key \"tabels\" in the sql condition of rule \"read-cards\"; allowed "
                    + "keys: kinds, tables, tablesRead, tablesWritten, columns, functions, dangerousForms, whereMissing, "
                    + "multiStatement, dangerous; did you mean \"tables\"?", e.getMessage());
        }

        @Test
        void rejectsAnUnknownKeyInARule() {
            assertEquals("policy.yaml:5:5: unknown key \"effect\" in rule \"r\"; allowed keys: id, description, agents, "
                    + "allow, deny, requireApproval, rowLimit, requireIntent, approvals, approvers, grant, breakGlass, "
                    + "autoApprove", error(lines("policy: p", "default: deny",
                    "rules:", "  - id: r", "    effect: deny", "    deny: {}")).getMessage());
        }

        @Test
        void rejectsAnUnknownKeyInAgents() {
            assertEquals("policy.yaml:4:24: unknown key \"role\" in the agents of rule \"r\"; allowed keys: ids, roles, "
                    + "scopes, onBehalfOf; did you mean \"roles\"?", error(lines("policy: p", "default: deny", "rules:",
                    "  - { id: r, agents: { role: [ops] }, allow: {} }")).getMessage());
        }

        @Test
        void rejectsAnUnknownChannelInAnEffect() {
            assertEquals("policy.yaml:4:22: unknown key \"jdbc\" in the deny of rule \"r\"; allowed keys: sql, http, ssh",
                    error(lines("policy: p", "default: deny", "rules:", "  - { id: r, deny: { jdbc: {} } }"))
                            .getMessage());
        }

        @Test
        void rejectsADuplicateRuleId() {
            PolicyFileException e = error(lines("policy: p", "default: deny", "rules:",
                    "  - id: read", "    allow: {}",
                    "  - id: read", "    deny: {}"));

            assertEquals("policy.yaml:6:9: duplicate rule id \"read\" (first defined at line 4); every rule needs its "
                    + "own id, since verdicts and journal events name it", e.getMessage());
        }

        @Test
        void rejectsADuplicateKey() {
            assertEquals("policy.yaml:3:1: duplicate key \"default\" (first at line 2); a key may appear once per "
                    + "mapping", error("policy: p\ndefault: deny\ndefault: allow\n").getMessage());
        }

        @Test
        void rejectsARuleWithoutId() {
            assertEquals("policy.yaml:4:5: rule #1 has no id; give every rule a unique id, e.g. id: "
                    + "no-delete-without-where", error(lines("policy: p", "default: deny", "rules:",
                    "  - deny: {}")).getMessage());
        }

        @Test
        void rejectsAReservedRuleId() {
            assertEquals("policy.yaml:4:9: rule id \"default\" is reserved for verdicts the policy makes itself; choose "
                    + "another id", error(lines("policy: p", "default: deny", "rules:", "  - id: default",
                    "    deny: {}")).getMessage());
        }

        @Test
        void rejectsARuleWithoutEffect() {
            assertEquals("policy.yaml:4:5: rule \"r\" has no effect; add one of allow:, deny: or requireApproval: with "
                    + "its conditions, e.g. deny: { sql: { kinds: [DELETE], whereMissing: true } }",
                    error(lines("policy: p", "default: deny", "rules:", "  - id: r")).getMessage());
        }

        @Test
        void rejectsARuleWithTwoEffects() {
            assertEquals("policy.yaml:6:5: rule \"r\" has both allow and deny; a rule has exactly one effect: split it "
                    + "into two rules", error(lines("policy: p", "default: deny", "rules:", "  - id: r",
                    "    allow: {}", "    deny: {}")).getMessage());
        }

        @Test
        void rejectsAnEffectWithoutAMapping() {
            assertEquals("policy.yaml:5:10: rule \"r\" deny must be a mapping: {} for every action of its agents, or "
                    + "{ sql: { … } } for SQL statements, found nothing (an empty value)",
                    error(lines("policy: p", "default: deny", "rules:", "  - id: r", "    deny:")).getMessage());
        }

        @Test
        void rejectsAnUnknownStatementKind() {
            assertEquals("policy.yaml:4:37: unknown statement kind \"DELET\"; allowed: SELECT, INSERT, UPDATE, DELETE, "
                    + "MERGE, DDL, DCL, CALL, TRANSACTION, SET, UNKNOWN", error(lines("policy: p", "default: deny",
                    "rules:", "  - { id: r, deny: { sql: { kinds: [DELET] } } }")).getMessage());
        }

        @Test
        void rejectsAnUnknownEffect() {
            assertEquals("policy.yaml:2:10: default is \"block\"; allowed: allow, deny or require-approval",
                    error("policy: p\ndefault: block\n").getMessage());
        }

        @Test
        void rejectsAYamlBooleanWhereAnEffectIsExpected() {
            assertEquals("policy.yaml:2:10: default must be allow, deny or require-approval, found true/false",
                    error("policy: p\ndefault: no\n").getMessage());
        }

        @Test
        void rejectsWrongTypes() {
            assertEquals("policy.yaml:3:8: rules must be a list of rules, each starting with - id: …, found text",
                    error("policy: p\ndefault: deny\nrules: everything\n").getMessage());
            assertEquals("policy.yaml:3:11: rowLimit must be a whole number, found text",
                    error("policy: p\ndefault: deny\nrowLimit: many\n").getMessage());
            assertEquals("policy.yaml:3:11: rowLimit must be 0 or more, got -5",
                    error("policy: p\ndefault: deny\nrowLimit: -5\n").getMessage());
            assertEquals("policy.yaml:4:43: whereMissing must be true or false, found text",
                    error(lines("policy: p", "default: deny", "rules:",
                            "  - { id: r, deny: { sql: { whereMissing: \"yes\" } } }")).getMessage());
            assertEquals("policy.yaml:1:9: policy (the policy's name) must be text, found a number (put it in quotes to "
                    + "make it text)", error("policy: 42\ndefault: deny\n").getMessage());
            assertEquals("policy.yaml:4:36: kinds must be a list of statement kinds, e.g. [SELECT], found text",
                    error(lines("policy: p", "default: deny", "rules:",
                            "  - { id: r, deny: { sql: { kinds: DELETE } } }")).getMessage());
            assertEquals("policy.yaml:1:1: a policy file is a mapping with the keys policy, description, version, "
                    + "default, rowLimit, sharedAgentIds, rules, masking, expect, found a list", error("- policy: p\n").getMessage());
        }

        @Test
        void rejectsRowLimitOnADenyRule() {
            assertEquals("policy.yaml:6:5: rowLimit applies to allow rules only; rule \"r\" is a deny rule: remove "
                    + "rowLimit or move it to an allow rule", error(lines("policy: p", "default: deny", "rules:",
                    "  - id: r", "    deny: {}", "    rowLimit: 10")).getMessage());
        }

        @Test
        void rejectsRequireIntentOnAnAllowRule() {
            assertEquals("policy.yaml:6:5: requireIntent applies to requireApproval rules only; rule \"r\" is an allow "
                    + "rule: remove requireIntent", error(lines("policy: p", "default: deny", "rules:",
                    "  - id: r", "    allow: {}", "    requireIntent: true")).getMessage());
        }

        @Test
        void rejectsAnAllowRuleForEveryDangerousForm() {
            assertEquals("policy.yaml:4:41: an allow rule cannot allow every dangerous form at once (dangerous: true); "
                    + "name the forms rule \"r\" allows in dangerousForms or functions", error(lines("policy: p",
                    "default: deny", "rules:", "  - { id: r, allow: { sql: { dangerous: true } } }")).getMessage());
        }

        @Test
        void rejectsAMalformedTablePattern() {
            assertEquals("policy.yaml:4:42: table pattern \"public..cards\" has an empty part; write names separated by "
                    + "single dots, such as public.cards", error(lines("policy: p", "default: deny", "rules:",
                    "  - { id: r, deny: { sql: { tables: [ok, \"public..cards\"] } } }")).getMessage());
        }

        @Test
        void rejectsAQuotedName() {
            assertEquals("policy.yaml:4:38: table pattern \"\"Cards\"\" contains a quote; write the name without quotes "
                    + "(matching is case-insensitive)", error(lines("policy: p", "default: deny", "rules:",
                    "  - { id: r, deny: { sql: { tables: ['\"Cards\"'] } } }")).getMessage());
        }

        @Test
        void rejectsMalformedYamlWithItsLine() {
            PolicyFileException e = error(lines("policy: p", "default: deny", "rules: [a, b", "masking: {}"));

            assertEquals("policy.yaml:4:8: not valid YAML: expected ',' or ']', but got :", e.getMessage());
        }

        @Test
        void rejectsTabIndentation() {
            assertEquals("policy.yaml:3:1: not valid YAML: found character '\\t(TAB)' that cannot start any token. "
                    + "(Do not use \\t(TAB) for indentation)", error("policy: p\ndefault: deny\n\trules: []\n").getMessage());
        }

        @Test
        void rejectsAliases() {
            assertEquals("policy.yaml:5:20: YAML aliases (*name) are not supported in a policy file; write the value out "
                    + "so that reviewers see it where it applies", error(lines("policy: p", "default: deny",
                    "rules:", "  - { id: a, deny: { sql: { tables: &t [cards] } } }",
                    "  - { id: b, deny: *t }")).getMessage());
        }

        @Test
        void rejectsASecondDocument() {
            assertEquals("policy.yaml:4:1: a policy file holds one YAML document; remove the second document (after ---)",
                    error("policy: p\ndefault: deny\n---\npolicy: q\n").getMessage());
        }

        @Test
        void rejectsAnotherVersion() {
            assertEquals("policy.yaml:2:10: version must be 1, the policy format this AgentGuard reads; this file is "
                    + "written for version \"2\"", error("policy: p\nversion: 2\ndefault: deny\n").getMessage());
        }

        @Test
        void rejectsAnUnknownDetector() {
            assertEquals("policy.yaml:4:16: unknown detector \"passport\" in masking.detectors; known detectors: track, "
                    + "pan, cvv, iban, ssn, email, secret", error(lines("policy: p", "default: deny", "masking:",
                    "  detectors: { passport: redact }")).getMessage());
        }

        @Test
        void rejectsAnUnknownStrategy() {
            assertEquals("policy.yaml:4:44: unknown masking strategy \"hash\"; allowed: redact, partial, keyed-hash or "
                    + "null", error(lines("policy: p", "default: deny", "masking:",
                    "  columns: [ { match: cards.pan, strategy: hash } ]")).getMessage());
        }

        @Test
        void rejectsOffForAColumnRule() {
            assertEquals("policy.yaml:4:44: a masking strategy must be one of redact, partial, keyed-hash or null, "
                    + "found true/false", error(lines("policy: p", "default: deny", "masking:",
                    "  columns: [ { match: cards.pan, strategy: off } ]")).getMessage());
        }

        @Test
        void rejectsPartialDisplayBeyondPci() {
            assertEquals("policy.yaml:4:25: partialKeepFirst is 8, allowed are 0 to 6: PCI DSS 3.4.1 allows showing at "
                    + "most the first 6 digits of a PAN", error(lines("policy: p", "default: deny", "masking:",
                    "  partial: { keepFirst: 8 }")).getMessage());
        }

        @Test
        void readsSharedAgentIdsAndPeopleInSelectors() throws Exception {
            Policy p = parse(lines("policy: p", "default: deny", "sharedAgentIds: [admin, service]", "rules:",
                    "  - id: staff", "    agents: { roles: [payments], onBehalfOf: [\"*@example.com\"] }",
                    "    allow: { sql: { kinds: [SELECT] } }"));

            assertEquals(Set.of("admin", "service"), p.sharedAgentIds());
            assertEquals(Set.of("*@example.com"), p.rules().get(0).agents().onBehalfOf());
        }

        @Test
        void readsPartialDisplayPerBrand() throws Exception {
            Policy p = parse(lines("policy: p", "default: deny", "masking:",
                    "  partial:",
                    "    keepFirst: 6",
                    "    brands: { visa: { keepFirst: 8 }, AMEX: { keepFirst: 0, keepLast: 4 } }"));

            assertEquals(8, p.masking().partialKeepFirst(dev.agentguard.core.masking.CardBrand.VISA));
            assertEquals(4, p.masking().partialKeepLast(dev.agentguard.core.masking.CardBrand.VISA));
            assertEquals(0, p.masking().partialKeepFirst(dev.agentguard.core.masking.CardBrand.AMEX));
            assertEquals(6, p.masking().partialKeepFirst(dev.agentguard.core.masking.CardBrand.JCB));
        }

        @Test
        void rejectsAnUnknownBrandAndLimitsBeyondItsRules() {
            assertEquals("policy.yaml:5:15: unknown card brand \"visaa\" in masking.partial.brands; known brands: visa, "
                    + "mastercard, amex, discover, jcb, diners, unionpay, maestro, mir, rupay, dankort, troy, verve, "
                    + "interpayment", error(lines("policy: p", "default: deny", "masking:", "  partial:",
                    "    brands: { visaa: { keepFirst: 8 } }")).getMessage());
            assertEquals("policy.yaml:5:34: partial keepFirst for VISA is 9, allowed are 0 to 8: a brand's BIN rules "
                    + "allow showing at most the first 8 digits", error(lines("policy: p", "default: deny", "masking:",
                    "  partial:", "    brands: { visa: { keepFirst: 9 } }")).getMessage());
        }

        @Test
        void rejectsKeyedHashWithoutAKey() {
            assertEquals("policy.yaml:4:3: masking strategy KEYED_HASH is used by detector \"email\" but no hash key is "
                    + "set: set hashKey (e.g. from an environment variable holding `openssl rand -base64 32`) or use "
                    + "another strategy; there is no unkeyed hash; in a policy file, name the variable holding the key "
                    + "with masking.hashKeyEnv", error(lines("policy: p", "default: deny", "masking:",
                    "  detectors: { email: keyed-hash }")).getMessage());
        }

        @Test
        void rejectsKeyedHashWhoseVariableIsUnset() {
            assertEquals("policy.yaml:4:15: the environment variable named by masking.hashKeyEnv is not set, but keyed-hash masking needs its "
                    + "key: set it to a base64 key of at least 32 bytes (openssl rand -base64 32)", error(lines(
                    "policy: p", "default: deny", "masking:", "  hashKeyEnv: UNSET_KEY",
                    "  detectors: { email: keyed-hash }")).getMessage());
        }

        @Test
        void neverEchoesAKeyPastedIntoHashKeyEnv() {
            PolicyFileException e = error(lines("policy: p", "default: deny", "masking:", "  hashKeyEnv: " + KEY));

            assertEquals("policy.yaml:4:15: hashKeyEnv must be the name of an environment variable (letters, digits and "
                    + "_), not the key; put the base64 key in that variable", e.getMessage());
            assertFalse(e.getMessage().contains(KEY.substring(0, 8)));
        }

        @Test
        void neverEchoesANonNameValue() {
            PolicyFileException e = error("policy: p\ndefault: \"4111111111111111\"\n");

            assertEquals("policy.yaml:2:10: default is (a value not shown here); allowed: allow, deny or "
                    + "require-approval", e.getMessage());
        }

        @Test
        void rejectsAnExpectationNamingAnUnknownRule() {
            assertEquals("policy.yaml:8:11: expectation at line 5 names rule \"no-such-rule\", which the policy does not "
                    + "define; use one of its rule ids or \"default\"", error(lines("policy: p", "default: deny",
                    "rules: [ { id: read, allow: {} } ]", "expect:",
                    "  - agent: { id: bot }", "    sql: SELECT 1", "    effect: allow",
                    "    rule: no-such-rule")).getMessage());
        }

        @Test
        void rejectsAnExpectationWhoseEffectContradictsItsRule() {
            assertEquals("policy.yaml:5:62: expectation at line 5 expects deny from rule \"read\", but that rule is an "
                    + "allow rule; fix the effect or the rule id", error(lines("policy: p", "default: deny",
                    "rules: [ { id: read, allow: {} } ]", "expect:",
                    "  - { agent: { id: bot }, sql: SELECT 1, effect: deny, rule: read }")).getMessage());
        }

        @Test
        void rejectsAnExpectationWithoutSql() {
            assertEquals("policy.yaml:4:5: missing key \"sql\" in expectation #1; give the action to decide, e.g. sql: "
                    + "\"DELETE FROM cards\"", error(lines("policy: p", "default: deny", "expect:",
                    "  - { agent: { id: bot }, effect: deny }")).getMessage());
        }

        @Test
        void reportsAMissingFile(@TempDir Path dir) {
            Path missing = dir.resolve("missing.yaml");

            PolicyFileException e = assertThrows(PolicyFileException.class, () -> Policy.load(missing));

            assertEquals(missing + ":0:0: no such policy file; check the path", e.getMessage());
            assertEquals(0, e.line());
        }

        @Test
        void rejectsAFileThatIsNotUtf8(@TempDir Path dir) throws IOException {
            Path file = dir.resolve("latin1.yaml");
            Files.write(file, new byte[] {'p', 'o', 'l', 'i', 'c', 'y', ':', ' ', (byte) 0xE9, '\n'});

            PolicyFileException e = assertThrows(PolicyFileException.class, () -> Policy.load(file));

            assertEquals(file + ":0:0: the policy file is not UTF-8 text; save it as UTF-8", e.getMessage());
        }
    }
}
