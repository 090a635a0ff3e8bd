package dev.agentguard.benchmarks.jdbc.stub;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;

/**
 * A statement whose queries are answered by a {@link StubResultSet} over a {@link StubTable}
 * (see {@link StubQuery} for the SQL it reads). Settings are held in fields.
 */
class StubStatement extends UnsupportedStatement {

    private final StubConnection connection;
    /** The prepared query of a {@link StubPreparedStatement}; null for a plain statement. */
    final StubQuery prepared;
    private ResultSet current;
    private long maxRows;
    private int fetchSize;
    private int queryTimeout;
    private boolean poolable;
    private boolean closeOnCompletion;
    private boolean closed;

    StubStatement(StubConnection connection, StubQuery prepared) {
        this.connection = connection;
        this.prepared = prepared;
    }

    /** A result set for {@code query}, which becomes the statement's current one. */
    final ResultSet open(StubQuery query) throws SQLException {
        if (closed) {
            throw new SQLException("the stub statement is closed", "HY010");
        }
        current = new StubResultSet(this, query, maxRows);
        return current;
    }

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        return open(StubQuery.parse(sql, connection.dataSource().tables()));
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        executeQuery(sql);
        return true;
    }

    @Override
    public ResultSet getResultSet() {
        return current;
    }

    @Override
    public int getUpdateCount() {
        return -1;
    }

    @Override
    public long getLargeUpdateCount() {
        return -1;
    }

    @Override
    public boolean getMoreResults() {
        current = null;
        return false;
    }

    @Override
    public boolean getMoreResults(int current) {
        return getMoreResults();
    }

    @Override
    public Connection getConnection() {
        return connection;
    }

    @Override
    public int getMaxRows() {
        return (int) Math.min(Integer.MAX_VALUE, maxRows);
    }

    @Override
    public void setMaxRows(int max) {
        this.maxRows = max;
    }

    @Override
    public long getLargeMaxRows() {
        return maxRows;
    }

    @Override
    public void setLargeMaxRows(long max) {
        this.maxRows = max;
    }

    @Override
    public int getFetchSize() {
        return fetchSize;
    }

    @Override
    public void setFetchSize(int rows) {
        this.fetchSize = rows;
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
    public int getQueryTimeout() {
        return queryTimeout;
    }

    @Override
    public void setQueryTimeout(int seconds) {
        this.queryTimeout = seconds;
    }

    @Override
    public int getResultSetType() {
        return ResultSet.TYPE_FORWARD_ONLY;
    }

    @Override
    public int getResultSetConcurrency() {
        return ResultSet.CONCUR_READ_ONLY;
    }

    @Override
    public int getResultSetHoldability() {
        return ResultSet.HOLD_CURSORS_OVER_COMMIT;
    }

    @Override
    public void setEscapeProcessing(boolean enable) {
        // nothing to escape
    }

    @Override
    public boolean isPoolable() {
        return poolable;
    }

    @Override
    public void setPoolable(boolean poolable) {
        this.poolable = poolable;
    }

    @Override
    public void closeOnCompletion() {
        closeOnCompletion = true;
    }

    @Override
    public boolean isCloseOnCompletion() {
        return closeOnCompletion;
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
    public void cancel() {
        // nothing runs
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        current = null;
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("the stub statement is not a " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
