package dev.agentguard.core.shell;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.agentguard.core.shell.Lines.commands;
import static dev.agentguard.core.shell.Lines.error;
import static dev.agentguard.core.shell.Lines.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the analysis adds: opaque commands and why, the commands wrappers and shell code run. */
class CommandAnalysisTest {

    private static ShellCommand only(String line) {
        return parse(line).commands().get(0);
    }

    private static void assertOpaque(String reason, String line) {
        assertEquals(reason, only(line).opaqueReason(), line);
    }

    private static void assertPlain(String line) {
        assertNull(only(line).opaqueReason(), line);
    }

    @Nested
    class Opaque {

        @Test
        void shellsAndInterpretersAreOpaqueHoweverTheyAreNamed() {
            for (String line : List.of("sh x.sh", "bash", "/bin/bash -l", "dash -c ls", "zsh", "busybox sh")) {
                assertTrue(parse(line).commands().stream().anyMatch(c -> CommandAnalysis.SHELL.equals(c.opaqueReason())),
                        line);
            }
            for (String line : List.of("python -c 1", "python3.11 x.py", "/usr/bin/perl -e 1", "ruby -e 1", "node -e 1",
                    "php -r 1", "lua5.4", "psql -c 'select 1'", "sqlite3 db .shell", "gdb -ex r")) {
                assertOpaque(CommandAnalysis.INTERPRETER, line);
            }
        }

        @Test
        void evalSourceAndCommandsThatChangeTheShellAreOpaque() {
            assertOpaque(CommandAnalysis.EVAL, "eval ls");
            assertOpaque(CommandAnalysis.SOURCE, "source ~/.bashrc");
            assertOpaque(CommandAnalysis.SOURCE, ". ./env.sh");
            for (String line : List.of("alias c=cat", "unalias -a", "cd /etc", "pushd /", "popd", "export PATH=/tmp",
                    "declare -i x", "local x", "readonly x", "unset PATH", "set -o vi", "shopt -s extglob",
                    "trap 'rm x' EXIT", "enable -f x.so y", "hash -p /tmp/cat cat", "read x", "let x=1", "ulimit -c 0",
                    "umask 0", "fc -s", "mapfile a")) {
                assertOpaque(CommandAnalysis.STATE, line);
            }
        }

        @Test
        void compoundCommandsAndFunctionsAreOpaque() {
            assertOpaque(CommandAnalysis.COMPOUND, "if true; then ls; fi");
            assertOpaque(CommandAnalysis.COMPOUND, "for f in a; do ls; done");
            assertOpaque(CommandAnalysis.COMPOUND, "while true; do ls; done");
            assertOpaque(CommandAnalysis.COMPOUND, "case x in x) ls;; esac");
            assertOpaque(CommandAnalysis.FUNCTION, "cat() { rm -rf /; }");
            assertOpaque(CommandAnalysis.EVALUATES, "[[ -f x ]]");
            assertOpaque(CommandAnalysis.EVALUATES, "(( x = 1 ))");
            // ...but their bodies are ordinary commands.
            assertNull(parse("if true; then ls; fi").commands().get(2).opaqueReason());
        }

        @Test
        void evaluationAnywhereInACommandMakesItOpaque() {
            for (String line : List.of("echo $((x))", "echo ${a[$i]}", "echo ${!ref}", "echo ${x@P}", "a[$i]=1",
                    "cat > ${a[$(id)]}", "X=$((y)) ls")) {
                assertOpaque(CommandAnalysis.EVALUATES, line);
            }
            assertPlain("echo $((1+2)) ${a[0]} ${x:-y}");
        }

        @Test
        void testAndPrintfWithVariableNamesOrDynamicArgumentsAreOpaque() {
            assertOpaque(CommandAnalysis.TEST_VARIABLE, "[ -v 'a[$(id)]' ]");
            assertOpaque(CommandAnalysis.TEST_VARIABLE, "test -n \"$x\"");
            assertPlain("[ -f /etc/passwd ]");
            assertOpaque(CommandAnalysis.PRINTF_VARIABLE, "printf -v x %s y");
            assertOpaque(CommandAnalysis.PRINTF_VARIABLE, "printf $fmt");
            assertPlain("printf '%s\\n' \"$x\"");
        }

