package dev.agentguard.core.shell;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static dev.agentguard.core.shell.Lines.commands;
import static dev.agentguard.core.shell.Lines.error;
import static dev.agentguard.core.shell.Lines.first;
import static dev.agentguard.core.shell.Lines.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tokeniser and parser: quoting, escapes, operators, redirections, nesting, dynamic words and errors. */
class ShellLineTest {

    @Nested
    class Quoting {

        @Test
        void removesQuotesAndEscapesFromEveryPartOfAWord() {
            assertEquals("cat /etc/shadow", first("c''at /etc/sha\"d\"ow"));
            assertEquals("cat x", first("\\cat x"));
            assertEquals("cat x", first("\"c\"'a't x"));
            assertEquals("a b", first("'a b'"));
        }

        @Test
        void singleQuotesKeepEverythingLiteral() {
            assertEquals(List.of("echo $(rm -rf /) `id` $HOME \\ \"x\""), commands("echo '$(rm -rf /) `id` $HOME \\ \"x\"'"));
        }

        @Test
        void doubleQuotesKeepBlanksAndGlobsLiteralButExpandDollarAndBackquote() {
            assertEquals("echo «a $HOME *»", first("echo \"a $HOME *\""));
            assertEquals("echo * ?", first("echo \"*\" '?'"));
            assertTrue(parse("echo \"*\"").commands().get(0).arguments().get(0).isLiteral());
        }

        @Test
        void backslashInDoubleQuotesEscapesOnlyDollarBackquoteQuoteAndBackslash() {
            assertEquals("echo $x `y` \"z\" \\ \\n", first("echo \"\\$x \\`y\\` \\\"z\\\" \\\\ \\n\""));
        }

        @Test
        void aBackslashNewlineContinuesTheLine() {
            assertEquals("ls -l", first("ls \\\n -l"));
            assertEquals("cat", first("c\\\nat"));
        }

        @Test
        void quotedGlobCharactersAreEscapedInTheGlobPattern() {
            ShellWord w = parse("ls /var/log/\"a*\"*.log").commands().get(0).arguments().get(0);
            assertEquals("/var/log/a**.log", w.text());
            assertEquals("/var/log/a\\**.log", w.globPattern());
            assertTrue(w.isGlobOnly());
        }

        @Test
        void aHashStartsACommentOnlyAtTheStartOfAWord() {
            assertEquals(List.of("ls"), commands("ls # rm -rf /"));
            assertEquals(List.of("ls a#b"), commands("ls a#b"));
            assertEquals(List.of("ls", "echo x"), commands("ls # c\necho x"));
        }
    }

    @Nested
    class Operators {

        @Test
        void recordsHowEveryCommandIsJoinedToTheOneBefore() {
            List<ShellCommand> cs = parse("a && b || c; d & e | f |& g\nh").commands();
            assertEquals(List.of(Joint.FIRST, Joint.AND, Joint.OR, Joint.SEQUENCE, Joint.BACKGROUND, Joint.PIPE,
                    Joint.PIPE_WITH_STDERR, Joint.NEWLINE), cs.stream().map(ShellCommand::joint).toList());
            assertEquals(List.of("a", "b", "c", "d", "e", "f", "g", "h"), cs.stream().map(ShellCommand::programName).toList());
        }

        @Test
        void operatorsNeedNoSpaces() {
            assertEquals(List.of("a", "b", "c", "d"), commands("a&&b||c;d"));
            assertEquals(List.of("cat", "grep x"), commands("cat|grep x"));
        }

        @Test
        void aNewlineMayFollowAndOrAndPipe() {
            assertEquals(List.of("a", "b", "c"), commands("a &&\n b |\n c"));
        }

        @Test
        void negationIsNotACommand() {
            assertEquals(List.of("grep x f"), commands("! grep x f"));
        }

        @Test
        void theFirstCommandOfASubShellTakesItsJoint() {
            List<ShellCommand> cs = parse("echo code | (sh; ls)").commands();
            assertEquals(Joint.PIPE, cs.get(1).joint());
            assertEquals(Joint.SEQUENCE, cs.get(2).joint());
        }
    }

    @Nested
    class Redirections {

