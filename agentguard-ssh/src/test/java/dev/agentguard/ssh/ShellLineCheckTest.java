package dev.agentguard.ssh;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShellLineCheckTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "ls -la /var/log/app",
            "df -h",
            "grep ERROR /var/log/app/x.log | tail -n 20",
            "echo 'it''s' \"quoted $HOME\" done",
            "cat file && echo ok || echo failed",
            "for f in a b; do echo $f; done",
            "if [ -f x ]; then echo yes; else echo no; fi",
            "while false; do :; done",
            "case $x in a) echo a;; *) echo other;; esac",
            "{ echo a; echo b; }",
            "(cd /tmp && ls)",
            "echo $(date) `hostname`",
            "echo $((1 + 2))",
            "diff <(ls a) <(ls b)",
            "grep x <<< 'here string'",
            "[ ! -f x ] && echo missing",
            "test \"$a\" != \"$b\"",
            "sleep 10 &",
            "echo ${HOME:-/root}",
            ""})
    void letsCompletePlainLinesThrough(String line) {
        assertNull(ShellLineCheck.problem(line), line);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "ls\t",                       // tab completion
            "rm -rf /tmp/x\u0015cat /etc/shadow", // ^U kill line
            "cat /etc/pas\u0017shadow",   // ^W erase word
            "ech\u007fo",                 // DEL
            "ech\bo",                     // ^H
            "\u0016\u0003",               // ^V literal next
            "\u001b[200~cat /etc/shadow\u001b[201~", // bracketed paste
            "\u001b[A",                   // arrow up: history
            "ls\u001bOB",                 // application cursor key
            "ls\rcat /etc/shadow",        // carriage return
            "ls\ncat /etc/shadow",        // line feed
            "ls\u0012shadow",             // ^R history search
            "ls\u0000",                   // NUL
            "ls\u0085cat /etc/shadow",    // NEL (C1)
            "ls\u009b31m",                // CSI (C1)
            "ls\u2028cat /etc/shadow",    // Unicode line separator
            "c\u200bat /etc/shadow",      // zero-width space
            "cat /etc/\u202eWODAHS",      // bidi override
            "ls \uD800",                  // unpaired surrogate
            "ls\u0004"})                  // ^D
    void refusesControlCharacters(String line) {
        String problem = ShellLineCheck.problem(line);
        assertNotNull(problem, line);
        assertTrue(problem.contains("refused") || problem.contains("unpaired"), problem);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "ca\\",                        // line continuation
            "echo 'unclosed",
            "echo \"unclosed",
            "echo `unclosed",
            "echo $(unclosed",
            "(cd /tmp",
            "cat <<EOF",
            "sh <<-EOF",
            "ls |",
            "ls &&",
            "ls ||",
            "if true; then",
            "for f in a b; do",
            "while true",
            "case x in",
            "{ echo a;",
            "echo ${unclosed",
            "sudo !!",
            "cat !$",
            "echo !-2",
            "^shadow^passwd",
            "echo \"!!\""})
    void refusesLinesTheShellWouldContinueOrRewrite(String line) {
        assertNotNull(ShellLineCheck.problem(line), line);
    }

    @Test
    void namesTheProblemAndPositionButNeverTheLine() {
        String problem = ShellLineCheck.problem("echo secret-value\u0015rm -rf /");
        assertEquals("^U (kill line) at position 18 is refused: a line is sent as plain text, and control characters "
                + "would let the terminal or shell edit it after the policy decided it", problem);
        assertFalse(problem.contains("secret-value"));
    }

    @Test
    void refusesOverlongLines() {
        assertNotNull(ShellLineCheck.problem("x".repeat(ShellLineCheck.MAX_LINE + 1)));
        assertNull(ShellLineCheck.problem("x".repeat(ShellLineCheck.MAX_LINE)));
    }
}