        @Test
        void editorsPagersAndSchedulersAreOpaque() {
            for (String line : List.of("vim x", "less x", "man ls", "ed x", "sudoedit /etc/hosts")) {
                assertOpaque(CommandAnalysis.PROMPT, line);
            }
            for (String line : List.of("crontab -e", "at now", "make", "tmux", "screen -dm x", "npx cowsay")) {
                assertOpaque(CommandAnalysis.CODE, line);
            }
        }

        @Test
        void lookAlikeProgramNamesAreOpaque() {
            assertOpaque(CommandAnalysis.NAME, "\u0441at /etc/shadow");   // Cyrillic es
            assertOpaque(CommandAnalysis.NAME, "ca\u0442 /etc/shadow");   // Cyrillic te
            assertOpaque(CommandAnalysis.NAME, "\uff43at /etc/shadow");   // fullwidth c
            assertOpaque(CommandAnalysis.NAME, "cat\u00a0/etc/shadow");   // no-break space inside the word
            assertPlain("cat /etc/shadow");
        }

        @Test
        void ordinaryProgramsAreNotOpaque() {
            for (String line : List.of("cat x", "grep -r x /var/log", "df -h", "uptime", "ls -la", "tail -f x",
                    "systemctl restart app", "rm -rf /tmp/x", "tar -xzf a.tar", "git status", "awk '{print $1}' f",
                    "sed -n '1,10p' f", "find . -name '*.log'", "echo hi")) {
                assertPlain(line);
            }
        }
    }

    @Nested
    class AwkSedAndFriends {

        @Test
        void awkIsOpaqueWhenItsProgramCanRunCommandsOrOpenFiles() {
            String reason = only("awk -f prog.awk").opaqueReason();
            for (String line : List.of("awk 'BEGIN{system(\"id\")}'", "awk '{print | \"sh\"}'",
                    "awk '{\"date\" | getline d}'", "awk '{print > \"/etc/x\"}'", "awk '{printf \"%s\", $1 >> f}'",
                    "awk '{getline < \"/etc/shadow\"}'", "awk '@load \"x\"'", "awk $prog", "gawk -E x.awk",
                    "awk -e 'BEGIN{system(\"id\")}'", "mawk 'BEGIN { system(\"id\") }'")) {
                assertEquals(reason, only(line).opaqueReason(), line);
            }
            for (String line : List.of("awk '{print $1}' f", "awk -F: '{print $1}' /etc/passwd",
                    "awk '$3 > 100 {print}' f", "awk '{print ($1 > 2)}' f", "awk '{ if (a || b) print \"x>y\" }' f",
                    "awk --sandbox '{system(\"id\")}'")) {
                assertPlain(line);
            }
        }

        @Test
        void sedIsOpaqueWhenItsScriptCanRunCommandsOrTouchOtherFiles() {
            String reason = only("sed -f x.sed f").opaqueReason();
            for (String line : List.of("sed 's/a/b/e' f", "sed '1e id' f", "sed 'r /etc/shadow' f",
                    "sed -n 'w /etc/x' f", "sed 's/a/b/w /etc/x' f", "sed -e 's/a/b/' -e '1R /etc/shadow' f",
                    "sed --expression='1e id' f", "sed $script f", "sed -n \"$x\" f", "sed -Ee 'e id' f")) {
                assertEquals(reason, only(line).opaqueReason(), line);
            }
            for (String line : List.of("sed -n '1,10p' f", "sed 's/error/ERR/g' f", "sed -E 's#/a#/b#2' f",
                    "sed '/^#/d; s/x/y/' f", "sed -i.bak 's/a/b/' f", "sed '$!N;P;D' f", "sed 'y/abc/xyz/' f",
                    "sed --sandbox 'e id' f")) {
                assertPlain(line);
            }
        }