        @Test
        void readsEveryOperatorWithItsDescriptor() {
            ShellCommand c = parse("cmd <in >out 2>>log 3<>rw >|clobber &>all &>>both 2>&1 <&0 >&- 4>&3-").commands().get(0);
            assertEquals(List.of("<in", ">out", "2>>log", "3<>rw", ">|clobber", "&>all", "&>>both", "2>&1", "<&0", ">&-",
                    "4>&3-"), c.redirections().stream().map(r -> (r.fd() >= 0 ? r.fd() : "") + r.operator()
                    + r.target().text()).toList());
            assertEquals(List.of(Redirection.Kind.INPUT, Redirection.Kind.OUTPUT, Redirection.Kind.APPEND,
                    Redirection.Kind.INPUT_OUTPUT, Redirection.Kind.OUTPUT, Redirection.Kind.OUTPUT,
                    Redirection.Kind.APPEND, Redirection.Kind.DUPLICATE, Redirection.Kind.DUPLICATE,
                    Redirection.Kind.DUPLICATE, Redirection.Kind.DUPLICATE),
                    c.redirections().stream().map(Redirection::kind).toList());
        }

        @Test
        void aDuplicationToAWordThatIsNotADescriptorWritesAFile() {
            Redirection r = parse("ls >&/etc/x").commands().get(0).redirections().get(0);
            assertEquals(Redirection.Kind.OUTPUT, r.kind());
            assertTrue(r.writesFile());
            Redirection dynamic = parse("ls >&$f").commands().get(0).redirections().get(0);
            assertEquals(Redirection.Kind.OUTPUT, dynamic.kind());
        }

        @Test
        void redirectionsMayComeAnywhereInTheCommand() {
            assertEquals("cat >out </etc/shadow", first(">out cat </etc/shadow"));
            assertEquals("cat </etc/shadow", first("cat</etc/shadow"));
        }

        @Test
        void hereStringFeedsItsWord() {
            Redirection r = parse("cat <<< 'a b'").commands().get(0).redirections().get(0);
            assertEquals(Redirection.Kind.HERE_STRING, r.kind());
            assertEquals("a b", r.target().text());
            assertTrue(r.feedsText());
        }

        @Test
        void redirectionsAfterACompoundCommandBelongToEveryCommandInside() {
            assertEquals(List.of("ls >/etc/x", "pwd >/etc/x"), commands("{ ls; pwd; } > /etc/x"));
            assertEquals(List.of("cat </etc/shadow"), commands("(cat) < /etc/shadow"));
        }
    }

    @Nested
    class HereDocuments {

        @Test
        void theBodyIsTheTarget() {
            assertEquals("cat <<line one\\nline two\\n", first("cat <<EOF\nline one\nline two\nEOF"));
        }

        @Test
        void anUnquotedBodyExpandsAndItsSubstitutionsAreCommands() {
            List<ShellCommand> cs = parse("cat <<EOF\n$(rm -rf /) and `id`\nEOF").commands();
            assertEquals(List.of("cat <<«$(rm -rf /) and `id`\\n»", "rm -rf /", "id"), cs.stream().map(Lines::render).toList());
            assertEquals(Origin.COMMAND_SUBSTITUTION, cs.get(1).origin());
        }

        @Test
        void aQuotedDelimiterKeepsTheBodyLiteral() {
            assertEquals(List.of("cat <<$(rm -rf /)\\n"), commands("cat <<'EOF'\n$(rm -rf /)\nEOF"));
            assertEquals(List.of("cat <<$x\\n"), commands("cat <<\"E\"OF\n$x\nEOF"));
            assertEquals(List.of("cat <<$x\\n"), commands("cat <<\\EOF\n$x\nEOF"));
        }

        @Test
        void dashStripsLeadingTabs() {
            assertEquals("cat <<-a\\nb\\n", first("cat <<-EOF\n\ta\n\t\tb\n\tEOF"));
        }

        @Test
        void severalHereDocumentsAreReadInOrderAfterTheLine() {
            assertEquals(List.of("cat <<a\\n", "cat <<b\\n"), commands("cat <<A; cat <<B\na\nA\nb\nB"));
        }

        @Test
        void commandsAfterTheBodyAreParsed() {
            assertEquals(List.of("cat <<x\\n", "rm y"), commands("cat <<EOF\nx\nEOF\nrm y"));
        }

