package dev.agentguard.jdbc.sql;

import java.util.Objects;
import java.util.Set;

/**
 * One item of a SELECT list (or RETURNING list) and every column it is computed from, so that
 * masking follows a sensitive column through aliases, expressions, sub-queries, CTEs and set
 * operations ({@code upper(c.cvv) AS x} is still the CVV).
 *
 * <p>A star item ({@code *}, {@code t.*}) over a table is one entry with label {@code *} and a
 * {@code table.*} source, though it yields as many JDBC columns as the table has: match such
 * entries by table and column name. Indexes equal JDBC column numbers up to the first star entry;
 * after one, match by label. When the positions of a set operation's branches cannot be matched
 * (a star in a branch), the result is a single star entry holding every source of every branch:
 * every column may then come from any of them.
 *
 * @param index         1-based position among the entries
 * @param label         the alias, else the column name (unquoted names lower case, quoted names as
 *                      written), else the function name ({@code upper}), else {@code ?column?};
 *                      {@code *} for a star entry
 * @param sourceColumns every column the item reads, as {@code table.column} or
 *                      {@code schema.table.column} when written so, aliases resolved to real
 *                      table names; {@code table.*} for a star item; a bare column name when its
 *                      table cannot be derived. An unqualified column with several tables in
 *                      scope lists it in each of them: more sources fail closed, fewer leak.
 */
public record ResultColumn(int index, String label, Set<String> sourceColumns) {

    public ResultColumn {
        if (index < 1) {
            throw new IllegalArgumentException("index is 1-based, was " + index);
        }
        Objects.requireNonNull(label, "label");
        sourceColumns = Set.copyOf(sourceColumns);
    }
}
