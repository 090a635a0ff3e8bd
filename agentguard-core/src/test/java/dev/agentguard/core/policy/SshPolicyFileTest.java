package dev.agentguard.core.policy;

import dev.agentguard.audit.Channel;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.action.SftpOperation;
import dev.agentguard.core.action.SshAction;
import dev.agentguard.core.identity.AgentIdentity;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ssh keys of the policy file: what they read, the docs' PCI example, and the exact error for each way they can be wrong. */
class SshPolicyFileTest {

    /** The example of docs/policy.md, "SSH conditions"; {@link #theDocsShowThisExampleVerbatim} keeps them equal. */
    static final String PCI_EXAMPLE = """
            policy: pci-ops
            description: What the operations agent may run on the cardholder data environment's hosts.
            version: 1
            default: deny

            rules:
              # ---- never ----
              - id: no-shadow
                description: Password hashes are never read.
                deny: { ssh: { paths: ["/etc/shadow", "/etc/gshadow"] } }

              - id: no-writes-to-etc
                description: System configuration changes go through change management.
                deny: { ssh: { writes: ["/etc/**"] } }

              # ---- with a person's approval ----
              - id: sudo-needs-approval
                description: Anything run as root is approved by a person.
                requireApproval: { ssh: { programs: [sudo] } }
                approvers: [ops-leads]

              - id: restarts-need-approval
                requireApproval: { ssh: { programs: [systemctl], arguments: [restart, stop] } }
                requireIntent: true

              # ---- allowed ----
              - id: health
                description: Disk, memory, load and service status.
                allow: { ssh: { hosts: ["*.pci.example.com"], programs: [df, free, uptime] } }

              - id: service-status
                allow: { ssh: { hosts: ["*.pci.example.com"], programs: [systemctl], arguments: [status, "--no-pager", "app*"] } }

              - id: read-app-logs
                description: Search the application's logs; card numbers in the output come back masked.
                allow:
                  ssh:
                    hosts: ["*.pci.example.com"]
                    programs: [grep, zgrep, tail, head, wc]
                    arguments: ["*"]                 # any option or search word...
                    paths: ["/var/log/app/**"]       # ...but files only under /var/log/app

              - id: fetch-app-logs
                allow: { ssh: { sftp: [list, read], paths: ["/var/log/app/**"] } }

            expect:
              - name: disk space
                agent: { id: ops-bot, roles: [ops] }
                ssh: { host: app1.pci.example.com, command: "df -h" }
                effect: allow
                rule: health

              - name: a log search
                agent: { id: ops-bot, roles: [ops] }
                ssh: { host: app1.pci.example.com, command: "grep -c ERROR /var/log/app/*.log" }
                effect: allow
                rule: read-app-logs

              - name: the shadow file is never read, however the line is written
                agent: { id: ops-bot, roles: [ops] }
                ssh: { host: app1.pci.example.com, command: "c''at /etc/sha*" }
                effect: deny
                rule: no-shadow

              - name: nothing is written under /etc
                agent: { id: ops-bot, roles: [ops] }
                ssh: { host: app1.pci.example.com, command: "echo 'nameserver 10.0.0.1' > /etc/resolv.conf" }
                effect: deny
                rule: no-writes-to-etc

              - name: root needs a person
                agent: { id: ops-bot, roles: [ops] }
                ssh: { host: app1.pci.example.com, user: deploy, command: "sudo systemctl restart app" }
                effect: require-approval
                rule: sudo-needs-approval

              - name: interpreters are never allowed by a broad rule
                agent: { id: ops-bot, roles: [ops] }
                ssh: { host: app1.pci.example.com, command: "python3 -c 'print(1)'" }
                effect: deny
                rule: default
            """;

    private static Policy parse(String yaml) throws PolicyFileException {
        return PolicyFileReader.parse(yaml, "policy.yaml", Map.<String, String>of()::get);
    }

    private static String error(String yaml) {
        return assertThrows(PolicyFileException.class, () -> parse(yaml)).getMessage();
    }

