package dev.agentguard.jdbc.sql;

import dev.agentguard.core.action.SqlAction;

import java.util.List;
import java.util.Objects;

/**
 * What {@link SqlAnalyzer} understood of one SQL string. Immutable, so it is cached and shared.
 *
 * @param action         the statements the string would run, each classified; never empty
 * @param redactedSql    the text with every literal replaced by {@code ?} and comments removed,
 *                       whitespace collapsed: what the journal shows
 * @param shapeKey       a literal-insensitive key: two strings that differ only in literal values
 *                       have the same key, and the same {@code action} and {@code resultColumns}.
 *                       It is the normalised text the parser read (words lower case, every literal
 *                       replaced by a neutral one, comments removed), so a verdict cached under it
 *                       cannot depend on a literal value; a literal that makes the text ambiguous
 *                       (a backslash before a quote) is part of the key
 * @param parameterCount how many JDBC {@code ?} bind parameters the text holds, outside literals
 *                       and comments ({@code ??}, PostgreSQL's escaped {@code ?} operator, is none)
 * @param resultColumns  for a single SELECT, each select item and the columns it comes from;
 *                       empty when not a SELECT or not derivable
 */
public record AnalyzedSql(SqlAction action, String redactedSql, String shapeKey, int parameterCount,
                          List<ResultColumn> resultColumns) {

    public AnalyzedSql {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(redactedSql, "redactedSql");
        Objects.requireNonNull(shapeKey, "shapeKey");
        if (parameterCount < 0) {
            throw new IllegalArgumentException("parameterCount is at least 0, was " + parameterCount);
        }
        resultColumns = List.copyOf(resultColumns);
    }

    /** An analysis without result columns (not a SELECT, or not derivable). */
    public AnalyzedSql(SqlAction action, String redactedSql, String shapeKey, int parameterCount) {
        this(action, redactedSql, shapeKey, parameterCount, List.of());
    }
}
