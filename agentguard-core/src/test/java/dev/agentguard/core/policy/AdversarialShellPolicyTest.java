package dev.agentguard.core.policy;

import dev.agentguard.core.identity.AgentIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Obfuscated command lines against a deny rule on {@code cat /etc/shadow} and one on {@code rm}:
 * each is denied — by the rule itself when the line shows enough to know, else because the line
 * holds a command no broad allow covers (opaque, or a program only known when the line runs), or
 * because it cannot be read. Every case runs under a policy with a broad allow
 * ({@code programs: ["*"]}) and default deny, under one with default allow, and from a working
 * directory nobody knows and in an interactive session.
 */
class AdversarialShellPolicyTest {

    private static final AgentIdentity AGENT = AgentIdentity.of("ops-bot", "ops");

    private static Policy.Builder withDenyRules(Effect defaultEffect) {
        return Policy.builder().name("adversarial").defaultEffect(defaultEffect)
                .rule(Rule.deny("no-shadow").ssh(SshCondition.builder().programs("cat").paths("/etc/shadow")))
                .rule(Rule.deny("no-rm").ssh(SshCondition.builder().programs("rm")));
    }

    /** Broad allow, default deny: what a careless policy looks like. */
    private static final Policy BROAD = withDenyRules(Effect.DENY)
            .rule(Rule.allow("everything").ssh(SshCondition.builder().programs("*"))).build();

    /** No allow rule, default allow. */
    private static final Policy OPEN = withDenyRules(Effect.ALLOW).build();

    /** Shells, wrappers and finders allowed by name: the deny rules must still see what they run. */
    private static final Policy TRUSTING = withDenyRules(Effect.DENY)
            .rule(Rule.allow("everything").ssh(SshCondition.builder().programs("*")))
            .rule(Rule.allow("named").ssh(SshCondition.builder().programs("bash", "sh", "sudo", "env", "xargs", "find",
                    "eval", "ssh", "busybox", "nohup", "timeout", "command", "exec", "time", "nice", "su")))
            .build();

