package dev.agentguard.jdbc.sql;

import dev.agentguard.jdbc.sql.SqlToken.Type;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL text into tokens and statements, the first and literal-aware pass of every analysis.
 *
 * <p>Comments are dropped (a comment separates tokens, as in every database, so {@code DEL/**}{@code /ETE}
 * stays two words), literal values are never kept, quoted identifiers are unquoted and Unicode
 * escapes in them resolved, and statements are split at semicolons outside literals and comments.
 * Where databases read the same characters differently (a backslash before a quote, {@code #},
 * {@code --x}, nested or MySQL executable comments, Unicode spaces) the text is marked as a
 * problem, because the parser could then see other statements than the database runs.
 *
 * <p>Not thread-safe; one instance per text.
 */
final class SqlLexer {

    /** What lexing produced. {@code problem} is null when the text reads the same in every dialect. */
    record Result(List<List<SqlToken>> statements, String redacted, int parameterCount, int maxDepth,
                  String problem) {
    }

    private final String sql;
    private final SqlDialect dialect;
    private final int length;
    private int pos;
    private boolean spaceBefore;
    private String problem;
    private int parameters;
    private int depth;
    private int maxDepth;
    private int caseDepth;
    private final StringBuilder redacted;
    private final List<List<SqlToken>> statements = new ArrayList<>();
    private List<SqlToken> current = new ArrayList<>();

    private SqlLexer(String sql, SqlDialect dialect) {
        this.sql = sql;
        this.dialect = dialect;
        this.length = sql.length();
        this.redacted = new StringBuilder(Math.min(length, 4096));
    }

    /** Lexes the whole text. Never throws: unreadable parts are reported through {@link Result#problem()}. */
    static Result lex(String sql, SqlDialect dialect) {
        return new SqlLexer(sql, dialect).run();
    }

    private Result run() {
        while (pos < length) {
            char c = sql.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B') {
                pos++;
                spaceBefore = true;
            } else if (c == '-' && peek(1) == '-') {
                lineComment();
            } else if (c == '/' && peek(1) == '*') {
                blockComment();
            } else if (c == '/' && peek(1) == '/' && dialect == SqlDialect.H2) {
                lineComment();
            } else if (c == '\'') {
                pos++;
                quotedLiteral('\'', false, "string");
            } else if (c == '"') {
                pos++;
                quotedIdentifier('"', c, false);
            } else if (c == '`') {
                pos++;
                quotedIdentifier('`', c, false);
            } else if (c == '$' && dollarQuote()) {
                // consumed
            } else if (c == '$' && isDigit(peek(1))) {
                int start = pos++;
                while (pos < length && isDigit(sql.charAt(pos))) {
                    pos++;
                }
                add(Type.SYMBOL, sql.substring(start, pos), sql.substring(start, pos));
            } else if (isDigit(c) || (c == '.' && isDigit(peek(1)) && !followsName())) {
                number();
            } else if (isIdentifierStart(c)) {
                word();
            } else if (c == '?') {
                if (peek(1) == '?') {
                    // PostgreSQL's JDBC driver reads ?? as a literal ? operator, not a parameter
                    pos += 2;
                    add(Type.SYMBOL, "??", "??");
                } else {
                    pos++;
                    parameters++;
                    add(Type.PARAMETER, "?", "?");
                }
            } else if (c < 0x20 || c == 0x7F) {
                problem("a control character outside literals (code " + (int) c
                        + "); databases differ on whether it separates words");
                pos++;
                spaceBefore = true;
            } else if (c >= 0x80 && (Character.isWhitespace(c) || Character.isSpaceChar(c)
                    || Character.getType(c) == Character.FORMAT)) {
                problem("a Unicode space or format character (U+" + String.format("%04X", (int) c)
                        + ") outside literals; databases differ on whether it separates words");
                pos++;
                spaceBefore = true;
            } else {
                symbol(c);
            }
        }
        endStatement();
        return new Result(List.copyOf(statements), redacted.toString(), parameters, maxDepth, problem);
    }

    private void symbol(char c) {
        pos++;
        if (c == '/' && peek(0) == '/' && dialect == SqlDialect.ANY) {
            problem("'//' starts a comment in H2 but not elsewhere; remove it");
        }
        if (c == '#' && dialect == SqlDialect.ANY) {
            problem("'#' starts a comment in MySQL but is an operator elsewhere; "
                    + "use a function instead of the # operator");
        }
        if (c == ';') {
            endStatement();
            // keep the separator in the redacted text so the journal shows both statements
            appendRedacted(";");
            spaceBefore = false;
            return;
        }
        if (c == '(' || c == '[' || c == '{') {
            depth++;
            maxDepth = Math.max(maxDepth, depth + caseDepth);
        } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
            depth--;
        }
        String s = String.valueOf(c);
        add(Type.SYMBOL, s, s);
    }

    private void endStatement() {
        if (!current.isEmpty()) {
            statements.add(List.copyOf(current));
            current = new ArrayList<>();
        }
    }

    private void lineComment() {
        char after = peek(2);
        if (after != 0 && after > ' ' && dialect == SqlDialect.ANY && sql.charAt(pos) == '-') {
            problem("'--' directly followed by another character is a comment in PostgreSQL and H2 "
                    + "but two minus signs in MySQL; put a space after '--'");
        }
        pos += 2;
        while (pos < length && sql.charAt(pos) != '\n' && sql.charAt(pos) != '\r') {
            pos++;
        }
        spaceBefore = true;
    }

    private void blockComment() {
        char marker = peek(2);
        if (marker == '!' || (marker == 'M' && peek(3) == '!')) {
            problem("a MySQL executable comment (/*! ... */) runs its content in MySQL; "
                    + "it is not analysed, remove it");
        }
        pos += 2;
        int nesting = 1;
        while (pos < length && nesting > 0) {
            char c = sql.charAt(pos);
            if (c == '*' && peek(1) == '/') {
                nesting--;
                pos += 2;
            } else if (c == '/' && peek(1) == '*') {
                if (dialect == SqlDialect.ANY) {
                    problem("a nested block comment ends at a different place in PostgreSQL and H2 than "
                            + "in MySQL; do not put /* inside a comment");
                }
                nesting++;
                pos += 2;
            } else {
                pos++;
            }
        }
        if (nesting > 0) {
            problem("an unterminated block comment; close it with */");
        }
        spaceBefore = true;
    }

    /**
     * A literal between {@code quote} characters, which double to escape themselves. With
     * {@code backslashEscapes} (E'' strings) a backslash escapes the next character too.
     */
    private void quotedLiteral(char quote, boolean backslashEscapes, String form) {
        boolean closed = false;
        while (pos < length) {
            char c = sql.charAt(pos);
            if (backslashEscapes && c == '\\') {
                if (peek(1) == quote) {
                    problem("a backslash-escaped quote ends an E'' string in H2 but not in PostgreSQL; "
                            + "write a quote inside a string as ''");
                }
                pos += 2;
                continue;
            }
            if (c == quote) {
                if (!backslashEscapes && precededByOddBackslashes(pos)) {
                    problem("a backslash before a quote ends the string in PostgreSQL and H2 but escapes "
                            + "the quote in MySQL; write a quote inside a string as ''");
                }
                if (peek(1) == quote) {
                    pos += 2;
                    continue;
                }
                pos++;
                closed = true;
                break;
            }
            pos++;
        }
        if (!closed) {
            problem("an unterminated " + form + " literal; close it with " + quote);
        }
        add(Type.STRING, form, "?");
    }

    private boolean precededByOddBackslashes(int at) {
        int count = 0;
        for (int i = at - 1; i >= 0 && sql.charAt(i) == '\\'; i--) {
            count++;
        }
        return (count & 1) == 1;
    }

    /** {@code "ident"} or {@code `ident`}; {@code unicode} for U&"..." whose backslash escapes are resolved. */
    private void quotedIdentifier(char quote, char opening, boolean unicode) {
        int start = pos;
        StringBuilder name = new StringBuilder();
        boolean closed = false;
        while (pos < length) {
            char c = sql.charAt(pos);
            if (c == quote) {
                if (quote == '"' && !unicode && precededByOddBackslashes(pos)) {
                    problem("a backslash before a double quote is an escape in MySQL but not in PostgreSQL "
                            + "or H2; do not end a quoted name with a backslash");
                }
                if (peek(1) == quote) {
                    name.append(quote);
                    pos += 2;
                    continue;
                }
                pos++;
                closed = true;
                break;
            }
            name.append(c);
            pos++;
        }
        if (!closed) {
            problem("an unterminated quoted identifier; close it with " + quote);
        }
        String raw = sql.substring(start - (unicode ? 3 : 1), pos);
        String value = name.toString();
        if (unicode) {
            char escape = '\\';
            int save = pos;
            int p = skipSpaces(pos);
            if (regionIs(p, "uescape")) {
                int q = skipSpaces(p + 7);
                if (q + 2 < length && sql.charAt(q) == '\'' && sql.charAt(q + 2) == '\'') {
                    escape = sql.charAt(q + 1);
                    pos = q + 3;
                    raw = sql.substring(start - 3, pos);
                } else {
                    pos = save;
                }
            }
            value = decodeUnicodeEscapes(value, escape);
        }
        if (value.isEmpty()) {
            problem("an empty quoted identifier " + opening + opening);
        }
        if (opening == '"' && dialect == SqlDialect.ANY) {
            // MySQL reads "…" as a string, so under the strict reading its text may be a value: the
            // analysis keeps the name, the journal does not show it.
            add(Type.QUOTED, value, raw, "?");
        } else {
            add(Type.QUOTED, value, raw);
        }
    }

    private String decodeUnicodeEscapes(String text, char escape) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != escape) {
                out.append(c);
                continue;
            }
            if (i + 1 < text.length() && text.charAt(i + 1) == escape) {
                out.append(escape);
                i++;
                continue;
            }
            int digits = (i + 1 < text.length() && text.charAt(i + 1) == '+') ? 6 : 4;
            int from = i + 1 + (digits == 6 ? 1 : 0);
            if (from + digits > text.length()) {
                problem("an invalid Unicode escape in a U&\"...\" identifier");
                return text;
            }
            try {
                int code = Integer.parseInt(text.substring(from, from + digits), 16);
                out.appendCodePoint(code);
            } catch (IllegalArgumentException e) {
                problem("an invalid Unicode escape in a U&\"...\" identifier");
                return text;
            }
            i = from + digits - 1;
        }
        return out.toString();
    }

    /** {@code $tag$ ... $tag$}; false if the dollar does not open such a literal. */
    private boolean dollarQuote() {
        int p = pos + 1;
        if (p < length && isIdentifierStart(sql.charAt(p))) {
            p++;
            while (p < length && isTagPart(sql.charAt(p))) {
                p++;
            }
        }
        if (p >= length || sql.charAt(p) != '$') {
            return false;
        }
        String tag = sql.substring(pos, p + 1);
        if (dialect == SqlDialect.ANY) {
            problem("a dollar-quoted literal is a string in PostgreSQL and H2 but names and code in MySQL; "
                    + "set the SQL dialect of the analyzer, or use a standard string");
        } else if (dialect == SqlDialect.H2 && tag.length() > 2) {
            problem("H2 reads only $$ as a dollar quote, not a tagged one; use $$");
        }
        int end = sql.indexOf(tag, p + 1);
        if (end < 0) {
            problem("an unterminated dollar-quoted literal; close it with " + tag);
            pos = length;
        } else {
            pos = end + tag.length();
        }
        add(Type.STRING, "dollar", "?");
        return true;
    }

    private void number() {
        int start = pos;
        char c = sql.charAt(pos);
        char next = Character.toLowerCase(peek(1));
        if (c == '0' && (next == 'x' || next == 'b' || next == 'o') && isAlphanumeric(peek(2))) {
            pos += 2;
            while (pos < length && (isAlphanumeric(sql.charAt(pos)) || sql.charAt(pos) == '_')) {
                pos++;
            }
        } else {
            digits();
            if (pos < length && sql.charAt(pos) == '.' && peek(1) != '.') {
                pos++;
                digits();
            }
            if (pos < length && (sql.charAt(pos) == 'e' || sql.charAt(pos) == 'E')) {
                int mark = pos;
                pos++;
                if (pos < length && (sql.charAt(pos) == '+' || sql.charAt(pos) == '-')) {
                    pos++;
                }
                if (pos < length && isDigit(sql.charAt(pos))) {
                    digits();
                } else {
                    pos = mark;
                }
            }
        }
        if (pos < length && isIdentifierPart(sql.charAt(pos))) {
            // PostgreSQL and H2 read 1from as "1 from", MySQL as one name: either reading may hide a table
            problem("a number directly followed by a letter reads as a number and a word in PostgreSQL and "
                    + "H2 but as one name in MySQL; put a space between them");
            while (pos < length && isIdentifierPart(sql.charAt(pos))) {
                pos++;
            }
        }
        add(Type.NUMBER, "number", "?");
    }

    private void digits() {
        while (pos < length && (isDigit(sql.charAt(pos))
                || (sql.charAt(pos) == '_' && isDigit(peek(1)) && pos > 0 && isDigit(sql.charAt(pos - 1))))) {
            pos++;
        }
    }

    private void word() {
        int start = pos;
        char first = sql.charAt(pos);
        char second = peek(1);
        if (second == '\'' && (first == 'e' || first == 'E')) {
            pos += 2;
            quotedLiteral('\'', true, "escape string");
            return;
        }
        if (second == '\'' && "xXbBnN".indexOf(first) >= 0) {
            pos += 2;
            quotedLiteral('\'', false, switch (first) {
                case 'n', 'N' -> "national string";
                case 'x', 'X' -> "hex string";
                default -> "bit string";
            });
            return;
        }
        if ((first == 'u' || first == 'U') && second == '&' && (peek(2) == '\'' || peek(2) == '"')) {
            pos += 3;
            if (sql.charAt(pos - 1) == '\'') {
                quotedLiteral('\'', false, "Unicode string");
            } else {
                quotedIdentifier('"', '"', true);
            }
            return;
        }
        pos++;
        while (pos < length && isIdentifierPart(sql.charAt(pos))) {
            pos++;
        }
        String raw = sql.substring(start, pos);
        String value = asciiLowerCase(raw);
        if (value.equals("case")) {
            caseDepth++;
            maxDepth = Math.max(maxDepth, depth + caseDepth);
        } else if (value.equals("end") && caseDepth > 0) {
            caseDepth--;
        }
        add(Type.WORD, value, raw);
    }

    private void add(Type type, String value, String raw) {
        add(type, value, raw, raw);
    }

    private void add(Type type, String value, String raw, String shown) {
        current.add(new SqlToken(type, value, raw, spaceBefore));
        if (spaceBefore && !redacted.isEmpty()) {
            redacted.append(' ');
        }
        redacted.append(shown);
        spaceBefore = false;
    }

    private void appendRedacted(String text) {
        redacted.append(text);
    }

    private void problem(String reason) {
        if (problem == null) {
            problem = "the text reads differently in different databases: " + reason;
        }
    }

    /**
     * The statement as the parser reads it: words lower case, quoted names re-quoted with double
     * quotes, every literal replaced by a neutral literal of the same kind, comments gone. It
     * holds no literal value, so the analysis of this text cannot depend on one, and it serves
     * as the shape key.
     */
    static String normalised(List<SqlToken> tokens, int from, int to) {
        StringBuilder out = new StringBuilder();
        for (int i = from; i < to; i++) {
            SqlToken t = tokens.get(i);
            if (t.spaceBefore() && !out.isEmpty()) {
                out.append(' ');
            }
            switch (t.type()) {
                case WORD, SYMBOL -> out.append(t.value());
                case QUOTED -> out.append('"').append(t.value().replace("\"", "\"\"")).append('"');
                case PARAMETER -> out.append('?');
                case NUMBER -> out.append('0');
                case STRING -> out.append(placeholderString(tokens, i));
            }
        }
        return out.toString();
    }

    /** JDBC date escapes ({d '...'}) are parsed as dates, so they get a valid one. */
    private static String placeholderString(List<SqlToken> tokens, int i) {
        if (i >= 2 && tokens.get(i - 2).isSymbol('{')) {
            SqlToken kind = tokens.get(i - 1);
            if (kind.isWord("d")) {
                return "'2000-01-01'";
            } else if (kind.isWord("t")) {
                return "'00:00:00'";
            } else if (kind.isWord("ts")) {
                return "'2000-01-01 00:00:00'";
            }
        }
        return "''";
    }

    private boolean followsName() {
        if (current.isEmpty() || spaceBefore) {
            return false;
        }
        SqlToken last = current.get(current.size() - 1);
        return last.isName() || last.isSymbol(')') || last.isSymbol(']');
    }

    private int skipSpaces(int p) {
        while (p < length && Character.isWhitespace(sql.charAt(p))) {
            p++;
        }
        return p;
    }

    private boolean regionIs(int p, String lowerWord) {
        return sql.regionMatches(true, p, lowerWord, 0, lowerWord.length())
                && (p + lowerWord.length() >= length || !isIdentifierPart(sql.charAt(p + lowerWord.length())));
    }

    private char peek(int ahead) {
        int p = pos + ahead;
        return p < length ? sql.charAt(p) : 0;
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAlphanumeric(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** As PostgreSQL: ASCII letters, underscore and every non-ASCII character start a name. */
    static boolean isIdentifierStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
                || (c >= 0x80 && !Character.isWhitespace(c) && !Character.isSpaceChar(c)
                && Character.getType(c) != Character.FORMAT);
    }

    static boolean isIdentifierPart(char c) {
        return isIdentifierStart(c) || isDigit(c) || c == '$';
    }

    private static boolean isTagPart(char c) {
        return isIdentifierStart(c) || isDigit(c);
    }

    /** Lower-cases ASCII letters only, as PostgreSQL folds unquoted names. */
    static String asciiLowerCase(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] chars = s.toCharArray();
                for (int j = i; j < chars.length; j++) {
                    if (chars[j] >= 'A' && chars[j] <= 'Z') {
                        chars[j] = (char) (chars[j] + ('a' - 'A'));
                    }
                }
                return new String(chars);
            }
        }
        return s;
    }
}
