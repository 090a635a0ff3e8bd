package dev.agentguard.benchmarks.jdbc.stub;

import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.util.Locale;
import java.util.Map;

/**
 * What a stub statement answers for one SQL text: which table, which of its columns (with the
 * labels the select list gives them) and how many rows. The stub reads only the shape
 * {@code SELECT a, b AS x, t.c FROM table [alias] ...}: a text with an equality ({@code " = "})
 * selects one row, any other text every row of the table. Enough to serve the benchmarks'
 * queries; it is not a SQL parser.
 */
record StubQuery(StubTable table, int[] columns, String[] labels, int rows, StubResultSetMetaData metaData) {

    static StubQuery parse(String sql, Map<String, StubTable> tables) throws SQLException {
        String lower = sql.toLowerCase(Locale.ROOT);
        int select = lower.indexOf("select ");
        int from = lower.indexOf(" from ");
        if (select < 0 || from < select) {
            throw new SQLSyntaxErrorException("the stub driver answers only SELECT … FROM … queries");
        }
        int nameStart = from + 6;
        int nameEnd = nameStart;
        while (nameEnd < lower.length() && lower.charAt(nameEnd) != ' ') {
            nameEnd++;
        }
        String tableName = lower.substring(nameStart, nameEnd);
        tableName = tableName.substring(tableName.lastIndexOf('.') + 1);
        StubTable table = tables.get(tableName);
        if (table == null) {
            throw new SQLSyntaxErrorException("the stub driver has no table \"" + tableName + "\"");
        }
        String[] items = lower.substring(select + 7, from).split(",");
        int[] columns = new int[items.length];
        String[] labels = new String[items.length];
        for (int i = 0; i < items.length; i++) {
            String item = items[i].strip();
            String label = null;
            int as = item.indexOf(" as ");
            if (as >= 0) {
                label = item.substring(as + 4).strip();
                item = item.substring(0, as).strip();
            }
            String column = item.substring(item.indexOf('.') + 1);
            columns[i] = table.indexOf(column);
            if (columns[i] < 0) {
                throw new SQLSyntaxErrorException("the stub table \"" + tableName + "\" has no column \"" + column + "\"");
            }
            labels[i] = label != null ? label : column;
        }
        int rows = lower.indexOf(" = ", from) >= 0 ? 1 : table.rowCount();
        return new StubQuery(table, columns, labels, rows, new StubResultSetMetaData(table, columns, labels));
    }
}