    private static void assertDeniedEverywhere(String line, String rule) {
        for (Policy p : List.of(BROAD, OPEN)) {
            for (var action : List.of(Ssh.line(line), Ssh.lineFromUnknownDirectory(line),
                    Ssh.line(Ssh.HOST, "deploy", line, true, "/home/deploy"))) {
                Verdict v = p.decide(AGENT, action);
                assertEquals(Effect.DENY, v.effect(), line + " — " + v.ruleId() + ": " + v.reason());
                if (rule != null) {
                    assertEquals(rule, v.ruleId(), line + " — " + v.reason());
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "cat /etc/shadow",
            "c''at /etc/shadow",
            "c\"a\"t /etc/shadow",
            "\\cat /etc/shadow",
            "ca\\t /etc/shadow",
            "'cat' '/etc/shadow'",
            "/bin/cat /etc/shadow",
            "/usr/bin/cat /etc/shadow",
            "/bin/../bin/cat /etc/shadow",
            "/tmp/x/cat /etc/shadow",
            "./cat /etc/shadow",
            "CAT /ETC/SHADOW",
            "$(echo cat) /etc/shadow",
            "`echo cat` /etc/shadow",
            "$'\\x63at' /etc/shadow",
            "$'\\143at' /etc/shadow",
            "$\"cat\" /etc/shadow",
            "/???/c?t /etc/shadow",
            "=cat /etc/shadow",
            "bash -c 'cat /etc/shadow'",
            "sh -c \"cat /etc/shadow\"",
            "sh <<EOF\ncat /etc/shadow\nEOF",
            "bash <<< 'cat /etc/shadow'",
            "eval cat /etc/shadow",
            "eval \"c\"\"at /etc/shadow\"",
            "env cat /etc/shadow",
            "env -i PATH=/bin cat /etc/shadow",
            "sudo cat /etc/shadow",
            "sudo -u root -- cat /etc/shadow",
            "sudo sh -c 'cat /etc/shadow'",
            "command -p cat /etc/shadow",
            "exec cat /etc/shadow",
            "time cat /etc/shadow",
            "nice -n 5 cat /etc/shadow",
            "nohup cat /etc/shadow &",
            "timeout 5 cat /etc/shadow",
            "busybox cat /etc/shadow",
            "ssh localhost cat /etc/shadow",
            "xargs cat <<< /etc/shadow",
            "echo /etc/shadow | xargs cat",
            "find / -name shadow -exec cat {} \\;",
            "find /etc -name shadow -exec cat {} +",
            "cat /etc/sha*",
            "cat /etc/shado?",
            "cat /etc/[s]hadow",
            "cat /e*/sh*",
            "cat /etc/{shadow,passwd}",
            "cat /etc/./shadow",
            "cat //etc//shadow",
            "cat /etc/shadow/",
            "cat /etc/../etc/shadow",
            "cat /var/log/../../etc/shadow",
            "cat ../../../../etc/shadow",
            "cat /proc/self/root/etc/shadow",
            "cat /proc/1/root/etc/shadow",
            "cat ~root/../../etc/shadow",
            "cat /etc/sh\"\"adow",
            "cat /etc/shad\\ow",
            "cat $'/etc/shadow'",
            "cat -- /etc/shadow",
            "cat \"$(printf /etc/shadow)\"",
            "X=/etc/shadow; cat $X",
            "X=/etc; cat $X/shadow",
            "true && cat /etc/shadow",
            "false || cat /etc/shadow",
            "cat</etc/shadow",
            "cat 0< /etc/shadow",
            "{ cat /etc/shadow; }",
            "{ cat; } < /etc/shadow",
            "(cat /etc/shadow)",
            "(cat) < /etc/shadow",
            "echo x | cat /etc/shadow",
            "echo $(cat /etc/shadow)",
            "diff <(cat /etc/shadow) /dev/null",
            "while read l; do cat $l; done <<< /etc/shadow",
            "for f in /etc/shadow; do cat $f; done",
            "f(){ cat /etc/shadow; }; f",
            "cd /etc && cat shadow",
            "cd /etc; cat ./shadow",
            "true\ncat /etc/shadow",
            "cat\t/etc/shadow",
            "true;\tcat /etc/shadow",
            "ca\\\nt /etc/shadow",
            "cat /etc/sha\\\ndow",
            "cat /etc/shadow # harmless comment",
            "cat /etc/shadow 2>/dev/null || true",
    })
    void catOfTheShadowFileIsDeniedByTheRule(String line) {
        assertDeniedEverywhere(line, "no-shadow");
        Verdict trusting = TRUSTING.decide(AGENT, Ssh.line(line));
        assertEquals("DENY no-shadow", trusting.effect() + " " + trusting.ruleId(), line + " — " + trusting.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "rm -rf /",
            "/bin/rm -rf /",
            "r\\m -rf /",
            "\"rm\" -rf /",
            "command rm -rf /",
            "sudo rm -rf /",
            "nohup rm -rf / &",
            "$(which rm) -rf /",
            "`echo rm` -rf /",
            "${RM:-rm} -rf /",
            "R=rm; $R -rf /",
            "r$()m -rf /",
            "rm${IFS}-rf /",
            "{rm,-rf,/}",
            "a=(rm -rf /); \"${a[@]}\"",
            "xargs rm < list",
            "find / -exec rm {} +",
            "timeout 5 rm -rf /",
            "busybox rm -rf /",
            "eval 'rm -rf /'",
            "bash -c 'rm -rf /'",
            "sh <<'EOF'\nrm -rf /\nEOF",
            "ssh localhost 'rm -rf /'",
            "su -c 'rm -rf /' root",
            "echo ok; rm x",
            "!rm",
            "!!",
            "PATH=/tmp ls",
            "LD_PRELOAD=/tmp/x.so ls",
            "PATH=/tmp:$PATH; cat /etc/passwd",
            "sudo $CMD",
            "env -S 'rm -rf /'",
            "sudo --unheard-of-option rm -rf /",
    })
    void rmAndEveryProgramOnlyKnownWhenTheLineRunsAreDeniedByTheRmRule(String line) {
        assertDeniedEverywhere(line, "no-rm");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "alias c=cat; c /etc/shadow",
            "\u0441at /etc/shadow",
            "c\u0430t /etc/shadow",
            "\uff43at /etc/shadow",
            "cat\u00a0/etc/shadow",
            "python3 -c 'import os; os.system(\"cat /etc/shadow\")'",
            "perl -e 'print `cat /etc/shadow`'",
            "ruby -e 'puts File.read(\"/etc/shadow\")'",
            "node -e 'require(\"fs\").readFileSync(\"/etc/shadow\")'",
            "awk 'BEGIN{system(\"cat /etc/shadow\")}'",
            "awk '{print}' /etc/shadow > /dev/null; awk 'BEGIN { while ((getline l < \"/etc/shadow\") > 0) print l }'",
            "sed -n '1r /etc/shadow' /dev/null",
            "echo cat /etc/shadow | sh",
            "bash script.sh",
            "source ./x.sh",
            ". ./x.sh",
            "tar --to-command='cat /etc/shadow' -xf x.tar",
            "vim -c ':!cat /etc/shadow'",
            "less /etc/hostname",
            "echo $((a[$(cat /etc/shadow)]))",
            "x='a[$(cat /etc/shadow)]'; echo $((x))",
            "x='a[$(cat /etc/shadow)]'; echo $[x]",
            "declare -n r=x",
            "[ -v 'a[$(cat /etc/shadow)]' ]",
    })
    void opaqueCommandsAreNotAllowedByABroadAllowNorByADefaultOfAllow(String line) {
        assertDeniedEverywhere(line, null);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "cat /etc/shadow\r",
            "echo ok\rcat /etc/shadow",
            "cat /etc/shad\u200bow",
            "cat /etc/\u202ewodahs",
            "cat /etc/shadow\u0000",
            "cat '/etc/shadow",
            "cat $(cat /etc/shadow",
            "cat <<EOF\n/etc/shadow",
            "bash -c 'cat /etc/shadow; if'",
            "eval \"'\"; cat /etc/shadow",
            "cat \\",
    })
    void linesThatCannotBeReadAreDenied(String line) {
        assertDeniedEverywhere(line, null);
        for (Policy p : List.of(BROAD, OPEN, TRUSTING)) {
            Verdict v = p.decide(AGENT, Ssh.line(line));
            assertEquals(true, v.reason().contains("could not be read"), v.reason());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "dd if=/etc/shadow",
            "grep --file=/etc/shadow x",
            "grep -f/etc/shadow x",
            "cp /etc/shadow /tmp/x",
            "tar -cf - /etc/shadow",
            "scp host:/etc/shadow .",
            "tac /etc/shadow",
            "head < /etc/shadow",
            "base64 /etc//shadow",
            "cat /etc/sha[d]ow",
    })
    void aDenyRuleOnThePathAloneCatchesEveryProgramThatNamesIt(String line) {
        Policy p = Policy.builder().name("paths").defaultEffect(Effect.DENY)
                .rule(Rule.deny("no-shadow-anywhere").ssh(SshCondition.builder().paths("/etc/shadow")))
                .rule(Rule.allow("everything").ssh(SshCondition.builder().programs("*")))
                .build();
        Verdict v = p.decide(AGENT, Ssh.line(line));
        assertEquals("DENY no-shadow-anywhere", v.effect() + " " + v.ruleId(), line + " — " + v.reason());
    }

    @Test
    void theSamePoliciesAllowOrdinaryCommands() {
        for (String line : List.of("cat /etc/passwd", "ls -l /etc", "grep -c x /var/log/syslog", "cat shadow.txt",
                "df -h && uptime", "echo /etc/shadow", "cat /etc/shadowed", "rmdir /tmp/x", "find / -name shadow")) {
            Verdict broad = BROAD.decide(AGENT, Ssh.line(line));
            assertEquals(Effect.ALLOW, broad.effect(), line + " — " + broad.reason());
            Verdict open = OPEN.decide(AGENT, Ssh.line(line));
            assertEquals(Effect.ALLOW, open.effect(), line + " — " + open.reason());
        }
    }
}