        @Test
        void aBackslashNewlineInAnUnquotedBodyJoinsLinesBeforeTheDelimiterIsSought() {
            // bash reads "echo EOF" here, so the body goes on to the second EOF.
            assertEquals(List.of("sh <<echo EOF\\ncat /etc/shadow\\n", "echo EOF", "cat /etc/shadow"),
                    commands("sh <<EOF\necho \\\nEOF\ncat /etc/shadow\nEOF"));
        }
    }

    @Nested
    class Nesting {

        @Test
        void commandSubstitutionsAreCommandsOneLevelDeeper() {
            List<ShellCommand> cs = parse("echo $(cat /etc/shadow) \"$(id)\" `uname`").commands();
            assertEquals(List.of("echo «$(cat /etc/shadow)» «$(id)» «`uname`»", "cat /etc/shadow", "id", "uname"),
                    cs.stream().map(Lines::render).toList());
            assertEquals(List.of(0, 1, 1, 1), cs.stream().map(ShellCommand::depth).toList());
            assertEquals(Origin.COMMAND_SUBSTITUTION, cs.get(3).origin());
        }

        @Test
        void nestedBackquotesAreUnescapedLikeTheShellDoes() {
            assertEquals(List.of("echo «`echo \\`id\\``»", "echo «`id`»", "id"), commands("echo `echo \\`id\\``"));
        }

        @Test
        void processSubstitutionsAreCommands() {
            List<ShellCommand> cs = parse("diff <(cat /etc/shadow) >(tee x)").commands();
            assertEquals(List.of("diff «<(cat /etc/shadow)» «>(tee x)»", "cat /etc/shadow", "tee x"),
                    cs.stream().map(Lines::render).toList());
            assertEquals(Origin.PROCESS_SUBSTITUTION, cs.get(1).origin());
        }

        @Test
        void subShellsAndGroupsAreCommandsOneLevelDeeper() {
            List<ShellCommand> cs = parse("(cat /etc/shadow); { rm x; }").commands();
            assertEquals(List.of(Origin.SUBSHELL, Origin.GROUP), cs.stream().map(ShellCommand::origin).toList());
            assertEquals(List.of(1, 1), cs.stream().map(ShellCommand::depth).toList());
        }

        @Test
        void arithmeticIsToldApartFromASubShellInASubstitution() {
            assertEquals(List.of("echo «$((1+(2)))»"), commands("echo $((1+(2)))"));
            assertEquals(List.of("echo «$((ls) | cat)»", "ls", "cat"), commands("echo $((ls) | cat)"));
            assertEquals(List.of("echo «$( (ls) )»", "ls"), commands("echo $( (ls) )"));
        }

        @Test
        void caseInsideASubstitutionKeepsItsParentheses() {
            assertEquals(List.of("echo «$(case x in a) ls;; esac)»", "case x a", "ls"),
                    commands("echo $(case x in a) ls;; esac)"));
        }

        @Test
        void parameterExpansionWordsHoldCommands() {
            assertEquals(List.of("echo «${x:-$(id)}»", "id"), commands("echo ${x:-$(id)}"));
        }
    }

    @Nested
    class CompoundCommands {

        @Test
        void ifWhileUntilForSelectAndCaseAppearAsTheirReservedWordFollowedByTheirBodies() {
            assertEquals(List.of("if", "test -f x", "cat x", "ls"), commands("if test -f x; then cat x; else ls; fi"));
            assertEquals(List.of("while", "read l", "echo «$l»"), commands("while read l; do echo \"$l\"; done"));
            assertEquals(List.of("until", "false", "sleep 1"), commands("until false\ndo sleep 1\ndone"));
            assertEquals(List.of("for «*.log» a", "grep x «$f»"), commands("for f in *.log a; do grep x \"$f\"; done"));
            assertEquals(List.of("select a b", "echo «$x»"), commands("select x in a b; do echo $x; done"));
            assertEquals(List.of("case «$x» a b «*»", "ls", "rm x"), commands("case $x in a|b) ls;; *) rm x;; esac"));
            assertEquals(List.of("if", "a", "b", "c", "d"), commands("if a; then b; elif c; then d; fi"));
        }

        @Test
        void theBodyOfACompoundCommandIsOneLevelDeeper() {
            List<ShellCommand> cs = parse("for f in a; do cat $f; done").commands();
            assertEquals(List.of(0, 1), cs.stream().map(ShellCommand::depth).toList());
            assertEquals(Origin.COMPOUND, cs.get(1).origin());
        }

