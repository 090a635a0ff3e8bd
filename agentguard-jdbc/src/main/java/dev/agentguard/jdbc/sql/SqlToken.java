package dev.agentguard.jdbc.sql;

/**
 * One lexical token of SQL text, as {@link SqlLexer} read it.
 *
 * @param type        what the token is
 * @param value       the normalised value: a word in ASCII lower case, a quoted identifier without
 *                    its quotes (escapes resolved), an operator or punctuation character as
 *                    written; for literals only a description of their form, never their content
 * @param raw         the token as written; for literals {@code ?}, so that no literal value is kept
 * @param spaceBefore whether whitespace or a comment separated it from the previous token
 */
record SqlToken(Type type, String value, String raw, boolean spaceBefore) {

    enum Type {
        /** An unquoted identifier or keyword. */
        WORD,
        /** A quoted identifier: {@code "a""b"}, {@code `a`}, {@code U&"a"}. */
        QUOTED,
        /** A string, bit, hex, national, escape, Unicode or dollar-quoted literal. */
        STRING,
        /** A numeric literal, including hex, binary and octal forms. */
        NUMBER,
        /** A JDBC bind parameter {@code ?}. */
        PARAMETER,
        /** Any other single character, or a PostgreSQL positional parameter such as {@code $1}. */
        SYMBOL
    }

    boolean isWord(String word) {
        return type == Type.WORD && value.equals(word);
    }

    boolean isSymbol(char c) {
        return type == Type.SYMBOL && value.length() == 1 && value.charAt(0) == c;
    }

    /** A word or a quoted identifier: something that can name a table, column or function. */
    boolean isName() {
        return type == Type.WORD || type == Type.QUOTED;
    }
}
