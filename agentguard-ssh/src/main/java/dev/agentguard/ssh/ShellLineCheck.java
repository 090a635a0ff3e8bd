package dev.agentguard.ssh;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * What an interactive shell line must be before the policy even looks at it: one complete
 * command line, typed as plain text. The policy decides a line as a whole; anything that lets the
 * terminal or the shell assemble a command other than the line decided is refused here:
 *
 * <ul>
 *   <li>control characters: line editing ({@code ^U} kill line, {@code ^W} erase word, {@code ^H},
 *       DEL), {@code ^V} literal next, tab completion, {@code ^R} history search, escape
 *       sequences (arrow keys, bracketed paste {@code ESC[200~}), carriage returns and line feeds
 *       inside the line (the guard ends the line itself), NUL, C1 controls, Unicode line and
 *       paragraph separators and invisible formatting characters;</li>
 *   <li>lines the shell would continue with the next line: a trailing backslash, an unclosed
 *       quote, backtick, {@code $(}, {@code (} or <code>{</code>, a trailing {@code |},
 *       {@code &&} or {@code ||}, a compound command ({@code if}, {@code for}, {@code while},
 *       {@code until}, {@code case}, {@code select}) not closed on the same line, and
 *       here-documents ({@code <<}), whose body would arrive as later lines;</li>
 *   <li>history expansion ({@code !!}, {@code !$}, {@code !-2}, a leading {@code ^old^new}), which
 *       would run words of earlier lines instead of the line decided.</li>
 * </ul>
 * The check only reads quoting, not meaning: the policy's shell tokeniser decides what the line
 * does. Messages name the problem and its position, never the line.
 */
final class ShellLineCheck {

    /** The longest line accepted (a terminal's line buffer holds 4095 characters). */
    static final int MAX_LINE = 4000;

    private static final Set<String> OPENERS = Set.of("if", "for", "while", "until", "case", "select");
    private static final Set<String> CLOSERS = Set.of("fi", "done", "esac");

    private ShellLineCheck() {
    }

    /** Why {@code line} may not be sent, or {@code null} when it may go to the policy. */
    static String problem(String line) {
        if (line.isEmpty()) {
            return null;
        }
        if (line.length() > MAX_LINE) {
            return "the line is " + line.length() + " characters; at most " + MAX_LINE + " are sent to a terminal";
        }
        for (int i = 0; i < line.length(); i++) {
            String control = control(line, i);
            if (control != null) {
                return control + " at position " + (i + 1) + " is refused: a line is sent as plain text, and control "
                        + "characters would let the terminal or shell edit it after the policy decided it";
            }
        }
        return structure(line);
    }

    /** The name of the control character at {@code i}, or {@code null} when it is plain text. */
    private static String control(String s, int i) {
        char c = s.charAt(i);
        if (c < 0x20 || c == 0x7f) {
            return switch (c) {
                case '\t' -> "a tab (completion)";
                case '\n', '\r' -> "a line break";
                case 0x1b -> "an escape sequence (ESC)";
                case 0x15 -> "^U (kill line)";
                case 0x17 -> "^W (erase word)";
                case 0x16 -> "^V (literal next)";
                case 0x08, 0x7f -> "an erase character";
                case 0x12 -> "^R (history search)";
                case 0x03 -> "^C (interrupt; use interrupt())";
                case 0x04 -> "^D (end of input)";
                case 0 -> "NUL";
                default -> String.format("the control character U+%04X", (int) c);
            };
        }
        if (c >= 0x80 && c <= 0x9f) {
            return String.format("the C1 control character U+%04X", (int) c);
        }
        if (Character.isSurrogate(c)) {
            boolean paired = Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                    : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
            if (!paired) {
                return "an unpaired surrogate";
            }
            if (Character.isHighSurrogate(c) && Character.getType(s.codePointAt(i)) == Character.FORMAT) {
                return String.format("the invisible formatting character U+%X", s.codePointAt(i));
            }
            return null;
        }
        int type = Character.getType(c);
        if (type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
            return String.format("the line separator U+%04X", (int) c);
        }
        if (type == Character.FORMAT) {
            return String.format("the invisible formatting character U+%04X", (int) c);
        }
        return null;
    }

    /** Quoting and continuation: {@code null} when the line is one complete command line. */
    private static String structure(String s) {
        if (s.charAt(0) == '^') {
            return "a line starting with '^' is history substitution (^old^new) in bash, which reruns an earlier line";
        }
        // What is open at each point: '(' for ( and $(, '{' for groups, '`' for backticks, '"' for double quotes.
        Deque<Character> open = new ArrayDeque<>();
        Deque<String> compounds = new ArrayDeque<>();
        StringBuilder word = new StringBuilder();
        boolean commandPosition = true;
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            boolean inDouble = !open.isEmpty() && open.peek() == '"';
            if (c == '\\') {
                if (i + 1 >= n) {
                    return "a trailing backslash continues the command on the next line; end the line without it";
                }
                word.append(c).append(s.charAt(i + 1));
                i += 2;
                continue;
            }
            if (c == '\'' && !inDouble) {
                int close = s.indexOf('\'', i + 1);
                if (close < 0) {
                    return "the single quote at position " + (i + 1) + " is not closed on this line";
                }
                word.append(s, i, close + 1);
                i = close + 1;
                continue;
            }
            if (c == '!') {
                char next = i + 1 < n ? s.charAt(i + 1) : ' ';
                if (next != ' ' && next != '=' && next != '(' && next != '\t') {
                    return "'!' at position " + (i + 1) + " is history expansion in bash (it reruns words of earlier "
                            + "lines); quote it with single quotes";
                }
            }
            if (c == '"') {
                if (inDouble) {
                    open.pop();
                } else {
                    open.push('"');
                }
                word.append(c);
                i++;
                continue;
            }
            if (c == '`') {
                if (!open.isEmpty() && open.peek() == '`') {
                    open.pop();
                } else {
                    open.push('`');
                }
                word.append(c);
                i++;
                continue;
            }
            if (c == '$' && i + 1 < n && s.charAt(i + 1) == '(') {
                open.push('(');
                word.append("$(");
                i += 2;
                commandPosition = true;
                continue;
            }
            if (c == '$' && i + 1 < n && s.charAt(i + 1) == '{') {
                int close = s.indexOf('}', i + 2);
                if (close < 0) {
                    return "the ${ at position " + (i + 1) + " is not closed on this line";
                }
                word.append(s, i, close + 1);
                i = close + 1;
                continue;
            }
            if (inDouble) {
                word.append(c);
                i++;
                continue;
            }
            // Outside quotes: words and operators.
            if (c == ' ') {
                commandPosition = endWord(word, commandPosition, compounds);
                i++;
                continue;
            }
            if (c == '<' && i + 2 < n && s.charAt(i + 1) == '<' && s.charAt(i + 2) == '<') {
                // A here-string: its text is on this line.
                commandPosition = endWord(word, commandPosition, compounds);
                commandPosition = false;
                i += 3;
                continue;
            }
            if (c == '<' && i + 1 < n && s.charAt(i + 1) == '<') {
                return "the here-document at position " + (i + 1) + " would take its body from the next lines; "
                        + "run it with exec() and the whole text, or use a here-string (<<<)";
            }
            if (c == '(' || c == ')' || c == ';' || c == '&' || c == '|' || c == '<' || c == '>') {
                commandPosition = endWord(word, commandPosition, compounds);
                if (c == '(') {
                    open.push('(');
                    commandPosition = true;
                } else if (c == ')') {
                    if ((open.isEmpty() || open.peek() != '(') && "case".equals(compounds.peek())) {
                        commandPosition = true; // the end of a case pattern: a command follows
                        i++;
                        continue;
                    }
                    if (open.isEmpty() || open.peek() != '(') {
                        return "the ')' at position " + (i + 1) + " closes nothing opened on this line";
                    }
                    open.pop();
                    commandPosition = false;
                } else {
                    commandPosition = c != '<' && c != '>';
                }
                if ((c == '<' || c == '>') && i + 1 < n && (s.charAt(i + 1) == '(')) {
                    open.push('(');
                    commandPosition = true;
                    i++;
                }
                i++;
                continue;
            }
            word.append(c);
            i++;
        }
        endWord(word, commandPosition, compounds);
        if (!open.isEmpty()) {
            char what = open.peek();
            return switch (what) {
                case '"' -> "a double quote is not closed on this line";
                case '`' -> "a backtick is not closed on this line";
                case '{' -> "a { group is not closed on this line";
                default -> "a ( or $( is not closed on this line";
            };
        }
        if (!compounds.isEmpty()) {
            return "the compound command '" + compounds.peek() + "' is not closed on this line; the shell would take "
                    + "the next lines into it";
        }
        String trimmed = s.stripTrailing();
        if (trimmed.endsWith("|") || trimmed.endsWith("&&")) {
            return "the line ends with '" + (trimmed.endsWith("|") ? (trimmed.endsWith("||") ? "||" : "|") : "&&")
                    + "', which continues the command on the next line";
        }
        return null;
    }

    /**
     * Ends the word being read: tracks compound commands and groups by the reserved words at
     * command position, and returns whether the next word is at command position.
     */
    private static boolean endWord(StringBuilder word, boolean commandPosition, Deque<String> compounds) {
        if (word.length() == 0) {
            return commandPosition;
        }
        String w = word.toString();
        word.setLength(0);
        if (!commandPosition) {
            return false;
        }
        if (OPENERS.contains(w)) {
            compounds.push(w);
            return w.equals("if") || w.equals("while") || w.equals("until");
        }
        if (w.equals("{")) {
            compounds.push("{");
            return true;
        }
        if (CLOSERS.contains(w) || w.equals("}")) {
            if (!compounds.isEmpty()) {
                compounds.pop();
            }
            return false;
        }
        // After these reserved words another command follows.
        return w.equals("then") || w.equals("do") || w.equals("else") || w.equals("elif") || w.equals("!")
                || w.equals("time");
    }
}