        @Test
        void functionDefinitionsAreAFunctionCommandAndTheirBody() {
            assertEquals(List.of("function c", "cat «$@»"), commands("c() { cat \"$@\"; }"));
            assertEquals(List.of("function c", "cat"), commands("function c { cat; }"));
            assertEquals(List.of("function c", "cat"), commands("function c() (cat)"));
        }

        @Test
        void conditionalAndArithmeticCommandsKeepTheirWords() {
            assertEquals(List.of("[[ «$x» =~ ^a(b|c)$", "echo ok"),
                    commands("[[ $x =~ ^a(b|c)$ ]] && echo ok"));
            ShellCommand arithmetic = parse("(( x++ ))").commands().get(0);
            assertEquals("((", arithmetic.programName());
            assertEquals(" x++ ", arithmetic.arguments().get(0).text());
            assertEquals(Set.of(Expansion.ARITHMETIC, Expansion.EVALUATION), arithmetic.arguments().get(0).expansions());
        }
    }

    @Nested
    class Assignments {

        @Test
        void assignmentsBeforeTheProgramAreAssignmentsAfterItArguments() {
            ShellCommand c = parse("LANG=C A+=1 sort x=1").commands().get(0);
            assertEquals(List.of("LANG", "A"), c.assignments().stream().map(Assignment::name).toList());
            assertTrue(c.assignments().get(1).append());
            assertEquals("sort", c.programName());
            assertEquals("x=1", c.arguments().get(0).text());
        }

        @Test
        void anAssignmentOnItsOwnIsACommandWithoutAProgram() {
            ShellCommand c = parse("X=/etc/shadow").commands().get(0);
            assertNull(c.program());
            assertTrue(c.isInert());
            assertEquals("/etc/shadow", c.assignments().get(0).value().text());
        }

        @Test
        void arrayAssignmentsHoldTheirSubstitutions() {
            assertEquals(List.of("a=«(1 $(id))»", "id"), commands("a=(1 $(id))"));
        }

        @Test
        void subscriptsThatReadVariablesAreEvaluation() {
            assertTrue(parse("a[$i]=1").commands().get(0).assignments().get(0).evaluates());
            assertFalse(parse("a[2]=1").commands().get(0).assignments().get(0).evaluates());
        }
    }

    @Nested
    class DynamicWords {

        private Set<Expansion> expansions(String line) {
            return parse(line).commands().get(0).arguments().get(0).expansions();
        }

        @Test
        void marksEveryKindOfExpansion() {
            assertEquals(Set.of(Expansion.PARAMETER), expansions("echo $X"));
            assertEquals(Set.of(Expansion.PARAMETER), expansions("echo ${X}"));
            assertEquals(Set.of(Expansion.PARAMETER), expansions("echo $1$@$#"));
            assertEquals(Set.of(Expansion.COMMAND_SUBSTITUTION), expansions("echo $(x)"));
            assertEquals(Set.of(Expansion.COMMAND_SUBSTITUTION), expansions("echo `x`"));
            assertEquals(Set.of(Expansion.PROCESS_SUBSTITUTION), expansions("echo <(x)"));
            assertEquals(Set.of(Expansion.ARITHMETIC), expansions("echo $((1+2))"));
            assertEquals(Set.of(Expansion.ARITHMETIC, Expansion.EVALUATION), expansions("echo $((x+1))"));
            assertEquals(Set.of(Expansion.ARITHMETIC), expansions("echo $[1+2]"));
            assertEquals(Set.of(Expansion.ARITHMETIC, Expansion.EVALUATION), expansions("echo $[x]"));
            assertEquals(Set.of(Expansion.EQUALS), expansions("echo =cat"));
            assertEquals(Set.of(Expansion.GLOB), expansions("echo *.log"));
            assertEquals(Set.of(Expansion.GLOB), expansions("echo a?c"));
            assertEquals(Set.of(Expansion.GLOB), expansions("echo [ab].c"));
            assertEquals(Set.of(Expansion.BRACE), expansions("echo {a,b}"));
            assertEquals(Set.of(Expansion.BRACE), expansions("echo {1..3}"));
            assertEquals(Set.of(Expansion.TILDE), expansions("echo ~/x"));
            assertEquals(Set.of(Expansion.TILDE), expansions("echo a=~/x"));
            assertEquals(Set.of(Expansion.ANSI_C_QUOTING), expansions("echo $'\\x63at'"));
            assertEquals(Set.of(Expansion.LOCALE_QUOTING), expansions("echo $\"hello\""));
            assertEquals(Set.of(Expansion.HISTORY), expansions("echo !!"));
            assertEquals(Set.of(Expansion.HISTORY), expansions("echo !cat"));
        }