        @Test
        void programsWithOptionsThatRunOtherProgramsAreOpaqueWhenTheyUseThem() {
            assertTrue(only("tar --to-command=sh -xf x.tar").isOpaque());
            assertTrue(only("tar -I 'sh -c id' -xf x.tar").isOpaque());
            assertTrue(only("tar xIf x.tar").isOpaque());
            assertTrue(only("tar --checkpoint=1 --checkpoint-action=exec=id -cf x.tar f").isOpaque());
            assertTrue(only("tar -xzf $archive").isOpaque());
            assertFalse(only("tar -xzf x.tar").isOpaque());
            assertTrue(only("rsync -e 'sh -c id' a b").isOpaque());
            assertFalse(only("rsync -av a b").isOpaque());
            assertTrue(only("git -c core.pager=id log").isOpaque());
            assertTrue(only("zip -T -TT 'sh -c id' x.zip f").isOpaque());
            assertTrue(only("tcpdump -z id -w x").isOpaque());
            assertTrue(only("rg --pre id x").isOpaque());
        }
    }

    @Nested
    class Wrappers {

        @Test
        void theProgramAWrapperRunsIsACommandToo() {
            assertEquals(List.of("sudo -u root cat /etc/shadow", "cat /etc/shadow"), commands("sudo -u root cat /etc/shadow"));
            assertEquals(List.of("env -i A=1 cat f", "A=1 cat f"), commands("env -i A=1 cat f"));
            assertEquals(List.of("nice -n 5 cat x", "cat x"), commands("nice -n 5 cat x"));
            assertEquals(List.of("nice -10 cat x", "cat x"), commands("nice -10 cat x"));
            assertEquals(List.of("timeout -s KILL 5 cat x", "cat x"), commands("timeout -s KILL 5 cat x"));
            assertEquals(List.of("timeout --signal=KILL 5s cat x", "cat x"), commands("timeout --signal=KILL 5s cat x"));
            assertEquals(List.of("nohup cat x", "cat x"), commands("nohup cat x"));
            assertEquals(List.of("time -p cat x", "cat x"), commands("time -p cat x"));
            assertEquals(List.of("command cat x", "cat x"), commands("command cat x"));
            assertEquals(List.of("builtin echo x", "echo x"), commands("builtin echo x"));
            assertEquals(List.of("exec -a name cat x", "cat x"), commands("exec -a name cat x"));
            assertEquals(List.of("stdbuf -oL cat x", "cat x"), commands("stdbuf -oL cat x"));
            assertEquals(List.of("chroot /srv cat x", "cat x"), commands("chroot /srv cat x"));
            assertEquals(List.of("doas -u root cat x", "cat x"), commands("doas -u root cat x"));
            assertEquals(List.of("busybox cat x", "cat x"), commands("busybox cat x"));
            assertEquals(List.of("setsid -f cat x", "cat x"), commands("setsid -f cat x"));
            assertEquals(List.of("flock /tmp/l cat x", "cat x"), commands("flock /tmp/l cat x"));
        }

        @Test
        void wrapperCommandsRememberTheirWrappersAndInheritRedirectionsAndJoint() {
            List<ShellCommand> cs = parse("echo x | sudo env nice cat > /tmp/o").commands();
            ShellCommand cat = cs.get(cs.size() - 1);
            assertEquals("cat", cat.programName());
            assertEquals(List.of("sudo", "env", "nice"), cat.wrappers());
            assertEquals(Origin.WRAPPED, cat.origin());
            assertEquals(Joint.PIPE, cat.joint());
            assertEquals(">", cat.redirections().get(0).operator());
            assertEquals(3, cat.depth());
            assertEquals(CommandAnalysis.WRAPPER, cs.get(1).opaqueReason());
        }

