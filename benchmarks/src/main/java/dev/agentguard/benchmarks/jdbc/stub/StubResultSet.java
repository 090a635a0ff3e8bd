package dev.agentguard.benchmarks.jdbc.stub;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.List;

/**
 * A forward-only result set over the rows of a {@link StubTable}: {@code next()} moves an index,
 * getters return the stored cell (result row {@code r} is table row {@code r mod rows}).
 */
final class StubResultSet extends UnsupportedResultSet {

    private final StubStatement statement;
    private final StubQuery query;
    private final List<List<String>> cells;
    private final int rows;
    private int row;
    private boolean closed;

    StubResultSet(StubStatement statement, StubQuery query, long maxRows) {
        this.statement = statement;
        this.query = query;
        this.cells = query.table().cells();
        this.rows = maxRows > 0 && maxRows < query.rows() ? (int) maxRows : query.rows();
    }

    @Override
    public boolean next() throws SQLException {
        ensureOpen();
        if (row < rows) {
            row++;
            return true;
        }
        row = rows + 1;
        return false;
    }

    @Override
    public String getString(int columnIndex) throws SQLException {
        return cell(columnIndex);
    }

    @Override
    public String getNString(int columnIndex) throws SQLException {
        return cell(columnIndex);
    }

    @Override
    public Object getObject(int columnIndex) throws SQLException {
        return query.table().sqlType(query.columns()[columnIndex - 1]) == java.sql.Types.BIGINT
                ? Long.valueOf(getLong(columnIndex)) : cell(columnIndex);
    }

    @Override
    public long getLong(int columnIndex) throws SQLException {
        return Long.parseLong(cell(columnIndex));
    }

    @Override
    public int getInt(int columnIndex) throws SQLException {
        return Integer.parseInt(cell(columnIndex));
    }

    @Override
    public String getString(String columnLabel) throws SQLException {
        return getString(findColumn(columnLabel));
    }

    @Override
    public long getLong(String columnLabel) throws SQLException {
        return getLong(findColumn(columnLabel));
    }

    @Override
    public int findColumn(String columnLabel) throws SQLException {
        String[] labels = query.labels();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i].equalsIgnoreCase(columnLabel)) {
                return i + 1;
            }
        }
        throw new SQLException("the stub result has no column \"" + columnLabel + "\"", "42S22");
    }

    @Override
    public boolean wasNull() {
        return false;
    }

    @Override
    public ResultSetMetaData getMetaData() {
        return query.metaData();
    }

    @Override
    public Statement getStatement() {
        return statement;
    }

    @Override
    public int getRow() {
        return row <= rows ? row : 0;
    }

    @Override
    public boolean isBeforeFirst() {
        return row == 0;
    }

    @Override
    public boolean isAfterLast() {
        return row > rows;
    }

    @Override
    public int getType() {
        return ResultSet.TYPE_FORWARD_ONLY;
    }

    @Override
    public int getConcurrency() {
        return ResultSet.CONCUR_READ_ONLY;
    }

    @Override
    public int getHoldability() {
        return ResultSet.HOLD_CURSORS_OVER_COMMIT;
    }

    @Override
    public int getFetchDirection() {
        return ResultSet.FETCH_FORWARD;
    }

    @Override
    public void setFetchDirection(int direction) {
        // forward only
    }

    @Override
    public int getFetchSize() {
        return 0;
    }

    @Override
    public void setFetchSize(int rows) {
        // everything is in memory
    }

    @Override
    public SQLWarning getWarnings() {
        return null;
    }

    @Override
    public void clearWarnings() {
        // the stub has no warnings
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("the stub result set is not a " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    private String cell(int columnIndex) throws SQLException {
        ensureOpen();
        if (row < 1 || row > rows) {
            throw new SQLException("the stub result set is not on a row", "24000");
        }
        if (columnIndex < 1 || columnIndex > query.columns().length) {
            throw new SQLException("column index " + columnIndex + " is out of range 1.." + query.columns().length,
                    "07009");
        }
        return cells.get((row - 1) % cells.size()).get(query.columns()[columnIndex - 1]);
    }

    private void ensureOpen() throws SQLException {
        if (closed) {
            throw new SQLException("the stub result set is closed", "24000");
        }
    }
}