        @Test
        void leavesLiteralWhatTheShellLeavesLiteral() {
            for (String line : List.of("echo {}", "echo {x}", "echo [", "echo hi!", "echo a~b", "echo $", "echo \"$\"",
                    "echo x=1", "echo '*'", "echo \\*", "echo '$X'", "echo =", "echo '=cat'", "echo a=b")) {
                assertTrue(parse(line).commands().get(0).arguments().get(0).isLiteral(), line);
            }
        }

        @Test
        void evaluationCoversArithmeticOnVariablesIndirectionSubscriptsSubstringsAndPrompts() {
            for (String line : List.of("echo $((x))", "echo ${a[$i]}", "echo ${a[i]}", "echo ${!x}", "echo ${x:$n}",
                    "echo ${x@P}", "echo $(( $(id) ))")) {
                assertTrue(parse(line).commands().get(0).arguments().get(0).evaluates(), line);
            }
            for (String line : List.of("echo $((1+2))", "echo ${a[2]}", "echo ${a[@]}", "echo ${x:1:2}", "echo ${#x}",
                    "echo ${x:-y}")) {
                assertFalse(parse(line).commands().get(0).arguments().get(0).evaluates(), line);
            }
        }

        @Test
        void aDynamicProgramIsAnUnknownProgram() {
            for (String line : List.of("$(echo cat) x", "`echo rm` -rf /", "$'\\x63at' x", "$X y", "!! x", "${X} y",
                    "=cat x")) {
                ShellCommand c = parse(line).commands().get(0);
                assertTrue(c.runsUnknownProgram(), line);
                assertNull(c.programName(), line);
            }
        }

        @Test
        void wordToStringNeverShowsTheText() {
            ShellWord w = parse("mysql -phunter2").commands().get(0).arguments().get(0);
            assertEquals("ShellWord[9 characters]", w.toString());
            assertFalse(parse("mysql -phunter2").toString().contains("hunter2"));
            assertFalse(parse("mysql -phunter2").commands().get(0).toString().contains("hunter2"));
        }
    }

    @Nested
    class Errors {

        private void assertError(String problem, int position, String line) {
            ShellSyntaxException e = error(line);
            assertEquals(problem, e.problem(), line);
            assertEquals(position, e.position(), line);
            assertEquals(problem + " (at character " + position + ")", e.getMessage());
        }

        @Test
        void unbalancedQuotesAndSubstitutions() {
            assertError("unterminated single quote", 5, "cat 'x");
            assertError("unterminated double quote", 5, "cat \"x");
            assertError("unterminated $'…' quote", 6, "echo $'x");
            assertError("unterminated '$(' command substitution: no matching ')'", 6, "echo $(ls");
            assertError("unterminated '`' command substitution: no closing backquote", 6, "echo `ls");
            assertError("unterminated '${' parameter expansion: no matching '}'", 6, "echo ${x");
            assertError("unterminated arithmetic: no matching '))'", 6, "echo $((1+");
            assertError("unterminated '[' subscript or '$[' arithmetic: no matching ']'", 6, "echo $[1+");
            assertError("unterminated process substitution: no matching ')'", 6, "diff <(ls");
            assertError("unterminated '(' sub-shell: no matching ')'", 1, "(ls");
            assertError("unterminated '{' group: no '}' after a ';' or newline", 1, "{ ls }");
        }

        @Test
        void incompleteLines() {
            assertError("the line ends with a backslash, which would continue it on another line", 4, "ls \\");
            assertError("the line ends after '|'; a command must follow", 5, "ls |");
            assertError("the line ends after '&&' or '||'; a command must follow", 6, "ls &&");
            assertError("unterminated 'if': expected 'elif' or 'else' or 'fi'", 1, "if a; then b");
            assertError("a here-document has no body: the line ends before the line after its command", 5, "cat <<EOF");
            assertError("unterminated here-document: no line holds only its delimiter", 5, "cat <<EOF\nbody");
            assertError("the line holds no command", 1, "");
            assertError("the line holds no command", 1, "   # just a comment");
        }

