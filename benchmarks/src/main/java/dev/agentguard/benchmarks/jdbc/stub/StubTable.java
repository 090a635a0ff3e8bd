package dev.agentguard.benchmarks.jdbc.stub;

import java.sql.Types;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A table the stub driver answers queries from: its columns and a fixed set of rows, every cell
 * held as the text {@code getString} returns, so reading a cell costs the driver nothing.
 *
 * @param schema  the schema the result set metadata names, e.g. {@code public}
 * @param name    the table name, lower case
 * @param columns the column names, lower case; the first column is the numeric key
 * @param cells   the rows, each with one text value per column
 */
public record StubTable(String schema, String name, List<String> columns, List<List<String>> cells) {

    public StubTable {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
        columns = List.copyOf(columns);
        cells = cells.stream().map(List::copyOf).toList();
        if (columns.isEmpty() || cells.isEmpty()) {
            throw new IllegalArgumentException("a stub table needs at least one column and one row");
        }
        for (List<String> row : cells) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("every row of stub table " + name + " needs " + columns.size()
                        + " cells, one per column; a row has " + row.size());
            }
        }
    }

    int rowCount() {
        return cells.size();
    }

    /** The 0-based index of {@code column}, or -1. */
    int indexOf(String column) {
        return columns.indexOf(column.toLowerCase(Locale.ROOT));
    }

    /** The JDBC type of a column: the key is a BIGINT, the rest VARCHAR. */
    int sqlType(int index) {
        return index == 0 ? Types.BIGINT : Types.VARCHAR;
    }
}