    private static String lines(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    /** A policy with one rule whose effect mapping is {@code effect}. */
    private static String rule(String effect) {
        return lines("policy: p", "default: deny", "rules:", "  - id: r", "    " + effect);
    }

    /** A policy with one expectation, written as a flow mapping after "  - ". */
    private static String expectation(String flow) {
        return lines("policy: p", "default: deny", "expect:", "  - " + flow);
    }

    private static Verdict decide(Policy p, PolicyExpectation e) {
        SshAction a = e.sshAction();
        return p.decide(e.agent(), new Action(Channel.SSH, a.host(), a.describe(), a));
    }

    @Nested
    class Reading {

        @Test
        void readsEverySshCondition() throws Exception {
            Policy p = parse(lines(
                    "policy: ssh",
                    "default: deny",
                    "rules:",
                    "  - id: everything",
                    "    deny:",
                    "      ssh:",
                    "        hosts: [APP1.example.com, \"*.pci.example.com\"]",
                    "        users: [deploy]",
                    "        programs: [cat, /usr/bin/systemctl]",
                    "        arguments: [\"-rf\", \"--force\"]",
                    "        paths: [\"/etc/shadow\", /var/log/app/]",
                    "        writes: [\"/etc/**\"]",
                    "        opaque: false",
                    "        interactive: true",
                    "  - id: sftp",
                    "    allow: { ssh: { sftp: [LIST, read, Mkdir], paths: [\"/srv/**\"] } }"));
            assertEquals(new SshCondition(List.of("app1.example.com", "*.pci.example.com"), List.of("deploy"),
                    List.of("cat", "/usr/bin/systemctl"), List.of("-rf", "--force"), List.of("/etc/shadow", "/var/log/app"),
                    List.of("/etc/**"), Set.of(), false, true), p.rules().get(0).condition());
            assertEquals(SshCondition.builder().sftp(SftpOperation.LIST, SftpOperation.READ, SftpOperation.MKDIR)
                    .paths("/srv/**").build(), p.rules().get(1).condition());
        }

        @Test
        void anEmptySshConditionIsTheConditionThatConstrainsNothing() throws Exception {
            assertEquals(SshCondition.ANY, parse(rule("deny: { ssh: {} }")).rules().get(0).condition());
        }

        @Test
        void theDocsExampleReadsAndItsExpectationsHold() throws Exception {
            Policy p = parse(PCI_EXAMPLE);
            assertEquals(8, p.rules().size());
            assertEquals(6, p.expectations().size());
            for (PolicyExpectation e : p.expectations()) {
                assertEquals(Channel.SSH, e.channel());
                Verdict v = decide(p, e);
                assertEquals(e.effect() + " by " + e.ruleId(), v.effect() + " by " + v.ruleId(), e.label() + ": "
                        + v.reason());
            }
            PolicyExpectation root = p.expectations().get(4);
            assertEquals(new PolicyExpectation.SshTarget("app1.pci.example.com", "deploy", null, false), root.ssh());
            assertEquals("sudo systemctl restart app", root.action());
        }

        @Test
        void theDocsShowThisExampleVerbatim() throws Exception {
            String docs = Files.readString(Path.of("..", "docs", "policy.md"), StandardCharsets.UTF_8);
            assertTrue(docs.contains("```yaml\n" + PCI_EXAMPLE + "```"), "docs/policy.md holds the SSH example as tested");
        }

        @Test
        void anSshExpectationMayNameTheUserDirectoryAndInteractiveSession() throws Exception {
            Policy p = parse(expectation("{ agent: { id: bot }, ssh: { host: h, user: deploy, directory: /home/deploy, "
                    + "interactive: true, command: \"cat notes\" }, effect: deny }"));
            PolicyExpectation e = p.expectations().get(0);
            assertEquals(new PolicyExpectation.SshTarget("h", "deploy", "/home/deploy", true), e.ssh());
            SshAction a = e.sshAction();
            assertTrue(a.interactive());
            assertEquals("/home/deploy", a.workingDirectory());
        }

        @Test
        void anUnreadableCommandIsAValidExpectationThatIsDenied() throws Exception {
            Policy p = parse(expectation("{ agent: { id: bot }, ssh: { host: h, command: \"cat 'x\" }, effect: deny, "
                    + "rule: default }"));
            PolicyExpectation e = p.expectations().get(0);
            assertTrue(e.sshAction().isUnreadable());
            assertEquals(Effect.DENY, decide(p, e).effect());
        }

        @Test
        void theJavaBuilderMakesTheSameExpectation() throws Exception {
            PolicyExpectation e = PolicyExpectation.ssh(AgentIdentity.of("bot"), "h", "df -h", Effect.ALLOW, null);
            assertEquals(Channel.SSH, e.channel());
            assertEquals(PolicyExpectation.SshTarget.host("h"), e.ssh());
            assertEquals(parse(expectation("{ agent: { id: bot }, ssh: { host: h, command: \"df -h\" }, effect: allow }"))
                    .expectations().get(0).ssh(), e.ssh());
            assertEquals("SSH host must be a host name or IP address (letters, digits, '.', '-', ':'), 1 to 253 "
                    + "characters", assertThrows(IllegalArgumentException.class, () -> PolicyExpectation.ssh(
                    AgentIdentity.of("bot"), "a b", "df", Effect.ALLOW, null)).getMessage());
            assertEquals("an expectation needs the action to decide: the command line is blank",
                    assertThrows(IllegalArgumentException.class, () -> PolicyExpectation.ssh(AgentIdentity.of("bot"),
                            "h", " ", Effect.ALLOW, null)).getMessage());
            assertEquals("an SSH expectation names the host its command line runs on", assertThrows(
                    IllegalArgumentException.class, () -> new PolicyExpectation(null, AgentIdentity.of("bot"),
                            Channel.SSH, "df", null, Effect.ALLOW, null, 0)).getMessage());
            assertEquals("not an SSH expectation: its channel is JDBC", assertThrows(IllegalStateException.class,
                    () -> PolicyExpectation.sql(AgentIdentity.of("bot"), "SELECT 1", Effect.ALLOW, null).sshAction())
                    .getMessage());
            assertNull(PolicyExpectation.sql(AgentIdentity.of("bot"), "SELECT 1", Effect.ALLOW, null).ssh());
        }

        @Test
        void theJavaBuilderBuildsTheSameRules() throws Exception {
            Policy fromFile = parse(rule("requireApproval: { ssh: { programs: [sudo], hosts: [\"*.example.com\"] } }"));
            Rule built = Rule.requireApproval("r").ssh(SshCondition.builder().programs("sudo").hosts("*.example.com"))
                    .line(4).build();
            assertEquals(built, fromFile.rules().get(0));
        }
    }

    @Nested
    class Errors {

        @Test
        void rejectsAnUnknownKeyWithASuggestion() {
            assertEquals("policy.yaml:5:20: unknown key \"program\" in the ssh condition of rule \"r\"; allowed keys: "
                    + "hosts, users, programs, arguments, paths, writes, sftp, opaque, interactive; did you mean "
                    + "\"programs\"?", error(rule("deny: { ssh: { program: [cat] } }")));
        }

        @Test
        void rejectsAConditionThatIsNotAMapping() {
            assertEquals("policy.yaml:5:18: the ssh condition of rule \"r\" must be a mapping such as { programs: [df, "
                    + "uptime] } or { programs: [cat], paths: [\"/etc/shadow\"] }, found a list",
                    error(rule("deny: { ssh: [cat] }")));
        }

        @Test
        void rejectsAListOfTheWrongType() {
            assertEquals("policy.yaml:5:30: programs must be a list of programs, e.g. [df, uptime, /usr/bin/systemctl], "
                    + "found text", error(rule("deny: { ssh: { programs: cat } }")));
            assertEquals("policy.yaml:5:32: each entry of arguments must be text, found a number (put it in quotes to "
                    + "make it text)", error(rule("deny: { ssh: { arguments: [-1] } }")));
        }

        @Test
        void rejectsARelativePathAtItsEntry() {
            assertEquals("policy.yaml:5:39: path pattern \"var/log\" is not an absolute path; write paths from the "
                    + "root, such as /var/log/app/**", error(rule("deny: { ssh: { paths: [\"/etc/**\", var/log] } }")));
            assertEquals("policy.yaml:5:29: writes pattern \"/etc/../x\" has a '..' segment; paths are matched after "
                    + "'.' segments are removed, so write the path without dot segments",
                    error(rule("deny: { ssh: { writes: [/etc/../x] } }")));
        }

        @Test
        void rejectsAProgramThatIsNotANameOrAnAbsolutePath() {
            assertEquals("policy.yaml:5:31: program pattern \"cat /etc/shadow\" has a space; name the program alone "
                    + "(cat) and its arguments in arguments", error(rule("deny: { ssh: { programs: [\"cat /etc/shadow\"] } }")));
            assertEquals("policy.yaml:5:31: program pattern \"bin/cat\" is a relative path; write a name (cat) or an "
                    + "absolute path (/usr/bin/cat)", error(rule("deny: { ssh: { programs: [bin/cat] } }")));
        }

        @Test
        void rejectsABadHostOrUser() {
            assertEquals("policy.yaml:5:28: host pattern \"app1..example.com\" is not allowed: use host names of letters, "
                    + "digits, '-' and single dots, with * for one label and ** for several, such as *.example.com",
                    error(rule("deny: { ssh: { hosts: [app1..example.com] } }")));
            assertEquals("policy.yaml:5:28: user pattern \"\"root\"\" contains a quote; write the name without quotes "
                    + "(matching is case-insensitive)", error(rule("deny: { ssh: { users: ['\"root\"'] } }")));
        }

        @Test
        void rejectsAnUnknownSftpOperation() {
            assertEquals("policy.yaml:5:34: unknown SFTP operation \"upload\"; allowed: list, read, write, remove, "
                    + "rename, mkdir", error(rule("allow: { ssh: { sftp: [read, upload] } }")));
        }

        @Test
        void rejectsOpaqueTrueOnAnAllowRule() {
            assertEquals("policy.yaml:5:29: an allow rule cannot allow every opaque command at once (opaque: true); "
                    + "name the programs rule \"r\" allows in programs, without wildcards",
                    error(rule("allow: { ssh: { opaque: true } }")));
            assertEquals("policy.yaml:5:28: opaque must be true or false, found text",
                    error(rule("deny: { ssh: { opaque: yes-please } }")));
        }

        @Test
        void rejectsCommandAndSftpConditionsInOneRule() {
            assertEquals("policy.yaml:5:37: rule \"r\": an ssh condition matches commands (programs, arguments, opaque) "
                    + "or SFTP operations (sftp), not both: split it into two rules",
                    error(rule("deny: { ssh: { programs: [cat], sftp: [read] } }")));
        }

        @Test
        void rejectsTwoChannelsInOneRule() {
            assertEquals("policy.yaml:5:22: rule \"r\" has both a sql and an ssh condition; a rule matches one channel: "
                    + "split it into two rules", error(rule("deny: { sql: {}, ssh: {} }")));
            assertEquals("policy.yaml:5:23: rule \"r\" has both an http and an ssh condition; a rule matches one "
                    + "channel: split it into two rules", error(rule("deny: { http: {}, ssh: {} }")));
        }

        @Test
        void rejectsMalformedSshExpectations() {
            assertEquals("policy.yaml:4:32: the ssh of expectation #1 must be a mapping such as { host: "
                    + "app1.example.com, command: \"df -h\" }, found text",
                    error(expectation("{ agent: { id: bot }, ssh: \"h: df\", effect: deny }")));
            assertEquals("policy.yaml:4:32: missing key \"host\" in the ssh of expectation #1; name the host, e.g. host: "
                    + "app1.example.com", error(expectation("{ agent: { id: bot }, ssh: { command: df }, effect: deny }")));
            assertEquals("policy.yaml:4:32: missing key \"command\" in the ssh of expectation #1; give the command line, "
                    + "e.g. command: \"df -h\"", error(expectation("{ agent: { id: bot }, ssh: { host: h }, effect: deny }")));
            assertEquals("policy.yaml:4:43: unknown key \"cmd\" in the ssh of expectation #1; allowed keys: host, user, "
                    + "command, directory, interactive", error(expectation(
                    "{ agent: { id: bot }, ssh: { host: h, cmd: df }, effect: deny }")));
            assertEquals("policy.yaml:4:52: the ssh of expectation #1 command is empty; write the command line the agent "
                    + "would send", error(expectation("{ agent: { id: bot }, ssh: { host: h, command: \" \" }, effect: deny }")));
        }

        @Test
        void rejectsABadHostUserOrDirectoryInAnExpectationAtItsValue() {
            assertEquals("policy.yaml:4:40: the ssh of expectation #1: SSH host must be a host name or IP address "
                    + "(letters, digits, '.', '-', ':'), 1 to 253 characters", error(expectation(
                    "{ agent: { id: bot }, ssh: { host: \"a b\", command: df }, effect: deny }")));
            assertEquals("policy.yaml:4:67: the ssh of expectation #1: workingDirectory must be an absolute path without "
                    + "'..' segments, or null when not known", error(expectation(
                    "{ agent: { id: bot }, ssh: { host: h, command: df, directory: home }, effect: deny }")));
            assertEquals("policy.yaml:4:56: the ssh of expectation #1 interactive must be true or false, found text",
                    error(expectation("{ agent: { id: bot }, ssh: { host: h, interactive: maybe, command: df }, "
                            + "effect: deny }")));
        }

        @Test
        void rejectsAnExpectationWithTwoActions() {
            assertEquals("policy.yaml:4:42: expectation #1 has both sql and ssh; an expectation decides one action: "
                    + "split it into two expectations", error(expectation(
                    "{ agent: { id: bot }, sql: SELECT 1, ssh: { host: h, command: df }, effect: deny }")));
            assertEquals("policy.yaml:4:51: expectation #1 has both http and ssh; an expectation decides one action: "
                    + "split it into two expectations", error(expectation(
                    "{ agent: { id: bot }, http: \"GET https://h/\", ssh: { host: h, command: df }, effect: deny }")));
        }

        @Test
        void rejectsAnExpectationWhoseRuleCannotGiveItsEffect() {
            assertEquals("policy.yaml:6:79: expectation at line 6 expects allow from rule \"r\", but that rule is a deny rule; "
                    + "fix the effect or the rule id", error(lines("policy: p", "default: deny", "rules:",
                    "  - { id: r, deny: { ssh: { programs: [rm] } } }", "expect:",
                    "  - { agent: { id: bot }, ssh: { host: h, command: df }, effect: allow, rule: r }")));
        }
    }
}