        @Test
        void misplacedOperatorsAndReservedWords() {
            assertError("unexpected ';' where a command should start", 1, ";ls");
            assertError("unexpected '|' where a command should start", 1, "| ls");
            assertError("unexpected ')'", 4, "ls )");
            assertError("unexpected ';;' outside a case statement", 3, "ls;;");
            assertError("unexpected reserved word 'fi'", 14, "if x then y; fi");
            assertError("unexpected '('", 8, "echo \\$(x)");
            assertError("unexpected '('; a function is defined as name() { …; }", 7, "echo (x)");
            assertError("a redirection needs a target after '>'", 8, "echo > #x");
        }

        @Test
        void controlAndInvisibleCharacters() {
            assertError("a NUL character", 4, "cat\0x");
            assertError("a carriage return, which can hide part of the line on a terminal", 16, "cat /etc/shadow\r");
            assertError("the control character U+001B", 6, "echo \u001b[2K");
            assertError("the control character U+0085", 6, "echo \u0085");
            assertError("the invisible or unassigned character U+200B, which can make the line read differently "
                    + "from how it runs", 13, "cat /etc/sha\u200bdow");
            assertError("the invisible or unassigned character U+202E, which can make the line read differently "
                    + "from how it runs", 6, "echo \u202Etxt");
            assertError("the invisible or unassigned character U+FEFF, which can make the line read differently "
                    + "from how it runs", 1, "\uFEFFls");
            assertError("an unpaired surrogate character", 6, "echo \uD800x");
        }

        @Test
        void tabsNewlinesAndPrintableUnicodeAreFine() {
            assertEquals(List.of("echo a b", "echo héllo ✓ 😀"), commands("echo\ta b\necho héllo ✓ 😀"));
        }

        @Test
        void anErrorInsideABackquoteReportsTheBackquote() {
            assertError("unterminated single quote", 6, "echo `echo 'x`");
        }

        @Test
        void theMessageNeverQuotesTheLine() {
            ShellSyntaxException e = error("mysql -phunter2 'x");
            assertFalse(e.getMessage().contains("hunter2"));
        }
    }

    @Nested
    class Limits {

        @Test
        void refusesALineLongerThanTheLimit() {
            ShellSyntaxException e = error("x".repeat(ShellLine.MAX_LENGTH + 1));
            assertEquals("the line is longer than 65536 characters", e.problem());
        }

        @Test
        void refusesNestingDeeperThanTheLimit() {
            String deep = "$(".repeat(ShellLine.MAX_DEPTH + 1) + "x" + ")".repeat(ShellLine.MAX_DEPTH + 1);
            assertEquals("the line is nested more than 32 levels deep", error("echo " + deep).problem());
            String ok = "$(".repeat(10) + "x" + ")".repeat(10);
            assertEquals(11, parse("echo " + ok).commands().size());
        }

        @Test
        void refusesDeeplyNestedParameterExpansionsAndGroups() {
            String deep = "${x:-".repeat(40) + "y" + "}".repeat(40);
            assertEquals("the line is nested more than 32 levels deep", error("echo " + deep).problem());
            assertEquals("the line is nested more than 32 levels deep", error("( ".repeat(40) + "ls" + " )".repeat(40))
                    .problem());
        }

        @Test
        void refusesMoreCommandsThanTheLimit() {
            assertEquals("the line holds more than 1000 commands", error("a;".repeat(1001)).problem());
            assertEquals(1000, parse("a;".repeat(1000)).commands().size());
        }

        @Test
        void refusesShellCodeAndWrappersNestedBeyondTheLimit() {
            assertTrue(error("eval ".repeat(40) + "ls").problem().endsWith("nested more than 32 levels deep"));
            assertTrue(error("sudo ".repeat(40) + "ls").problem().endsWith("nested more than 32 levels deep"));
            assertEquals(11, parse("eval ".repeat(10) + "ls").commands().size());
        }
    }

    @Test
    void listsProgramNamesAndWhetherTheDirectoryChanges() {
        assertEquals(Set.of("cat", "grep"), parse("cat x | grep y").programNames());
        assertFalse(parse("cat x | grep y").changesDirectory());
        assertTrue(parse("cd /etc && cat shadow").changesDirectory());
        assertTrue(parse("$X /etc").changesDirectory());
        assertEquals("ShellLine[2 commands: cat, grep]", parse("cat x | grep y").toString());
    }
}
