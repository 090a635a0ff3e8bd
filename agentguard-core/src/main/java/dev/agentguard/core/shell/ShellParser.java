package dev.agentguard.core.shell;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A recursive-descent parser for one shell command line: the POSIX grammar (lists, and-or lists,
 * pipelines, simple and compound commands, redirections, here-documents, words with their quoting
 * and expansions) with the bash extensions agents type. It records every simple command in
 * {@link Session#commands}, in the order they appear; {@link CommandAnalysis} then classifies them.
 *
 * <p>Exact where it matters for a policy: a word's value after quote removal, which parts of it
 * only the running shell knows, and where a nested command starts and ends. Anything it cannot
 * read the way a shell would is a {@link ShellSyntaxException}: the line is refused, never guessed.
 */
final class ShellParser {

    /** Reserved words that start a compound command, or end one, where a command may start. */
    private static final Set<String> RESERVED = Set.of("{", "}", "!", "if", "then", "elif", "else", "fi", "do",
            "done", "case", "esac", "while", "until", "for", "select", "function", "[[", "coproc");

    /** What one line's parse shares between the parsers of the texts nested in it. */
    static final class Session {
        final List<CommandBuilder> commands = new ArrayList<>();
        /** Commands created in the whole line, nested codes included; shared with sub-sessions. */
        final int[] budget;
        /** Put before every problem found in this session's text ("in the code passed to bash: "). */
        final String context;

        Session() {
            this(new int[1], "");
        }

        Session(int[] budget, String context) {
            this.budget = budget;
            this.context = context;
        }
    }

    /** A simple command while the line is being read; here-document bodies arrive after it. */
    static final class CommandBuilder {
        ShellWord program;
        final List<ShellWord> arguments = new ArrayList<>();
        final List<Assignment> assignments = new ArrayList<>();
        final List<RedirectionBuilder> redirections = new ArrayList<>();
        Joint joint = Joint.FIRST;
        Origin origin = Origin.LINE;
        int depth;
        List<String> wrappers = List.of();
        /** 1-based position of the command in the line, for problems found in code it carries. */
        int position;
        /** The reserved word of a compound command or function definition, else null. */
        String keyword;

        ShellCommand build(String opaqueReason) {
            List<Redirection> out = new ArrayList<>(redirections.size());
            for (RedirectionBuilder r : redirections) {
                out.add(r.build());
            }
            return new ShellCommand(program, arguments, assignments, out, joint, origin, depth, wrappers, opaqueReason);
        }
    }

    /** A redirection; a here-document's body is filled in when the line after it is read. */
    static final class RedirectionBuilder {
        final Redirection.Kind kind;
        final String operator;
        final int fd;
        ShellWord target;

        RedirectionBuilder(Redirection.Kind kind, String operator, int fd, ShellWord target) {
            this.kind = kind;
            this.operator = operator;
            this.fd = fd;
            this.target = target;
        }

        /** Whether it feeds the command's standard input. */
        boolean feedsStandardInput() {
            return fd <= 0;
        }

        Redirection build() {
            return new Redirection(kind, operator, fd, target);
        }
    }

    /** A here-document whose body starts after the next newline. */
    private record PendingHereDocument(RedirectionBuilder redirection, String delimiter, boolean quoted,
                                       boolean stripTabs, int at, int depth) {
    }

    private final String s;
    private final int n;
    private final int base;
    /** When 1 or more, every problem reports this position (the text is derived: unescaped or decoded). */
    private final int fixedPosition;
    private final Session session;
    private int pos;
    private int level;
    private Joint nextJoint = Joint.FIRST;
    private final ArrayDeque<PendingHereDocument> hereDocuments = new ArrayDeque<>();

    /**
     * @param text          the text to read
     * @param base          the offset of {@code text} in the line, for positions
     * @param fixedPosition 1 or more to report every problem at that position, -1 for exact positions
     * @param session       where commands go
     */
    ShellParser(String text, int base, int fixedPosition, Session session) {
        this(text, base, fixedPosition, session, 0);
    }

    ShellParser(String text, int base, int fixedPosition, Session session, int level) {
        this.s = text;
        this.n = text.length();
        this.base = base;
        this.fixedPosition = fixedPosition;
        this.session = session;
        this.level = level;
    }

    // ---------------------------------------------------------------- characters

    /**
     * Refuses characters a terminal or a reviewer would not see as the shell does: NUL and other
     * control characters but tab and newline (a carriage return can hide the start of a line),
     * C1 controls, invisible formatting characters (zero-width spaces, bidirectional overrides,
     * the byte order mark), line and paragraph separators, and unpaired surrogates.
     */
    static void checkCharacters(String text) throws ShellSyntaxException {
        int len = text.length();
        for (int i = 0; i < len; i++) {
            char c = text.charAt(i);
            if (c == '\t' || c == '\n' || (c >= 0x20 && c < 0x7f)) {
                continue;
            }
            if (c == 0) {
                throw new ShellSyntaxException("a NUL character", i + 1);
            }
            if (c == '\r') {
                throw new ShellSyntaxException("a carriage return, which can hide part of the line on a terminal", i + 1);
            }
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                throw new ShellSyntaxException("the control character U+" + hex(c), i + 1);
            }
            int cp = c;
            if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(text.charAt(i + 1))) {
                cp = Character.toCodePoint(c, text.charAt(i + 1));
            } else if (Character.isSurrogate(c)) {
                throw new ShellSyntaxException("an unpaired surrogate character", i + 1);
            }
            int type = Character.getType(cp);
            if (type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                    || type == Character.UNASSIGNED || type == Character.PRIVATE_USE) {
                throw new ShellSyntaxException("the invisible or unassigned character U+" + hex(cp)
                        + ", which can make the line read differently from how it runs", i + 1);
            }
            if (cp > 0xffff) {
                i++;
            }
        }
    }

    private static String hex(int cp) {
        String h = Integer.toHexString(cp).toUpperCase(java.util.Locale.ROOT);
        return "0".repeat(Math.max(0, 4 - h.length())) + h;
    }

    // ---------------------------------------------------------------- entry

    /** Parses the whole text as a list of commands at {@code depth}. */
    void parseAll(Origin origin, int depth) throws ShellSyntaxException {
        list(origin, depth, Set.of(), false, false);
        skipBlanksAndComments();
        if (pos < n) {
            throw error(pos, "unexpected " + describe(pos));
        }
        if (!hereDocuments.isEmpty()) {
            throw error(hereDocuments.peek().at(), "a here-document has no body: the line ends before the line "
                    + "after its command");
        }
    }

    /** Reads the body of an unquoted here-document: expansions, backquotes and backslash escapes count. */
    ShellWord hereDocumentBody(int depth) throws ShellSyntaxException {
        WordBuilder w = new WordBuilder();
        while (pos < n) {
            char c = s.charAt(pos);
            if (c == '\\' && pos + 1 < n) {
                char next = s.charAt(pos + 1);
                if (next == '$' || next == '`' || next == '\\') {
                    w.quoted(next);
                    pos += 2;
                } else if (next == '\n') {
                    pos += 2;
                } else {
                    w.quoted(c);
                    pos++;
                }
            } else if (c == '$') {
                dollar(depth, w, true);
            } else if (c == '`') {
                backquoted(depth, w, false);
            } else {
                w.quoted(c);
                pos++;
            }
        }
        return w.build();
    }

    // ---------------------------------------------------------------- grammar

    /**
     * A list of and-or lists separated by {@code ;}, {@code &} or newlines, up to the end of the
     * text, a {@code )} (when {@code stopAtParen}), a reserved word of {@code stopWords} where a
     * command could start, or a case item's {@code ;;} / {@code ;&} (when {@code caseItem}).
     *
     * @return the number of and-or lists read
     */
    private int list(Origin origin, int depth, Set<String> stopWords, boolean stopAtParen, boolean caseItem)
            throws ShellSyntaxException {
        enter(pos);
        try {
            int count = 0;
            while (true) {
                skipBlanksAndComments();
                if (pos >= n) {
                    return count;
                }
                char c = s.charAt(pos);
                if (c == '\n') {
                    newline();
                    continue;
                }
                if (c == ')' && stopAtParen) {
                    return count;
                }
                if (caseItem && (startsWith(";;") || startsWith(";&"))) {
                    return count;
                }
                if (!stopWords.isEmpty()) {
                    String w = wordAt(pos);
                    if (w != null && stopWords.contains(w)) {
                        return count;
                    }
                }
                andOr(origin, depth);
                count++;
                skipBlanksAndComments();
                if (pos >= n) {
                    return count;
                }
                c = s.charAt(pos);
                if (c == ';') {
                    if (startsWith(";;") || startsWith(";&")) {
                        if (caseItem) {
                            return count;
                        }
                        throw error(pos, "unexpected ';;' outside a case statement");
                    }
                    pos++;
                    nextJoint = Joint.SEQUENCE;
                } else if (c == '&') {
                    pos++;
                    nextJoint = Joint.BACKGROUND;
                } else if (c == '\n') {
                    newline();
                    nextJoint = Joint.NEWLINE;
                } else if (c == ')' && stopAtParen) {
                    return count;
                } else {
                    throw error(pos, "unexpected " + describe(pos));
                }
            }
        } finally {
            level--;
        }
    }

    /** Pipelines joined by {@code &&} and {@code ||}. */
    private void andOr(Origin origin, int depth) throws ShellSyntaxException {
        pipeline(origin, depth);
        while (true) {
            skipBlanks();
            if (startsWith("&&")) {
                pos += 2;
                nextJoint = Joint.AND;
            } else if (startsWith("||")) {
                pos += 2;
                nextJoint = Joint.OR;
            } else {
                return;
            }
            skipLinebreaks();
            if (pos >= n) {
                throw error(pos, "the line ends after '&&' or '||'; a command must follow");
            }
            pipeline(origin, depth);
        }
    }

    /** Commands joined by {@code |} or {@code |&}, optionally negated with {@code !}. */
    private void pipeline(Origin origin, int depth) throws ShellSyntaxException {
        skipBlanks();
        if ("!".equals(wordAt(pos))) {
            pos++;
            skipBlanks();
        }
        command(origin, depth);
        while (true) {
            skipBlanks();
            if (pos < n && s.charAt(pos) == '|' && !startsWith("||")) {
                pos++;
                nextJoint = Joint.PIPE;
                if (pos < n && s.charAt(pos) == '&') {
                    pos++;
                    nextJoint = Joint.PIPE_WITH_STDERR;
                }
                skipLinebreaks();
                if (pos >= n) {
                    throw error(pos, "the line ends after '|'; a command must follow");
                }
                command(origin, depth);
            } else {
                return;
            }
        }
    }

    /** A simple command, or a compound command with its redirections. */
    private void command(Origin origin, int depth) throws ShellSyntaxException {
        skipBlanks();
        if (pos >= n) {
            throw error(pos, "a command is missing at the end of the line");
        }
        int first = session.commands.size();
        char c = s.charAt(pos);
        if (c == '(') {
            if (startsWith("((") && arithmeticCloses(pos + 2)) {
                arithmeticCommand(origin, depth);
            } else {
                subshell(depth);
            }
        } else {
            String w = wordAt(pos);
            if (w != null && RESERVED.contains(w)) {
                switch (w) {
                    case "{" -> group(depth);
                    case "if" -> ifClause(origin, depth);
                    case "while", "until" -> loop(w, origin, depth);
                    case "for", "select" -> forClause(w, origin, depth);
                    case "case" -> caseClause(origin, depth);
                    case "function" -> functionDefinition(true, origin, depth);
                    case "[[" -> conditional(origin, depth);
                    case "coproc" -> {
                        keyword("coproc", origin, depth);
                        pos += w.length();
                        command(Origin.COMPOUND, depth + 1);
                    }
                    default -> throw error(pos, "unexpected reserved word '" + w + "'");
                }
            } else if (functionDefinitionAt()) {
                functionDefinition(false, origin, depth);
            } else {
                simpleCommand(origin, depth);
                return;
            }
        }
        // Redirections after a compound command are the descriptors of every command inside it.
        int last = session.commands.size();
        List<RedirectionBuilder> redirections = new ArrayList<>();
        while (true) {
            skipBlanks();
            if (pos < n && isRedirectionStart()) {
                redirections.add(redirection(depth));
            } else {
                break;
            }
        }
        for (int i = first; i < last && !redirections.isEmpty(); i++) {
            session.commands.get(i).redirections.addAll(redirections);
        }
        if (pos < n && !isCommandEnd(s.charAt(pos)) && s.charAt(pos) != '#') {
            throw error(pos, "unexpected " + describe(pos) + " after a compound command; separate commands with ';'");
        }
    }

    private void subshell(int depth) throws ShellSyntaxException {
        int open = pos;
        pos++;
        int count = list(Origin.SUBSHELL, depth + 1, Set.of(), true, false);
        if (pos >= n || s.charAt(pos) != ')') {
            throw error(open, "unterminated '(' sub-shell: no matching ')'");
        }
        if (count == 0) {
            throw error(open, "an empty '( )' sub-shell");
        }
        pos++;
    }

    private void group(int depth) throws ShellSyntaxException {
        int open = pos;
        pos++;
        int count = list(Origin.GROUP, depth + 1, Set.of("}"), false, false);
        if (!"}".equals(wordAt(pos))) {
            throw error(open, "unterminated '{' group: no '}' after a ';' or newline");
        }
        if (count == 0) {
            throw error(open, "an empty '{ }' group");
        }
        pos++;
    }

    private void ifClause(Origin origin, int depth) throws ShellSyntaxException {
        int open = pos;
        keyword("if", origin, depth);
        pos += 2;
        compoundList(depth, Set.of("then"), "if", open);
        pos += 4;
        compoundList(depth, Set.of("elif", "else", "fi"), "if", open);
        while (true) {
            String w = wordAt(pos);
            if ("elif".equals(w)) {
                pos += 4;
                compoundList(depth, Set.of("then"), "if", open);
                pos += 4;
                compoundList(depth, Set.of("elif", "else", "fi"), "if", open);
            } else if ("else".equals(w)) {
                pos += 4;
                compoundList(depth, Set.of("fi"), "if", open);
                pos += 2;
                return;
            } else {
                pos += 2;
                return;
            }
        }
    }

    private void loop(String word, Origin origin, int depth) throws ShellSyntaxException {
        int open = pos;
        keyword(word, origin, depth);
        pos += word.length();
        compoundList(depth, Set.of("do"), word, open);
        pos += 2;
        compoundList(depth, Set.of("done"), word, open);
        pos += 4;
    }

    private void forClause(String word, Origin origin, int depth) throws ShellSyntaxException {
        int open = pos;
        CommandBuilder k = keyword(word, origin, depth);
        pos += word.length();
        skipBlanks();
        if (word.equals("for") && startsWith("((")) {
            int at = pos;
            pos += 2;
            EnumSet<Expansion> ex = EnumSet.noneOf(Expansion.class);
            arithmeticBody(at, depth, ex);
            k.arguments.add(new ShellWord(s.substring(at, pos), ex, null));
            skipBlanks();
            if (pos < n && s.charAt(pos) == ';') {
                pos++;
            }
            skipLinebreaks();
        } else {
            ShellWord name = scanWord(depth, false);
            if (name == null || !name.isLiteral() || !isName(name.text())) {
                throw error(open, "'" + word + "' needs a variable name");
            }
            skipBlanks();
            boolean separated = false;
            if (pos < n && s.charAt(pos) == ';') {
                pos++;
                separated = true;
            }
            skipLinebreaks();
            if (!separated && "in".equals(wordAt(pos))) {
                pos += 2;
                while (true) {
                    skipBlanks();
                    if (pos >= n || s.charAt(pos) == ';' || s.charAt(pos) == '\n' || s.charAt(pos) == '#') {
                        break;
                    }
                    ShellWord item = scanWord(depth, false);
                    if (item == null) {
                        throw error(pos, "unexpected " + describe(pos) + " in the word list of '" + word + "'");
                    }
                    k.arguments.add(item);
                }
                skipBlanksAndComments();
                if (pos < n && s.charAt(pos) == ';') {
                    pos++;
                } else if (pos >= n) {
                    throw error(open, "unterminated '" + word + "': expected 'do'");
                }
                skipLinebreaks();
            }
        }
        if (!"do".equals(wordAt(pos))) {
            throw error(pos < n ? pos : open, "'" + word + "' needs 'do' before its body");
        }
        pos += 2;
        compoundList(depth, Set.of("done"), word, open);
        pos += 4;
    }

    private void caseClause(Origin origin, int depth) throws ShellSyntaxException {
        int open = pos;
        CommandBuilder k = keyword("case", origin, depth);
        pos += 4;
        skipBlanks();
        ShellWord subject = scanWord(depth, false);
        if (subject == null) {
            throw error(open, "'case' needs a word to match");
        }
        k.arguments.add(subject);
        skipLinebreaks();
        if (!"in".equals(wordAt(pos))) {
            throw error(pos < n ? pos : open, "'case' needs 'in' after its word");
        }
        pos += 2;
        while (true) {
            skipLinebreaks();
            if (pos >= n) {
                throw error(open, "unterminated 'case': no 'esac'");
            }
            if ("esac".equals(wordAt(pos))) {
                pos += 4;
                return;
            }
            if (s.charAt(pos) == '(') {
                pos++;
            }
            while (true) {
                skipBlanks();
                ShellWord pattern = scanWord(depth, false);
                if (pattern == null) {
                    throw error(pos, "a case pattern is missing");
                }
                k.arguments.add(pattern);
                skipBlanks();
                if (pos < n && s.charAt(pos) == '|') {
                    pos++;
                    continue;
                }
                break;
            }
            if (pos >= n || s.charAt(pos) != ')') {
                throw error(pos < n ? pos : open, "a case pattern must end with ')'");
            }
            pos++;
            list(Origin.COMPOUND, depth + 1, Set.of("esac"), false, true);
            skipBlanksAndComments();
            if (startsWith(";;&")) {
                pos += 3;
            } else if (startsWith(";;") || startsWith(";&")) {
                pos += 2;
            } else if (pos >= n) {
                throw error(open, "unterminated 'case': no 'esac'");
            } else if (!"esac".equals(wordAt(pos))) {
                throw error(pos, "unexpected " + describe(pos) + " in a case item");
            }
        }
    }

    private boolean functionDefinitionAt() {
        int e = pos;
        while (e < n && isFunctionNameChar(s.charAt(e))) {
            e++;
        }
        if (e == pos) {
            return false;
        }
        int p = e;
        while (p < n && isBlank(s.charAt(p))) {
            p++;
        }
        return p < n && s.charAt(p) == '(' && !(p + 1 < n && s.charAt(p + 1) == '(' && p == e);
    }

    private void functionDefinition(boolean keywordForm, Origin origin, int depth) throws ShellSyntaxException {
        int open = pos;
        if (keywordForm) {
            pos += "function".length();
            skipBlanks();
        }
        int e = pos;
        while (e < n && isFunctionNameChar(s.charAt(e))) {
            e++;
        }
        if (e == pos) {
            throw error(pos < n ? pos : open, "a function definition needs a name");
        }
        String name = s.substring(pos, e);
        pos = e;
        skipBlanks();
        if (pos < n && s.charAt(pos) == '(') {
            pos++;
            skipBlanks();
            if (pos >= n || s.charAt(pos) != ')') {
                throw error(pos < n ? pos : open, "unexpected '('; a function is defined as name() { …; }");
            }
            pos++;
        } else if (!keywordForm) {
            throw error(pos, "a function is defined as name() { …; }");
        }
        CommandBuilder k = keyword("function", origin, depth);
        k.position = position(open);
        k.arguments.add(ShellWord.literal(name));
        skipLinebreaks();
        if (pos >= n) {
            throw error(open, "a function definition needs a body");
        }
        String w = wordAt(pos);
        boolean compound = s.charAt(pos) == '(' || (w != null && Set.of("{", "if", "while", "until", "for", "select",
                "case", "[[").contains(w));
        if (!compound) {
            throw error(pos, "a function body must be a compound command such as { …; }");
        }
        command(Origin.COMPOUND, depth + 1);
    }

    private void conditional(Origin origin, int depth) throws ShellSyntaxException {
        int open = pos;
        CommandBuilder k = keyword("[[", origin, depth);
        pos += 2;
        while (true) {
            while (pos < n && (isBlank(s.charAt(pos)) || s.charAt(pos) == '\n'
                    || (s.charAt(pos) == '\\' && pos + 1 < n && s.charAt(pos + 1) == '\n'))) {
                pos += s.charAt(pos) == '\\' ? 2 : 1;
            }
            if (pos >= n) {
                throw error(open, "unterminated '[[': no ']]'");
            }
            if ("]]".equals(literalRunAt(pos))) {
                pos += 2;
                return;
            }
            char c = s.charAt(pos);
            if (startsWith("&&") || startsWith("||")) {
                pos += 2;
                continue;
            }
            if (c == '(' || c == ')' || c == '<' || c == '>') {
                pos++;
                continue;
            }
            if (c == ';' || c == '&' || c == '|') {
                throw error(pos, "unexpected " + describe(pos) + " inside '[[ … ]]'");
            }
            ShellWord w = scanWord(depth, false);
            if (w == null) {
                throw error(pos, "unexpected " + describe(pos) + " inside '[[ … ]]'");
            }
            k.arguments.add(w);
            if (w.text().equals("=~")) {
                while (pos < n && isBlank(s.charAt(pos))) {
                    pos++;
                }
                ShellWord regex = scanWord(depth, true);
                if (regex == null) {
                    throw error(pos < n ? pos : open, "'=~' needs a regular expression");
                }
                k.arguments.add(regex);
            }
        }
    }

    private void arithmeticCommand(Origin origin, int depth) throws ShellSyntaxException {
        int open = pos;
        CommandBuilder k = keyword("((", origin, depth);
        pos += 2;
        EnumSet<Expansion> ex = EnumSet.noneOf(Expansion.class);
        arithmeticBody(open, depth, ex);
        k.arguments.add(new ShellWord(s.substring(open + 2, pos - 2), ex, null));
    }

    /** A compound command's list up to one of {@code stops}; the list must not be empty. */
    private void compoundList(int depth, Set<String> stops, String construct, int open) throws ShellSyntaxException {
        int count = list(Origin.COMPOUND, depth + 1, stops, false, false);
        String w = wordAt(pos);
        if (w == null || !stops.contains(w)) {
            throw error(open, "unterminated '" + construct + "': expected " + String.join(" or ", stops.stream()
                    .sorted().map(x -> "'" + x + "'").toList()));
        }
        if (count == 0) {
            throw error(pos, "expected a command before '" + w + "'");
        }
    }

    /** The command that stands for a compound command or a function definition: its reserved word. */
    private CommandBuilder keyword(String word, Origin origin, int depth) throws ShellSyntaxException {
        CommandBuilder k = newCommand(origin, depth);
        k.program = ShellWord.literal(word);
        k.keyword = word;
        return k;
    }

    private CommandBuilder newCommand(Origin origin, int depth) throws ShellSyntaxException {
        if (++session.budget[0] > ShellLine.MAX_COMMANDS) {
            throw error(pos, "the line holds more than " + ShellLine.MAX_COMMANDS + " commands");
        }
        CommandBuilder b = new CommandBuilder();
        b.origin = origin;
        b.depth = depth;
        b.joint = nextJoint;
        b.position = position(pos);
        nextJoint = Joint.FIRST;
        session.commands.add(b);
        return b;
    }

    private void simpleCommand(Origin origin, int depth) throws ShellSyntaxException {
        int start = pos;
        CommandBuilder b = newCommand(origin, depth);
        while (true) {
            skipBlanks();
            if (pos >= n) {
                break;
            }
            char c = s.charAt(pos);
            if (isRedirectionStart()) {
                b.redirections.add(redirection(depth));
                continue;
            }
            if (isCommandEnd(c) || c == '#') {
                break; // a '#' starting a word starts a comment, which the caller skips
            }
            if (c == '(') {
                throw error(pos, "unexpected '('");
            }
            if (b.program == null || isAssignmentBuiltin(b.program)) {
                int end = assignmentEnd();
                if (end > 0) {
                    Assignment a = assignment(depth);
                    if (b.program == null) {
                        b.assignments.add(a);
                    } else {
                        b.arguments.add(asWord(a));
                    }
                    continue;
                }
            }
            ShellWord w = scanWord(depth, false);
            if (w == null) {
                throw error(pos, "unexpected " + describe(pos));
            }
            if (b.program == null) {
                b.program = w;
            } else {
                b.arguments.add(w);
            }
        }
        if (b.program == null && b.assignments.isEmpty() && b.redirections.isEmpty()) {
            throw error(start, pos < n ? "unexpected " + describe(pos) + " where a command should start"
                    : "a command is missing at the end of the line");
        }
    }

    private static boolean isAssignmentBuiltin(ShellWord program) {
        if (!program.isLiteral()) {
            return false;
        }
        return switch (program.text()) {
            case "declare", "typeset", "local", "export", "readonly" -> true;
            default -> false;
        };
    }

    /** The end of {@code NAME=}, {@code NAME+=} or {@code NAME[subscript]=} at pos (after '='), or -1. */
    private int assignmentEnd() {
        int p = pos;
        if (p >= n || !isNameStart(s.charAt(p))) {
            return -1;
        }
        while (p < n && isNameChar(s.charAt(p))) {
            p++;
        }
        if (p < n && s.charAt(p) == '[') {
            int d = 0;
            for (; p < n; p++) {
                char c = s.charAt(p);
                if (c == '[') {
                    d++;
                } else if (c == ']' && --d == 0) {
                    break;
                } else if (c == '\n') {
                    return -1;
                }
            }
            if (p >= n) {
                return -1;
            }
            p++;
        }
        if (p < n && s.charAt(p) == '+') {
            p++;
        }
        return p < n && s.charAt(p) == '=' ? p + 1 : -1;
    }

    private Assignment assignment(int depth) throws ShellSyntaxException {
        int start = pos;
        while (pos < n && isNameChar(s.charAt(pos))) {
            pos++;
        }
        boolean evaluation = false;
        if (s.charAt(pos) == '[') {
            int open = pos;
            pos++;
            EnumSet<Expansion> ex = EnumSet.noneOf(Expansion.class);
            nested(depth, ']', ex, open);
            evaluation = !ex.isEmpty();
        }
        String name = s.substring(start, pos);
        boolean append = false;
        if (s.charAt(pos) == '+') {
            append = true;
            pos++;
        }
        pos++; // '='
        ShellWord value;
        if (pos < n && s.charAt(pos) == '(') {
            int open = pos;
            pos++;
            WordBuilder all = new WordBuilder();
            while (true) {
                while (pos < n && (isBlank(s.charAt(pos)) || s.charAt(pos) == '\n')) {
                    if (s.charAt(pos) == '\n') {
                        newline();
                    } else {
                        pos++;
                    }
                }
                if (pos >= n) {
                    throw error(open, "unterminated array assignment: no matching ')'");
                }
                if (s.charAt(pos) == ')') {
                    pos++;
                    break;
                }
                ShellWord item = scanWord(depth, false);
                if (item == null) {
                    throw error(pos, "unexpected " + describe(pos) + " in an array assignment");
                }
                all.expansions.addAll(item.expansions());
            }
            value = new ShellWord(s.substring(open, pos), all.expansions, null);
        } else {
            ShellWord w = pos < n && !isBlank(s.charAt(pos)) && !isCommandEnd(s.charAt(pos)) ? scanWord(depth, false) : null;
            value = w == null ? ShellWord.literal("") : w;
        }
        if (evaluation) {
            EnumSet<Expansion> ex = EnumSet.noneOf(Expansion.class);
            ex.addAll(value.expansions());
            ex.add(Expansion.EVALUATION);
            value = new ShellWord(value.text(), ex, null);
        }
        return new Assignment(name, value, append);
    }

    /** An assignment given as an argument (to declare, export, …), as the word it is. */
    private static ShellWord asWord(Assignment a) {
        EnumSet<Expansion> ex = EnumSet.noneOf(Expansion.class);
        ex.addAll(a.value().expansions());
        if (a.evaluates()) {
            ex.add(Expansion.EVALUATION);
        }
        return new ShellWord(a.name() + (a.append() ? "+=" : "=") + a.value().text(), ex, null);
    }

    // ---------------------------------------------------------------- redirections

    private boolean isRedirectionStart() {
        if (pos >= n) {
            return false;
        }
        char c = s.charAt(pos);
        if (c == '<' || c == '>') {
            return !(pos + 1 < n && s.charAt(pos + 1) == '(');
        }
        if (c == '&') {
            return pos + 1 < n && s.charAt(pos + 1) == '>';
        }
        if (isDigit(c)) {
            int p = pos;
            while (p < n && isDigit(s.charAt(p))) {
                p++;
            }
            return p < n && (s.charAt(p) == '<' || s.charAt(p) == '>') && !(p + 1 < n && s.charAt(p + 1) == '(');
        }
        if (c == '{') {
            int p = pos + 1;
            while (p < n && isNameChar(s.charAt(p))) {
                p++;
            }
            return p > pos + 1 && p + 1 < n && s.charAt(p) == '}' && (s.charAt(p + 1) == '<' || s.charAt(p + 1) == '>');
        }
        return false;
    }

    private static final String[] OPERATORS = {"<<<", "<<-", "&>>", "<<", "<>", "<&", ">>", ">|", ">&", "&>", "<", ">"};

    private RedirectionBuilder redirection(int depth) throws ShellSyntaxException {
        int start = pos;
        int fd = -1;
        if (isDigit(s.charAt(pos))) {
            int p = pos;
            while (p < n && isDigit(s.charAt(p))) {
                p++;
            }
            if (p - pos > 9) {
                throw error(pos, "a file descriptor number that is too large");
            }
            fd = Integer.parseInt(s.substring(pos, p));
            pos = p;
        } else if (s.charAt(pos) == '{') {
            pos = s.indexOf('}', pos) + 1;
        }
        String op = null;
        for (String o : OPERATORS) {
            if (startsWith(o)) {
                op = o;
                break;
            }
        }
        if (op == null) {
            throw error(pos, "unexpected " + describe(pos));
        }
        pos += op.length();
        skipBlanks();
        if (op.equals("<<") || op.equals("<<-")) {
            int wordStart = pos;
            ShellWord delimiter = scanWord(depth, false);
            if (delimiter == null) {
                throw error(pos < n ? pos : start, "a here-document needs a delimiter word after '" + op + "'");
            }
            boolean quoted = false;
            for (int i = wordStart; i < pos; i++) {
                char c = s.charAt(i);
                if (c == '\'' || c == '"' || c == '\\') {
                    quoted = true;
                    break;
                }
            }
            RedirectionBuilder r = new RedirectionBuilder(Redirection.Kind.HERE_DOCUMENT, op, fd, null);
            hereDocuments.add(new PendingHereDocument(r, delimiter.text(), quoted, op.equals("<<-"), start, depth));
            return r;
        }
        ShellWord target = scanWord(depth, false);
        if (target == null) {
            throw error(pos < n ? pos : start, "a redirection needs a target after '" + op + "'");
        }
        Redirection.Kind kind = switch (op) {
            case "<" -> Redirection.Kind.INPUT;
            case ">>", "&>>" -> Redirection.Kind.APPEND;
            case "<>" -> Redirection.Kind.INPUT_OUTPUT;
            case "<<<" -> Redirection.Kind.HERE_STRING;
            case "<&" -> isDescriptor(target) ? Redirection.Kind.DUPLICATE : Redirection.Kind.INPUT;
            // >& with a word that is not a descriptor (or may not be one) writes a file, as &> does.
            case ">&" -> isDescriptor(target) ? Redirection.Kind.DUPLICATE : Redirection.Kind.OUTPUT;
            default -> Redirection.Kind.OUTPUT;
        };
        return new RedirectionBuilder(kind, op, fd, target);
    }

    private static boolean isDescriptor(ShellWord w) {
        if (!w.isLiteral() || w.text().isEmpty()) {
            return false;
        }
        String t = w.text();
        if (t.equals("-")) {
            return true;
        }
        int end = t.endsWith("-") ? t.length() - 1 : t.length();
        if (end == 0 || end > 9) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            if (!isDigit(t.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private void newline() throws ShellSyntaxException {
        pos++;
        while (!hereDocuments.isEmpty()) {
            readHereDocument(hereDocuments.poll());
        }
    }

    /** Reads a here-document's body, which starts at pos, up to the line that holds only its delimiter. */
    private void readHereDocument(PendingHereDocument h) throws ShellSyntaxException {
        StringBuilder body = new StringBuilder();
        boolean closed = false;
        while (pos < n) {
            StringBuilder line = new StringBuilder();
            while (true) {
                int eol = s.indexOf('\n', pos);
                int end = eol < 0 ? n : eol;
                String part = s.substring(pos, end);
                pos = eol < 0 ? n : eol + 1;
                // In an unquoted here-document a backslash-newline joins lines before the delimiter is looked for.
                if (!h.quoted() && eol >= 0 && endsWithOddBackslashes(part)) {
                    line.append(part, 0, part.length() - 1);
                    continue;
                }
                line.append(part);
                break;
            }
            String text = h.stripTabs() ? stripLeadingTabs(line.toString()) : line.toString();
            if (text.equals(h.delimiter())) {
                closed = true;
                break;
            }
            body.append(text).append('\n');
        }
        if (!closed) {
            throw error(h.at(), "unterminated here-document: no line holds only its delimiter");
        }
        if (h.quoted()) {
            h.redirection().target = ShellWord.literal(body.toString());
        } else {
            ShellParser sub = new ShellParser(body.toString(), 0, position(h.at()), session, level + 1);
            h.redirection().target = sub.hereDocumentBody(h.depth());
        }
    }

    private static boolean endsWithOddBackslashes(String text) {
        int count = 0;
        for (int i = text.length() - 1; i >= 0 && text.charAt(i) == '\\'; i--) {
            count++;
        }
        return count % 2 == 1;
    }

    private static String stripLeadingTabs(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == '\t') {
            i++;
        }
        return line.substring(i);
    }

    // ---------------------------------------------------------------- words

    /** What a word has accumulated: its value, its glob pattern, and its expansions. */
    private static final class WordBuilder {
        final StringBuilder text = new StringBuilder();
        final StringBuilder pattern = new StringBuilder();
        final EnumSet<Expansion> expansions = EnumSet.noneOf(Expansion.class);
        int braceDepth;
        boolean braceSeparator;
        /** The last character added when it was unquoted, or 0. */
        char lastUnquoted;

        void quoted(char c) {
            text.append(c);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                pattern.append('\\');
            }
            pattern.append(c);
            lastUnquoted = 0;
        }

        void unquoted(char c) {
            text.append(c);
            pattern.append(c);
            lastUnquoted = c;
        }

        void glob(char c) {
            expansions.add(Expansion.GLOB);
            unquoted(c);
        }

        void dynamic(Expansion e, String raw) {
            expansions.add(e);
            text.append(raw);
            pattern.append(raw);
            lastUnquoted = 0;
        }

        boolean empty() {
            return text.length() == 0 && expansions.isEmpty();
        }

        ShellWord build() {
            String p = expansions.size() == 1 && expansions.contains(Expansion.GLOB) ? pattern.toString() : null;
            return new ShellWord(text.toString(), expansions, p);
        }
    }

    /**
     * One word from pos, up to an unquoted blank, newline or operator character; null when pos is
     * at such a character. With {@code regex} (after {@code =~} in {@code [[ … ]]}) parentheses,
     * {@code |}, {@code <} and {@code >} belong to the word.
     */
    private ShellWord scanWord(int depth, boolean regex) throws ShellSyntaxException {
        int start = pos;
        if (!regex && pos < n && s.charAt(pos) == '#') {
            return null; // a comment, not a word
        }
        WordBuilder w = new WordBuilder();
        int parens = 0;
        if (!regex && pos + 1 < n && (s.charAt(pos) == '<' || s.charAt(pos) == '>') && s.charAt(pos + 1) == '(') {
            processSubstitution(depth, w);
        }
        while (pos < n) {
            char c = s.charAt(pos);
            if (regex) {
                if ((isBlank(c) || c == '\n') && parens <= 0) {
                    break;
                }
                if (c == '(') {
                    parens++;
                } else if (c == ')') {
                    parens--;
                }
            } else if (isBlank(c) || c == '\n' || isOperatorChar(c)) {
                break;
            }
            switch (c) {
                case '\\' -> {
                    if (pos + 1 >= n) {
                        throw error(pos, "the line ends with a backslash, which would continue it on another line");
                    }
                    char next = s.charAt(pos + 1);
                    if (next != '\n') {
                        w.quoted(next);
                    }
                    pos += 2;
                }
                case '\'' -> singleQuoted(w);
                case '"' -> doubleQuoted(depth, w);
                case '$' -> dollar(depth, w, false);
                case '`' -> backquoted(depth, w, false);
                case '*', '?' -> {
                    w.glob(c);
                    pos++;
                }
                case '[' -> {
                    if (!regex && bracketClosesAt(pos)) {
                        w.glob(c);
                    } else {
                        w.unquoted(c);
                    }
                    pos++;
                }
                case '{' -> {
                    w.braceDepth++;
                    w.unquoted(c);
                    pos++;
                }
                case '}' -> {
                    if (w.braceDepth > 0) {
                        w.braceDepth--;
                        if (w.braceSeparator) {
                            w.expansions.add(Expansion.BRACE);
                        }
                    }
                    w.unquoted(c);
                    pos++;
                }
                case ',' -> {
                    if (w.braceDepth > 0) {
                        w.braceSeparator = true;
                    }
                    w.unquoted(c);
                    pos++;
                }
                case '.' -> {
                    if (w.braceDepth > 0 && pos + 1 < n && s.charAt(pos + 1) == '.') {
                        w.braceSeparator = true;
                    }
                    w.unquoted(c);
                    pos++;
                }
                case '~' -> {
                    // After '=' only in an assignment-like word (a=~/x), not in '=~'.
                    if (w.empty() || (w.lastUnquoted == '=' && w.text.length() > 1) || w.lastUnquoted == ':') {
                        w.dynamic(Expansion.TILDE, "~");
                    } else {
                        w.unquoted(c);
                    }
                    pos++;
                }
                case '!' -> {
                    if (historyAt(pos, false)) {
                        w.dynamic(Expansion.HISTORY, "!");
                    } else {
                        w.unquoted(c);
                    }
                    pos++;
                }
                case '=' -> {
                    if (w.empty() && !regex && pos + 1 < n && (isNameChar(s.charAt(pos + 1)) || s.charAt(pos + 1) == '.')) {
                        w.dynamic(Expansion.EQUALS, "="); // zsh: =cat is the path of cat
                    } else {
                        w.unquoted(c);
                    }
                    pos++;
                }
                default -> {
                    w.unquoted(c);
                    pos++;
                }
            }
        }
        if (pos == start) {
            return null;
        }
        return w.build();
    }

    /** Whether an unquoted {@code [} at {@code at} opens a bracket expression: a {@code ]} follows within the word. */
    private boolean bracketClosesAt(int at) {
        int p = at + 1;
        if (p < n && (s.charAt(p) == '!' || s.charAt(p) == '^')) {
            p++;
        }
        if (p < n && s.charAt(p) == ']') {
            p++;
        }
        for (; p < n; p++) {
            char c = s.charAt(p);
            if (c == ']') {
                return true;
            }
            if (isBlank(c) || c == '\n' || isOperatorChar(c)) {
                return false;
            }
        }
        return false;
    }

    /** Whether {@code !} at {@code at} starts an interactive shell's history expansion. */
    private boolean historyAt(int at, boolean inDoubleQuotes) {
        if (at + 1 >= n) {
            return false;
        }
        char next = s.charAt(at + 1);
        return !(isBlank(next) || next == '\n' || next == '=' || next == '(' || (inDoubleQuotes && next == '"'));
    }

    private void singleQuoted(WordBuilder w) throws ShellSyntaxException {
        int open = pos;
        int close = s.indexOf('\'', pos + 1);
        if (close < 0) {
            throw error(open, "unterminated single quote");
        }
        for (int i = pos + 1; i < close; i++) {
            w.quoted(s.charAt(i));
        }
        pos = close + 1;
    }

    private void doubleQuoted(int depth, WordBuilder w) throws ShellSyntaxException {
        int open = pos;
        pos++;
        while (true) {
            if (pos >= n) {
                throw error(open, "unterminated double quote");
            }
            char c = s.charAt(pos);
            if (c == '"') {
                pos++;
                return;
            }
            if (c == '\\') {
                if (pos + 1 >= n) {
                    throw error(open, "unterminated double quote");
                }
                char next = s.charAt(pos + 1);
                if (next == '\n') {
                    pos += 2;
                } else if (next == '$' || next == '`' || next == '"' || next == '\\') {
                    w.quoted(next);
                    pos += 2;
                } else {
                    w.quoted(c);
                    pos++;
                }
            } else if (c == '$') {
                dollar(depth, w, true);
            } else if (c == '`') {
                backquoted(depth, w, true);
            } else if (c == '!' && historyAt(pos, true)) {
                w.dynamic(Expansion.HISTORY, "!");
                pos++;
            } else {
                w.quoted(c);
                pos++;
            }
        }
    }

    /** A {@code $} at pos: an expansion, a special quote, or a plain dollar sign. */
    private void dollar(int depth, WordBuilder w, boolean inDoubleQuotes) throws ShellSyntaxException {
        int start = pos;
        char c = pos + 1 < n ? s.charAt(pos + 1) : 0;
        if (c == '(') {
            if (pos + 2 < n && s.charAt(pos + 2) == '(' && arithmeticCloses(pos + 3)) {
                pos += 3;
                EnumSet<Expansion> ex = EnumSet.noneOf(Expansion.class);
                arithmeticBody(start, depth, ex);
                w.expansions.addAll(ex);
                w.dynamic(Expansion.ARITHMETIC, s.substring(start, pos));
            } else {
                commandSubstitution(depth, w);
            }
        } else if (c == '[') {
            // $[ … ]: bash's older arithmetic, evaluated like $(( … )).
            pos += 2;
            EnumSet<Expansion> ex = EnumSet.noneOf(Expansion.class);
            nested(depth, ']', ex, start);
            String body = s.substring(start + 2, pos - 1);
            boolean variables = !ex.isEmpty();
            for (int i = 0; i < body.length() && !variables; i++) {
                char b = body.charAt(i);
                variables = Character.isLetter(b) || b == '_';
            }
            w.expansions.addAll(ex);
            w.dynamic(Expansion.ARITHMETIC, s.substring(start, pos));
            if (variables) {
                w.expansions.add(Expansion.EVALUATION);
            }
        } else if (c == '{') {
            parameterExpansion(depth, w);
        } else if (c == '\'' && !inDoubleQuotes) {
            pos += 2;
            while (true) {
                if (pos >= n) {
                    throw error(start, "unterminated $'…' quote");
                }
                char q = s.charAt(pos);
                if (q == '\\') {
                    if (pos + 1 >= n) {
                        throw error(start, "unterminated $'…' quote");
                    }
                    pos += 2;
                } else if (q == '\'') {
                    pos++;
                    break;
                } else {
                    pos++;
                }
            }
            w.dynamic(Expansion.ANSI_C_QUOTING, s.substring(start, pos));
        } else if (c == '"' && !inDoubleQuotes) {
            pos++;
            WordBuilder inner = new WordBuilder();
            doubleQuoted(depth, inner);
            w.expansions.addAll(inner.expansions);
            w.dynamic(Expansion.LOCALE_QUOTING, s.substring(start, pos));
        } else if (isNameStart(c)) {
            int e = pos + 1;
            while (e < n && isNameChar(s.charAt(e))) {
                e++;
            }
            w.dynamic(Expansion.PARAMETER, s.substring(pos, e));
            pos = e;
        } else if (isDigit(c) || (c != 0 && "@*#?-$!".indexOf(c) >= 0)) {
            w.dynamic(Expansion.PARAMETER, s.substring(pos, pos + 2));
            pos += 2;
        } else {
            if (inDoubleQuotes) {
                w.quoted('$');
            } else {
                w.unquoted('$');
            }
            pos++;
        }
    }

    private void commandSubstitution(int depth, WordBuilder w) throws ShellSyntaxException {
        substitution(depth, w, Origin.COMMAND_SUBSTITUTION, Expansion.COMMAND_SUBSTITUTION,
                "unterminated '$(' command substitution: no matching ')'");
    }

    private void processSubstitution(int depth, WordBuilder w) throws ShellSyntaxException {
        substitution(depth, w, Origin.PROCESS_SUBSTITUTION, Expansion.PROCESS_SUBSTITUTION,
                "unterminated process substitution: no matching ')'");
    }

    /** {@code $( … )}, {@code <( … )}, {@code >( … )}: the commands inside, parsed one level deeper. */
    private void substitution(int depth, WordBuilder w, Origin origin, Expansion expansion, String unterminated)
            throws ShellSyntaxException {
        int open = pos;
        pos += 2;
        Joint saved = nextJoint;
        nextJoint = Joint.FIRST;
        list(origin, depth + 1, Set.of(), true, false);
        if (pos >= n || s.charAt(pos) != ')') {
            throw error(open, unterminated);
        }
        pos++;
        nextJoint = saved;
        w.dynamic(expansion, s.substring(open, pos));
    }

    /** Backquotes: the text between them, unescaped as the shell does, is parsed as commands. */
    private void backquoted(int depth, WordBuilder w, boolean inDoubleQuotes) throws ShellSyntaxException {
        int open = pos;
        pos++;
        StringBuilder inner = new StringBuilder();
        while (true) {
            if (pos >= n) {
                throw error(open, "unterminated '`' command substitution: no closing backquote");
            }
            char c = s.charAt(pos);
            if (c == '`') {
                pos++;
                break;
            }
            if (c == '\\' && pos + 1 < n) {
                char next = s.charAt(pos + 1);
                if (next == '$' || next == '`' || next == '\\' || (inDoubleQuotes && next == '"')) {
                    inner.append(next);
                } else {
                    inner.append(c).append(next);
                }
                pos += 2;
                continue;
            }
            inner.append(c);
            pos++;
        }
        enter(open);
        try {
            new ShellParser(inner.toString(), 0, position(open), session, level).parseAll(Origin.COMMAND_SUBSTITUTION,
                    depth + 1);
        } finally {
            level--;
        }
        w.dynamic(Expansion.COMMAND_SUBSTITUTION, s.substring(open, pos));
    }

    /** {@code ${ … }}: a parameter, with the operators that make the shell evaluate values flagged. */
    private void parameterExpansion(int depth, WordBuilder w) throws ShellSyntaxException {
        int open = pos;
        pos += 2;
        boolean evaluation = false;
        if (pos >= n) {
            throw error(open, "unterminated '${' parameter expansion: no matching '}'");
        }
        char c = s.charAt(pos);
        if (c == '}') {
            throw error(open, "an empty '${}' parameter expansion");
        }
        if ((c == '#' || c == '!') && pos + 1 < n && s.charAt(pos + 1) != '}') {
            // ${#x} is a length; ${!x} reads the variable named by x, whose name may hold a subscript.
            evaluation = c == '!';
            pos++;
            c = s.charAt(pos);
        }
        if (isNameStart(c)) {
            while (pos < n && isNameChar(s.charAt(pos))) {
                pos++;
            }
        } else if (isDigit(c)) {
            while (pos < n && isDigit(s.charAt(pos))) {
                pos++;
            }
        } else if ("@*#?-$!".indexOf(c) >= 0) {
            pos++;
        } else {
            throw error(open, "a '${…}' parameter expansion without a parameter name");
        }
        if (pos < n && s.charAt(pos) == '[') {
            int subStart = pos + 1;
            pos++;
            EnumSet<Expansion> ex = EnumSet.noneOf(Expansion.class);
            nested(depth, ']', ex, open);
            if (!ex.isEmpty() || !isPlainSubscript(s.substring(subStart, pos - 1))) {
                evaluation = true;
            }
        }
        if (pos >= n) {
            throw error(open, "unterminated '${' parameter expansion: no matching '}'");
        }
        c = s.charAt(pos);
        if (c == '}') {
            pos++;
        } else {
            boolean substring = c == ':' && pos + 1 < n && "-=?+".indexOf(s.charAt(pos + 1)) < 0;
            if (c == '@') {
                evaluation = true; // ${x@P} expands the value as a prompt, running its substitutions
            }
            int restStart = pos;
            EnumSet<Expansion> ex = EnumSet.noneOf(Expansion.class);
            nested(depth, '}', ex, open);
            if (substring && (!ex.isEmpty() || !isPlainOffset(s.substring(restStart + 1, pos - 1)))) {
                evaluation = true;
            }
            w.expansions.addAll(ex);
        }
        w.dynamic(Expansion.PARAMETER, s.substring(open, pos));
        if (evaluation) {
            w.expansions.add(Expansion.EVALUATION);
        }
    }

    /**
     * Skips to the {@code close} that ends a subscript or the word of a parameter expansion, reading
     * quotes and nested expansions on the way (their commands are recorded).
     */
    private void nested(int depth, char close, EnumSet<Expansion> ex, int open) throws ShellSyntaxException {
        char opener = close == '}' ? '{' : '[';
        int inner = 0;
        WordBuilder tmp = new WordBuilder();
        enter(open);
        try {
            while (true) {
                if (pos >= n) {
                    throw error(open, close == '}' ? "unterminated '${' parameter expansion: no matching '}'"
                            : "unterminated '[' subscript or '$[' arithmetic: no matching ']'");
                }
                char c = s.charAt(pos);
                if (c == close) {
                    pos++;
                    if (inner == 0) {
                        break;
                    }
                    inner--;
                } else if (c == opener) {
                    inner++;
                    pos++;
                } else if (c == '\\') {
                    if (pos + 1 >= n) {
                        throw error(open, "unterminated '${' parameter expansion: no matching '}'");
                    }
                    pos += 2;
                } else if (c == '\'') {
                    singleQuoted(tmp);
                } else if (c == '"') {
                    doubleQuoted(depth, tmp);
                } else if (c == '$') {
                    dollar(depth, tmp, false);
                } else if (c == '`') {
                    backquoted(depth, tmp, false);
                } else {
                    pos++;
                }
            }
        } finally {
            level--;
        }
        ex.addAll(tmp.expansions);
    }

    /** Whether the text after {@code ((} or {@code $((} at {@code from} closes with {@code ))}, not {@code ) )}. */
    private boolean arithmeticCloses(int from) {
        int d = 0;
        for (int i = from; i < n; i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '\'') {
                int close = s.indexOf('\'', i + 1);
                if (close < 0) {
                    return true;
                }
                i = close;
            } else if (c == '(') {
                d++;
            } else if (c == ')') {
                if (d == 0) {
                    return i + 1 < n && s.charAt(i + 1) == ')';
                }
                d--;
            }
        }
        return true;
    }

    /** The body of {@code $(( … ))} or {@code (( … ))} from pos through its closing {@code ))}. */
    private void arithmeticBody(int open, int depth, EnumSet<Expansion> ex) throws ShellSyntaxException {
        boolean variables = false;
        int d = 0;
        WordBuilder tmp = new WordBuilder();
        enter(open);
        try {
            while (true) {
                if (pos >= n) {
                    throw error(open, "unterminated arithmetic: no matching '))'");
                }
                char c = s.charAt(pos);
                if (c == '(') {
                    d++;
                    pos++;
                } else if (c == ')') {
                    if (d == 0) {
                        if (pos + 1 < n && s.charAt(pos + 1) == ')') {
                            pos += 2;
                            break;
                        }
                        throw error(pos, "unbalanced ')' in arithmetic");
                    }
                    d--;
                    pos++;
                } else if (c == '$') {
                    variables = true;
                    dollar(depth, tmp, true);
                } else if (c == '`') {
                    variables = true;
                    backquoted(depth, tmp, false);
                } else if (c == '"') {
                    variables = true;
                    doubleQuoted(depth, tmp);
                } else if (c == '\'') {
                    throw error(pos, "a single quote inside arithmetic");
                } else if (c == '\\') {
                    if (pos + 1 < n && s.charAt(pos + 1) == '\n') {
                        pos += 2;
                    } else {
                        throw error(pos, "a backslash inside arithmetic");
                    }
                } else {
                    if (Character.isLetter(c) || c == '_') {
                        variables = true;
                    }
                    pos++;
                }
            }
        } finally {
            level--;
        }
        ex.addAll(tmp.expansions);
        ex.add(Expansion.ARITHMETIC);
        if (variables) {
            ex.add(Expansion.EVALUATION);
        }
    }

    /** Whether a subscript is a plain number (or {@code @}, {@code *}): nothing the shell evaluates. */
    static boolean isPlainSubscript(String subscript) {
        String t = subscript.strip();
        if (t.equals("@") || t.equals("*")) {
            return true;
        }
        if (t.startsWith("-")) {
            t = t.substring(1);
        }
        if (t.isEmpty()) {
            return false;
        }
        for (int i = 0; i < t.length(); i++) {
            if (!isDigit(t.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Whether the offset and length of {@code ${x:offset:length}} are plain numbers. */
    private static boolean isPlainOffset(String rest) {
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (!(isDigit(c) || c == ' ' || c == ':' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- lexical helpers

    private void enter(int at) throws ShellSyntaxException {
        if (++level > ShellLine.MAX_DEPTH) {
            throw error(at, "the line is nested more than " + ShellLine.MAX_DEPTH + " levels deep");
        }
    }

    /** Blanks and backslash-newline continuations. */
    private void skipBlanks() {
        while (pos < n) {
            char c = s.charAt(pos);
            if (isBlank(c)) {
                pos++;
            } else if (c == '\\' && pos + 1 < n && s.charAt(pos + 1) == '\n') {
                pos += 2;
            } else {
                return;
            }
        }
    }

    private void skipBlanksAndComments() {
        skipBlanks();
        if (pos < n && s.charAt(pos) == '#') {
            while (pos < n && s.charAt(pos) != '\n') {
                pos++;
            }
        }
    }

    /** Blanks, comments and newlines (reading here-documents that start after them). */
    private void skipLinebreaks() throws ShellSyntaxException {
        while (true) {
            skipBlanksAndComments();
            if (pos < n && s.charAt(pos) == '\n') {
                newline();
            } else {
                return;
            }
        }
    }

    /** The unquoted run of ordinary characters at {@code p} when it is a whole word, else null. */
    private String wordAt(int p) {
        String run = literalRunAt(p);
        if (run == null) {
            return null;
        }
        int e = p + run.length();
        if (e < n) {
            char c = s.charAt(e);
            if (!(isBlank(c) || c == '\n' || isOperatorChar(c))) {
                return null;
            }
        }
        return run;
    }

    private String literalRunAt(int p) {
        int e = p;
        while (e < n) {
            char c = s.charAt(e);
            if (isBlank(c) || c == '\n' || isOperatorChar(c) || c == '\'' || c == '"' || c == '\\' || c == '$'
                    || c == '`') {
                break;
            }
            e++;
        }
        return e == p ? null : s.substring(p, e);
    }

    private boolean startsWith(String prefix) {
        return s.startsWith(prefix, pos);
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isOperatorChar(char c) {
        return c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '<' || c == '>';
    }

    private static boolean isCommandEnd(char c) {
        return c == ';' || c == '&' || c == '|' || c == ')' || c == '\n';
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isNameStart(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    }

    static boolean isNameChar(char c) {
        return isNameStart(c) || isDigit(c);
    }

    static boolean isName(String text) {
        if (text.isEmpty() || !isNameStart(text.charAt(0))) {
            return false;
        }
        for (int i = 1; i < text.length(); i++) {
            if (!isNameChar(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isFunctionNameChar(char c) {
        return !(isBlank(c) || c == '\n' || isOperatorChar(c) || c == '\'' || c == '"' || c == '\\' || c == '$'
                || c == '`' || c == '=' || c == '#' || c == '{' || c == '}');
    }

    /** What is at {@code p}, for "unexpected …": an operator or character, never a word's text. */
    private String describe(int p) {
        if (p >= n) {
            return "end of the line";
        }
        for (String op : new String[] {";;&", ";;", ";&", "&&", "||", "|&"}) {
            if (s.startsWith(op, p)) {
                return "'" + op + "'";
            }
        }
        char c = s.charAt(p);
        if (c == '\n') {
            return "newline";
        }
        if (c < 0x7f && c > 0x20) {
            return "'" + c + "'";
        }
        return "character U+" + hex(c);
    }

    private int position(int at) {
        return fixedPosition > 0 ? fixedPosition : base + at + 1;
    }

    private ShellSyntaxException error(int at, String problem) {
        return new ShellSyntaxException(session.context + problem, position(Math.min(at, n)));
    }
}
