package dev.agentguard.jdbc.sql;

import java.util.Locale;

/**
 * Which database will run the SQL, as far as reading its text goes. Databases disagree on a few
 * lexical points (nested comments, {@code --x}, {@code //}, {@code #}, dollar quotes), and text
 * that two databases read differently could run statements the analysis never saw. With
 * {@link #ANY} such text is UNKNOWN; naming the database lets its own reading apply.
 *
 * <p>Text that even one supported dialect reads ambiguously (a backslash before a quote, which
 * {@code standard_conforming_strings=off} or MySQL turns into an escape; MySQL executable comments
 * {@code /*!…*}{@code /}; a number run into a word) is UNKNOWN in every dialect.
 */
public enum SqlDialect {
    /** Unknown database: every construct databases read differently is UNKNOWN. The default. */
    ANY,
    /** PostgreSQL: nested block comments, {@code $tag$} literals, {@code #} is an operator. */
    POSTGRESQL,
    /** H2: nested block comments, {@code //} line comments, {@code $$} literals. */
    H2;

    /**
     * The dialect for a JDBC {@code DatabaseMetaData.getDatabaseProductName()}: PostgreSQL and H2
     * are recognised, anything else (or null) is {@link #ANY}.
     */
    public static SqlDialect fromProductName(String productName) {
        if (productName == null) {
            return ANY;
        }
        String name = productName.toLowerCase(Locale.ROOT);
        if (name.contains("postgresql")) {
            return POSTGRESQL;
        }
        if (name.equals("h2")) {
            return H2;
        }
        return ANY;
    }
}
