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
    @Nested
    class ProgramsThatRunOthers {

        @Test
        void ipRunsTheCommandOfNetnsAndVrfExec() {
            assertEquals(List.of("ip netns exec n rm -rf /x", "rm -rf /x"), commands("ip netns exec n rm -rf /x"));
            assertEquals(List.of("ip -all netns exec rm x", "rm x"), commands("ip -all netns exec rm x"));
            assertEquals(List.of("ip -n a -a netns exec rm x", "rm x"), commands("ip -n a -a netns exec rm x"));
            assertEquals(List.of("ip vrf exec blue rm x", "rm x"), commands("ip vrf exec blue rm x"));
            assertEquals(List.of("ip net e n rm x", "rm x"), commands("ip net e n rm x"));
            assertEquals(CommandAnalysis.WRAPPER, only("ip netns exec n ls").opaqueReason());
            assertTrue(parse("ip -batch cmds").commands().get(1).runsUnknownProgram());
            assertTrue(parse("ip $obj exec n ls").commands().get(1).runsUnknownProgram());
            for (String line : List.of("ip addr show", "ip -br -c link", "ip netns list", "ip route get 10.0.0.1",
                    "ip -j -4 addr")) {
                assertEquals(1, parse(line).commands().size(), line);
                assertPlain(line);
            }
        }

        @Test
        void scpAndSftpRunTheProgramsTheirOptionsName() {
            assertEquals(List.of("scp -S rm a b:", "rm «(arguments)»"), commands("scp -S rm a b:"));
            assertEquals(List.of("scp -o ProxyCommand=rm -rf /x a b:", "rm -rf /x"),
                    commands("scp -o 'ProxyCommand=rm -rf /x' a b:"));
            assertEquals(List.of("scp -oProxyCommand rm x a b:", "rm x"), commands("scp -oProxyCommand\\ rm\\ x a b:"));
            assertEquals(List.of("sftp -D /bin/rm b:", "/bin/rm «(arguments)»"), commands("sftp -D /bin/rm b:"));
            assertTrue(parse("scp -F cfg a b:").commands().get(1).runsUnknownProgram());
            assertTrue(parse("scp -o 'Match exec true' a b:").commands().get(1).runsUnknownProgram());
            assertTrue(only("scp -S rm a b:").isOpaque());
            assertEquals(CommandAnalysis.PROMPT, only("sftp host").opaqueReason(), "sftp runs !commands from its prompt");
            for (String line : List.of("scp -r -P 2222 a b:/tmp", "scp -i key -o StrictHostKeyChecking=no a b:",
                    "scp -F /dev/null a b:", "scp -o ProxyCommand=none a b:")) {
                assertEquals(1, parse(line).commands().size(), line);
                assertPlain(line);
            }
        }

        @Test
        void sshReadsOptionsAfterTheDestinationAndRunsTheCommandsTheyName() {
            assertEquals(List.of("ssh host -p 22 ls /", "ls /"), commands("ssh host -p 22 ls /"));
            assertEquals(List.of("ssh host -o ProxyCommand=rm x uptime", "rm x", "uptime"),
                    commands("ssh host -o 'ProxyCommand=rm x' uptime"));
            assertEquals(List.of("ssh -o LocalCommand=id host", "id"), commands("ssh -o LocalCommand=id host"));
            assertEquals(List.of("ssh -- host ls", "ls"), commands("ssh -- host ls"));
        }

        @Test
        void splitAndSortRunTheProgramsTheirLongOptionsNameEvenAbbreviated() {
            assertEquals(List.of("split --filter=gzip > $FILE.gz a", "gzip >«$FILE.gz»"),
                    commands("split --filter='gzip > $FILE.gz' a"));
            assertEquals(List.of("split --fil rm x a", "rm x"), commands("split --fil 'rm x' a"));
            assertEquals(List.of("sort --compress=rm a", "rm «(arguments)»"), commands("sort --compress=rm a"));
            assertEquals(CommandAnalysis.WRAPPER, only("sort --compress-program=gzip a").opaqueReason());
            assertTrue(only("sort $opts a").isOpaque());
            assertPlain("sort -u -k2 a");
            assertPlain("split -l 1000 a part-");
            assertTrue(only("tar --to-com=id -xf a.tar").isOpaque());
        }

        @Test
        void suAndRunuserRunTheShellTheyAreGivenAndRunuserItsCommand() {
            assertEquals(List.of("runuser -u root -- rm x", "rm x"), commands("runuser -u root -- rm x"));
            assertEquals(List.of("runuser -u root rm x", "rm x"), commands("runuser -u root rm x"));
            assertEquals(List.of("su -s /bin/rm root", "/bin/rm"), commands("su -s /bin/rm root"));
            assertEquals(List.of("su -s /bin/bash -c id root", "/bin/bash -c id", "id"),
                    commands("su -s /bin/bash -c id root"));
            assertEquals(List.of("su -lc id root", "id"), commands("su -lc id root"));
            assertEquals(List.of("su --comm=id root", "id"), commands("su --comm=id root"));
            assertEquals(List.of("su - root"), commands("su - root"));
            assertTrue(parse("su -Z root").commands().get(1).runsUnknownProgram());
        }

        @Test
        void sgScriptAndTheirClustersRunShellCode() {
            assertEquals(List.of("sg root -c id", "id"), commands("sg root -c id"));
            assertEquals(List.of("sg - root id -u", "id -u"), commands("sg - root 'id -u'"));
            assertEquals(List.of("script -qc id /dev/null", "id"), commands("script -qc id /dev/null"));
            assertEquals(List.of("script -cid", "id"), commands("script -cid"));
            assertEquals(List.of("script --command=id", "id"), commands("script --command=id"));
            assertEquals(List.of("script -q -T t.log /dev/null -- rm x", "rm x"),
                    commands("script -q -T t.log /dev/null -- rm x"));
            assertEquals(List.of("script -E never -c id", "id"), commands("script -E never -c id"));
            assertTrue(parse("script $opts").commands().get(1).runsUnknownProgram());
        }

        @Test
        void aShellOrSourceReadingAHereDocumentThroughADescriptorPathRunsItAsCode() {
            assertEquals(List.of("bash /dev/stdin <<<id", "id"), commands("bash /dev/stdin <<< id"));
            assertEquals(List.of("bash /proc/self/fd/0 <<<id", "id"), commands("bash /proc/self/fd/0 <<< id"));
            assertEquals(List.of("sh /dev/fd/3 3<<<id", "id"), commands("sh /dev/fd/3 3<<< id"));
            assertEquals(List.of("source /dev/stdin <<<id", "id"), commands("source /dev/stdin <<< id"));
            assertEquals(List.of(". /dev/fd/0 <<<id", "id"), commands(". /dev/fd/0 <<< id"));
            assertEquals(List.of("bash /dev/../dev/stdin <<<id", "id"), commands("bash /dev/../dev/stdin <<< id"));
            // A here-document fed to another descriptor, or a script file, is data.
            assertEquals(List.of("sh /dev/fd/3 <<<id"), commands("sh /dev/fd/3 <<< id"));
            assertEquals(List.of("bash script.sh <<<yes"), commands("bash script.sh <<< yes"));
            assertEquals(0, CommandAnalysis.descriptorOf("/dev/stdin"));
            assertEquals(4, CommandAnalysis.descriptorOf("/proc/self/task/7/fd/4"));
            assertEquals(-1, CommandAnalysis.descriptorOf("/dev/stdout/x"));
        }

        @Test
        void moreWrappersAreUnwrapped() {
            assertEquals(List.of("ssh-agent -t 60 rm x", "rm x"), commands("ssh-agent -t 60 rm x"));
            assertEquals(1, parse("ssh-agent -s").commands().size());
            assertEquals(List.of("gosu app rm x", "rm x"), commands("gosu app rm x"));
            assertEquals(List.of("chronic -e rm x", "rm x"), commands("chronic -e rm x"));
            assertEquals(List.of("eatmydata rm x", "rm x"), commands("eatmydata rm x"));
            assertEquals(List.of("ifne -n rm x", "rm x"), commands("ifne -n rm x"));
            for (String line : List.of("numactl -N 0 ls", "prlimit --nofile=1 ls", "setarch x86_64 ls", "rlwrap ls",
                    "faketime '2020-01-01' ls", "cgexec -g cpu:x ls", "entr ls")) {
                List<ShellCommand> cs = parse(line).commands();
                assertTrue(cs.get(cs.size() - 1).runsUnknownProgram(), line);
            }
        }

        @Test
        void containerToolsAreOpaqueWhenTheyRunCommands() {
            for (String line : List.of("docker exec app ls", "docker run --rm alpine ls", "kubectl exec p -- ls",
                    "podman run x", "docker compose up", "kubectl debug node/x")) {
                assertTrue(only(line).isOpaque(), line);
            }
            for (String line : List.of("docker ps", "kubectl get pods", "docker logs app")) {
                assertPlain(line);
            }
        }
    }

    @Nested
    class PathsTheProgramReads {

        @Test
        void directoryOptionsAreFoundInEveryForm() {
            assertEquals(2, only("tar -cf - -C /etc shadow").directoryOptionAt());
            assertEquals(0, only("tar cfC - /etc shadow").directoryOptionAt());
            assertEquals(0, only("tar --directory=/etc -cf - shadow").directoryOptionAt());
            assertEquals(0, only("tar --dir /etc -cf - shadow").directoryOptionAt());
            assertEquals(1, only("tar -cf $x shadow").directoryOptionAt(), "a word only known when it runs may be -C");
            assertEquals(0, only("git -C /etc log").directoryOptionAt());
            assertEquals(0, only("make -C /srv/app").directoryOptionAt());
            assertEquals(1, only("patch -p1 -d /etc").directoryOptionAt());
            assertEquals(-1, only("tar -czf x.tgz /var/log/app").directoryOptionAt());
            assertEquals(-1, only("cat -C x").directoryOptionAt());
        }

        @Test
        void recursiveReadingIsKnownByProgramAndOption() {
            for (String line : List.of("grep -r x /etc", "grep -Rl x /etc", "grep --recursive x /etc", "tar -cf - /etc",
                    "cp -a /etc /tmp", "scp -r /etc h:", "rm -rf /x", "chmod -R 700 /x", "find /", "rg x", "zip -r - x",
                    "rsync -av a b", "mv a b")) {
                assertTrue(only(line).readsRecursively(), line);
            }
            for (String line : List.of("grep x /etc/passwd", "cp /etc/hosts /tmp", "scp a h:", "rm x", "chmod 700 x",
                    "cat /etc", "ls -R /etc")) {
                assertFalse(only(line).readsRecursively(), line);
            }
        }

        @Test
        void commandsRunElsewhereMakeTheLinesDirectoryUnknown() {
            for (String line : List.of("sudo -D /etc cat shadow", "sudo -u root -D /etc cat shadow", "sudo -i ls",
                    "env -C /etc cat shadow", "env --chdir=/etc cat shadow", "su - root -c ls", "su -l root",
                    "runuser --login app -c ls", "find . -execdir cat x \\;", "ssh host cat x")) {
                assertTrue(parse(line).changesDirectory(), line);
            }
            for (String line : List.of("sudo grep -i x f", "sudo -u root ls -D", "env -i cat x", "su -c ls root",
                    "find . -exec cat {} +", "tar -C /etc -cf - x")) {
                assertFalse(parse(line).changesDirectory(), line);
            }
        }
    }
}