        @Test
        void optionsWithoutACommandRunNothing() {
            assertEquals(1, parse("sudo -l").commands().size());
            assertEquals(1, parse("sudo -v").commands().size());
            assertEquals(1, parse("sudo -e /etc/hosts").commands().size());
            assertEquals(1, parse("command -v cat").commands().size());
            assertEquals(1, parse("env").commands().size());
            assertEquals(1, parse("ionice -p 42").commands().size());
            assertEquals(1, parse("taskset -p 1 42").commands().size());
        }

        @Test
        void aWrapperWhoseOptionsCannotBeReadRunsAnUnknownProgram() {
            for (String line : List.of("sudo --frobnicate cat x", "env -S 'cat /etc/shadow'", "env --split-string=x",
                    "nice -q cat x", "strace -f cat x", "nsenter -t 1 -m cat x", "unbuffer -p cat", "xargs -Q cat")) {
                List<ShellCommand> cs = parse(line).commands();
                ShellCommand inner = cs.get(cs.size() - 1);
                assertTrue(inner.runsUnknownProgram(), line);
                assertEquals(Origin.WRAPPED, inner.origin(), line);
                assertTrue(inner.program().expansions().contains(Expansion.RUNTIME), line);
            }
        }

        @Test
        void aDynamicWordWhereTheWrapperExpectsTheProgramIsAnUnknownProgram() {
            List<ShellCommand> cs = parse("sudo $CMD /etc/shadow").commands();
            assertTrue(cs.get(1).runsUnknownProgram());
        }

        @Test
        void anAssignmentThatChangesWhatRunsMakesTheProgramUnknown() {
            assertTrue(only("PATH=/tmp cat x").runsUnknownProgram());
            assertTrue(only("LD_PRELOAD=/tmp/x.so cat x").runsUnknownProgram());
            assertTrue(only("BASH_ENV=/tmp/x bash -c ls").runsUnknownProgram());
            assertTrue(parse("env LD_PRELOAD=/tmp/x.so cat").commands().get(1).runsUnknownProgram());
            assertTrue(parse("sudo PYTHONPATH=/tmp python3 x").commands().get(1).runsUnknownProgram());
            assertTrue(only("PATH=/tmp:$PATH").runsUnknownProgram());
            assertFalse(only("LANG=C sort x").runsUnknownProgram());
        }

        @Test
        void xargsRunsItsProgramWithArgumentsOnlyKnownWhenItRuns() {
            assertEquals(List.of("xargs cat <<</etc/shadow", "cat «(input)» <<</etc/shadow"), commands("xargs cat <<< /etc/shadow"));
            assertEquals(List.of("xargs -0 -n 1 rm", "rm «(input)»"), commands("xargs -0 -n 1 rm"));
            assertEquals(List.of("xargs -I{} cp {} /tmp", "cp «{}» /tmp"), commands("xargs -I{} cp {} /tmp"));
            assertEquals(List.of("xargs", "echo «(input)»"), commands("xargs"));
            assertEquals(CommandAnalysis.EACH, only("xargs ls").opaqueReason());
        }

        @Test
        void findRunsTheCommandsOfItsExecActions() {
            assertEquals(List.of("find / -name shadow -exec cat {} ;", "cat «{}»"),
                    commands("find / -name shadow -exec cat {} \\;"));
            assertEquals(List.of("find . -execdir rm {} + -ok sh -c id ;", "rm «{}»", "sh -c id", "id"),
                    commands("find . -execdir rm {} + -ok sh -c id \\;"));
            assertEquals(CommandAnalysis.EACH, only("find . -exec ls ;").opaqueReason());
            assertNull(only("find . -name '*.log' -delete").opaqueReason());
            // A word only known when the line runs may be -exec and a program.
            List<ShellCommand> dynamic = parse("find . $action").commands();
            assertTrue(dynamic.get(1).runsUnknownProgram());
        }
    }

    @Nested
    class ShellCode {

