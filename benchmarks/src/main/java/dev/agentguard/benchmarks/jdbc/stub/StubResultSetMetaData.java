package dev.agentguard.benchmarks.jdbc.stub;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;

/**
 * The metadata of a stub query's result: schema, table, column name and label per column, as
 * H2 and PostgreSQL report them for a plain column (what column masking rules resolve against).
 * Built once per query.
 */
final class StubResultSetMetaData extends UnsupportedResultSetMetaData {

    private final StubTable table;
    private final int[] columns;
    private final String[] labels;

    StubResultSetMetaData(StubTable table, int[] columns, String[] labels) {
        this.table = table;
        this.columns = columns.clone();
        this.labels = labels.clone();
    }

    @Override
    public int getColumnCount() {
        return columns.length;
    }

    @Override
    public String getColumnName(int column) throws SQLException {
        return table.columns().get(index(column));
    }

    @Override
    public String getColumnLabel(int column) throws SQLException {
        check(column);
        return labels[column - 1];
    }

    @Override
    public String getTableName(int column) throws SQLException {
        check(column);
        return table.name();
    }

    @Override
    public String getSchemaName(int column) throws SQLException {
        check(column);
        return table.schema();
    }

    @Override
    public String getCatalogName(int column) throws SQLException {
        check(column);
        return "stub";
    }

    @Override
    public int getColumnType(int column) throws SQLException {
        return table.sqlType(index(column));
    }

    @Override
    public String getColumnTypeName(int column) throws SQLException {
        return getColumnType(column) == Types.BIGINT ? "BIGINT" : "VARCHAR";
    }

    @Override
    public String getColumnClassName(int column) throws SQLException {
        return getColumnType(column) == Types.BIGINT ? Long.class.getName() : String.class.getName();
    }

    @Override
    public int isNullable(int column) throws SQLException {
        return index(column) == 0 ? columnNoNulls : columnNullable;
    }

    @Override
    public boolean isSigned(int column) throws SQLException {
        return getColumnType(column) == Types.BIGINT;
    }

    @Override
    public int getPrecision(int column) throws SQLException {
        return getColumnType(column) == Types.BIGINT ? 19 : 255;
    }

    @Override
    public int getScale(int column) throws SQLException {
        check(column);
        return 0;
    }

    @Override
    public int getColumnDisplaySize(int column) throws SQLException {
        return getPrecision(column);
    }

    @Override
    public boolean isAutoIncrement(int column) throws SQLException {
        check(column);
        return false;
    }

    @Override
    public boolean isCaseSensitive(int column) throws SQLException {
        return getColumnType(column) != Types.BIGINT;
    }

    @Override
    public boolean isSearchable(int column) throws SQLException {
        check(column);
        return true;
    }

    @Override
    public boolean isCurrency(int column) throws SQLException {
        check(column);
        return false;
    }

    @Override
    public boolean isReadOnly(int column) throws SQLException {
        check(column);
        return true;
    }

    @Override
    public boolean isWritable(int column) throws SQLException {
        check(column);
        return false;
    }

    @Override
    public boolean isDefinitelyWritable(int column) throws SQLException {
        check(column);
        return false;
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("the stub metadata is not a " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    private int index(int column) throws SQLException {
        check(column);
        return columns[column - 1];
    }

    private void check(int column) throws SQLException {
        if (column < 1 || column > columns.length) {
            throw new SQLException("column " + column + " is out of range 1.." + columns.length, "07009");
        }
    }
}