        @Test
        void codePassedToAShellIsParsedAndItsCommandsListed() {
            List<ShellCommand> cs = parse("bash -c 'cat /etc/shadow; rm -rf /'").commands();
            assertEquals(List.of("bash -c cat /etc/shadow; rm -rf /", "cat /etc/shadow", "rm -rf /"),
                    cs.stream().map(Lines::render).toList());
            assertEquals(Origin.SHELL_CODE, cs.get(1).origin());
            assertEquals(List.of("bash"), cs.get(1).wrappers());
            assertEquals(1, cs.get(1).depth());
        }

        @Test
        void flagsClusteredWithCAndOptionsWithValuesAreRead() {
            assertEquals(List.of("sh -ec ls", "ls"), commands("sh -ec ls"));
            assertEquals(List.of("bash -o pipefail -c ls", "ls"), commands("bash -o pipefail -c ls"));
            assertEquals(List.of("bash --norc --rcfile x -lc ls", "ls"), commands("bash --norc --rcfile x -lc ls"));
        }

        @Test
        void hereDocumentsAndHereStringsIntoAShellAreCode() {
            assertEquals(List.of("sh <<cat /etc/shadow\\n", "cat /etc/shadow"), commands("sh <<EOF\ncat /etc/shadow\nEOF"));
            assertEquals(List.of("bash <<<rm -rf /", "rm -rf /"), commands("bash <<< 'rm -rf /'"));
            assertEquals(List.of("bash -s <<<id", "id"), commands("bash -s <<< id"));
            // A here-document into a program that is not a shell is data.
            assertEquals(List.of("cat <<rm -rf /\\n"), commands("cat <<EOF\nrm -rf /\nEOF"));
        }

        @Test
        void codeOnlyKnownWhenTheLineRunsIsAnUnknownProgram() {
            for (String line : List.of("bash -c \"$CODE\"", "sh -c \"cat $f\"", "eval $x", "sh <<EOF\n$x\nEOF",
                    "bash $opts", "ssh host \"$cmd\"")) {
                List<ShellCommand> cs = parse(line).commands();
                assertTrue(cs.stream().anyMatch(ShellCommand::runsUnknownProgram), line);
            }
        }

        @Test
        void evalSshSuWatchAndScriptRunShellCode() {
            assertEquals(List.of("eval cat /etc/shadow", "cat /etc/shadow"), commands("eval cat /etc/shadow"));
            assertEquals(List.of("eval rm -rf /", "rm -rf /"), commands("eval 'rm -rf /'"));
            assertEquals(List.of("ssh -p 22 host cat /etc/shadow", "cat /etc/shadow"), commands("ssh -p 22 host cat /etc/shadow"));
            assertEquals(List.of("ssh host <<id\\n", "id"), commands("ssh host <<EOF\nid\nEOF"));
            assertEquals(List.of("su -c id root", "id"), commands("su -c id root"));
            assertEquals(List.of("runuser -c id app", "id"), commands("runuser -c id app"));
            assertEquals(List.of("watch -n 5 df -h", "df -h"), commands("watch -n 5 df -h"));
            assertEquals(List.of("watch -x cat x", "cat x"), commands("watch -x cat x"));
            assertEquals(List.of("script -q -c id /dev/null", "id"), commands("script -q -c id /dev/null"));
            assertEquals(List.of("flock /tmp/l -c id", "id"), commands("flock /tmp/l -c id"));
        }

        @Test
        void nestedWrappersAndShellsAreUnwrappedAllTheWayDown() {
            List<ShellCommand> cs = parse("sudo sh -c 'env bash -c \"cat /etc/shadow\"'").commands();
            ShellCommand last = cs.get(cs.size() - 1);
            assertEquals("cat /etc/shadow", Lines.render(last));
            assertEquals(List.of("sudo", "sh", "env", "bash"), last.wrappers());
        }

        @Test
        void unreadableCodeMakesTheWholeLineUnreadable() {
            ShellSyntaxException e = error("bash -c 'cat /etc/shadow; if'");
            assertEquals("in the code passed to bash: unterminated 'if': expected 'then'", e.problem());
            assertEquals(1, e.position());
            assertEquals("in the code passed to eval: unterminated single quote", error("echo ok; eval \"'\"").problem());
        }
    }
}
