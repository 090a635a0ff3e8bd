package dev.agentguard.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;

/**
 * A prepared statement: its SQL was checked when it was prepared (a denied statement never
 * gets this far) and each run is decided and journaled again, with the redacted SQL and the
 * number of bind parameters; bind values are never journaled. A parameter batch is one run.
 */
class GuardedPreparedStatement extends GuardedStatement implements PreparedStatement {

    private final PreparedStatement delegate;
    final CheckedSql sql;
    private long parameterSets;

    GuardedPreparedStatement(PreparedStatement delegate, GuardedConnection connection, CheckedSql sql) {
        super(delegate, connection);
        this.delegate = delegate;
        this.sql = sql;
    }

    // ---- the statement's own SQL --------------------------------------------------------------------

    @Override
    public ResultSet executeQuery() throws SQLException {
        Execution run = begin(sql);
        ResultSet raw;
        try {
            raw = delegate.executeQuery();
        } catch (SQLException | RuntimeException e) {
            throw failed(run, e);
        }
        return openResult(raw, run);
    }

    @Override
    public int executeUpdate() throws SQLException {
        Execution run = begin(sql);
        int count;
        try {
            count = delegate.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            throw failed(run, e);
        }
        updated(run, count);
        return count;
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        Execution run = begin(sql);
        long count;
        try {
            count = delegate.executeLargeUpdate();
        } catch (SQLException | RuntimeException e) {
            throw failed(run, e);
        }
        return updated(run, count);
    }

    @Override
    public boolean execute() throws SQLException {
        Execution run = begin(sql);
        boolean hasResultSet;
        try {
            hasResultSet = delegate.execute();
        } catch (SQLException | RuntimeException e) {
            throw failed(run, e);
        }
        return executed(run, hasResultSet);
    }

    @Override
    public void addBatch() throws SQLException {
        ensureOpen();
        delegate.addBatch();
        parameterSets++;
    }

    @Override
    public void clearBatch() throws SQLException {
        ensureOpen();
        delegate.clearBatch();
        parameterSets = 0;
    }

    @Override
    public int[] executeBatch() throws SQLException {
        long[] counts = runParameterBatch(false);
        int[] narrow = new int[counts.length];
        for (int i = 0; i < counts.length; i++) {
            narrow[i] = (int) Math.min(Integer.MAX_VALUE, counts[i]);
        }
        return narrow;
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        return runParameterBatch(true);
    }

    /** One intent and one outcome for the whole parameter batch: the SQL is the same, only bind values differ. */
    private long[] runParameterBatch(boolean large) throws SQLException {
        ensureOpen();
        if (parameterSets == 0) {
            return large ? delegate.executeLargeBatch() : toLong(delegate.executeBatch());
        }
        long sets = parameterSets;
        Execution run;
        try {
            run = begin(sql);
        } catch (SQLException refused) {
            parameterSets = 0;
            try {
                delegate.clearBatch();
            } catch (SQLException e) {
                refused.addSuppressed(gate.errors().forAgent(e, null));
            }
            throw refused;
        }
        run.batch(sets);
        long[] counts;
        try {
            counts = large ? delegate.executeLargeBatch() : toLong(delegate.executeBatch());
        } catch (SQLException | RuntimeException e) {
            parameterSets = 0;
            throw failed(run, e);
        }
        parameterSets = 0;
        for (long count : counts) {
            run.updateCount(count);
        }
        finish(run);
        return counts;
    }

    // ---- SQL text is not for a prepared statement (JDBC forbids it; refused before the driver) -------

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        throw textOnPrepared("executeQuery(String)");
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        throw textOnPrepared("executeUpdate(String)");
    }

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        throw textOnPrepared("executeUpdate(String, int)");
    }

    @Override
    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
        throw textOnPrepared("executeUpdate(String, int[])");
    }

    @Override
    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
        throw textOnPrepared("executeUpdate(String, String[])");
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        throw textOnPrepared("executeLargeUpdate(String)");
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        throw textOnPrepared("executeLargeUpdate(String, int)");
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
        throw textOnPrepared("executeLargeUpdate(String, int[])");
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
        throw textOnPrepared("executeLargeUpdate(String, String[])");
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        throw textOnPrepared("execute(String)");
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
        throw textOnPrepared("execute(String, int)");
    }

    @Override
    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
        throw textOnPrepared("execute(String, int[])");
    }

    @Override
    public boolean execute(String sql, String[] columnNames) throws SQLException {
        throw textOnPrepared("execute(String, String[])");
    }

    @Override
    public void addBatch(String sql) throws SQLException {
        throw textOnPrepared("addBatch(String)");
    }

    private SQLException textOnPrepared(String method) {
        return new SQLException(method + " cannot be called on a PreparedStatement (JDBC forbids it): run the "
                + "statement's own SQL with the method without a SQL argument, or use a Statement for other SQL", "HY000");
    }

    // ---- metadata -------------------------------------------------------------------------------------

    /** Column descriptions, no values: handed out as the driver gives them. */
    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        return delegate.getMetaData();
    }

    @Override
    public ParameterMetaData getParameterMetaData() throws SQLException {
        return delegate.getParameterMetaData();
    }

    // ---- parameters: bound as given, never journaled ----------------------------------------------------

    @Override
    public void clearParameters() throws SQLException {
        delegate.clearParameters();
    }

    @Override
    public void setArray(int parameterIndex, Array x) throws SQLException {
        delegate.setArray(parameterIndex, GuardedArray.forDriver(x));
    }

    @Override
    public void setAsciiStream(int parameterIndex, InputStream inputStream, int length) throws SQLException {
        delegate.setAsciiStream(parameterIndex, inputStream, length);
    }

    @Override
    public void setAsciiStream(int parameterIndex, InputStream inputStream, long length) throws SQLException {
        delegate.setAsciiStream(parameterIndex, inputStream, length);
    }

    @Override
    public void setAsciiStream(int parameterIndex, InputStream inputStream) throws SQLException {
        delegate.setAsciiStream(parameterIndex, inputStream);
    }

    @Override
    public void setBigDecimal(int parameterIndex, BigDecimal x) throws SQLException {
        delegate.setBigDecimal(parameterIndex, x);
    }

    @Override
    public void setBinaryStream(int parameterIndex, InputStream inputStream, int length) throws SQLException {
        delegate.setBinaryStream(parameterIndex, inputStream, length);
    }

    @Override
    public void setBinaryStream(int parameterIndex, InputStream inputStream, long length) throws SQLException {
        delegate.setBinaryStream(parameterIndex, inputStream, length);
    }

    @Override
    public void setBinaryStream(int parameterIndex, InputStream inputStream) throws SQLException {
        delegate.setBinaryStream(parameterIndex, inputStream);
    }

    @Override
    public void setBlob(int parameterIndex, InputStream inputStream, long length) throws SQLException {
        delegate.setBlob(parameterIndex, inputStream, length);
    }

    @Override
    public void setBlob(int parameterIndex, InputStream inputStream) throws SQLException {
        delegate.setBlob(parameterIndex, inputStream);
    }

    @Override
    public void setBlob(int parameterIndex, Blob x) throws SQLException {
        delegate.setBlob(parameterIndex, x);
    }

    @Override
    public void setBoolean(int parameterIndex, boolean x) throws SQLException {
        delegate.setBoolean(parameterIndex, x);
    }

    @Override
    public void setByte(int parameterIndex, byte x) throws SQLException {
        delegate.setByte(parameterIndex, x);
    }

    @Override
    public void setBytes(int parameterIndex, byte[] x) throws SQLException {
        delegate.setBytes(parameterIndex, x);
    }

    @Override
    public void setCharacterStream(int parameterIndex, Reader reader, int length) throws SQLException {
        delegate.setCharacterStream(parameterIndex, reader, length);
    }

    @Override
    public void setCharacterStream(int parameterIndex, Reader reader, long length) throws SQLException {
        delegate.setCharacterStream(parameterIndex, reader, length);
    }

    @Override
    public void setCharacterStream(int parameterIndex, Reader reader) throws SQLException {
        delegate.setCharacterStream(parameterIndex, reader);
    }

    @Override
    public void setClob(int parameterIndex, Reader reader, long length) throws SQLException {
        delegate.setClob(parameterIndex, reader, length);
    }

    @Override
    public void setClob(int parameterIndex, Reader reader) throws SQLException {
        delegate.setClob(parameterIndex, reader);
    }

    @Override
    public void setClob(int parameterIndex, Clob x) throws SQLException {
        delegate.setClob(parameterIndex, x);
    }

    @Override
    public void setDate(int parameterIndex, Date x, Calendar cal) throws SQLException {
        delegate.setDate(parameterIndex, x, cal);
    }

    @Override
    public void setDate(int parameterIndex, Date x) throws SQLException {
        delegate.setDate(parameterIndex, x);
    }

    @Override
    public void setDouble(int parameterIndex, double x) throws SQLException {
        delegate.setDouble(parameterIndex, x);
    }

    @Override
    public void setFloat(int parameterIndex, float x) throws SQLException {
        delegate.setFloat(parameterIndex, x);
    }

    @Override
    public void setInt(int parameterIndex, int x) throws SQLException {
        delegate.setInt(parameterIndex, x);
    }

    @Override
    public void setLong(int parameterIndex, long x) throws SQLException {
        delegate.setLong(parameterIndex, x);
    }

    @Override
    public void setNCharacterStream(int parameterIndex, Reader reader, long length) throws SQLException {
        delegate.setNCharacterStream(parameterIndex, reader, length);
    }

    @Override
    public void setNCharacterStream(int parameterIndex, Reader reader) throws SQLException {
        delegate.setNCharacterStream(parameterIndex, reader);
    }

    @Override
    public void setNClob(int parameterIndex, Reader reader, long length) throws SQLException {
        delegate.setNClob(parameterIndex, reader, length);
    }

    @Override
    public void setNClob(int parameterIndex, Reader reader) throws SQLException {
        delegate.setNClob(parameterIndex, reader);
    }

    @Override
    public void setNClob(int parameterIndex, NClob x) throws SQLException {
        delegate.setNClob(parameterIndex, x);
    }

    @Override
    public void setNString(int parameterIndex, String x) throws SQLException {
        delegate.setNString(parameterIndex, x);
    }

    @Override
    public void setNull(int parameterIndex, int sqlType, String typeName) throws SQLException {
        delegate.setNull(parameterIndex, sqlType, typeName);
    }

    @Override
    public void setNull(int parameterIndex, int sqlType) throws SQLException {
        delegate.setNull(parameterIndex, sqlType);
    }

    @Override
    public void setObject(int parameterIndex, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
        delegate.setObject(parameterIndex, GuardedArray.forDriver(x), targetSqlType, scaleOrLength);
    }

    @Override
    public void setObject(int parameterIndex, Object x, int targetSqlType) throws SQLException {
        delegate.setObject(parameterIndex, GuardedArray.forDriver(x), targetSqlType);
    }

    @Override
    public void setObject(int parameterIndex, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
        delegate.setObject(parameterIndex, GuardedArray.forDriver(x), targetSqlType, scaleOrLength);
    }

    @Override
    public void setObject(int parameterIndex, Object x, SQLType targetSqlType) throws SQLException {
        delegate.setObject(parameterIndex, GuardedArray.forDriver(x), targetSqlType);
    }

    @Override
    public void setObject(int parameterIndex, Object x) throws SQLException {
        delegate.setObject(parameterIndex, GuardedArray.forDriver(x));
    }

    @Override
    public void setRef(int parameterIndex, Ref x) throws SQLException {
        delegate.setRef(parameterIndex, x);
    }

    @Override
    public void setRowId(int parameterIndex, RowId x) throws SQLException {
        delegate.setRowId(parameterIndex, x);
    }

    @Override
    public void setSQLXML(int parameterIndex, SQLXML x) throws SQLException {
        delegate.setSQLXML(parameterIndex, x);
    }

    @Override
    public void setShort(int parameterIndex, short x) throws SQLException {
        delegate.setShort(parameterIndex, x);
    }

    @Override
    public void setString(int parameterIndex, String x) throws SQLException {
        delegate.setString(parameterIndex, x);
    }

    @Override
    public void setTime(int parameterIndex, Time x, Calendar cal) throws SQLException {
        delegate.setTime(parameterIndex, x, cal);
    }

    @Override
    public void setTime(int parameterIndex, Time x) throws SQLException {
        delegate.setTime(parameterIndex, x);
    }

    @Override
    public void setTimestamp(int parameterIndex, Timestamp x, Calendar cal) throws SQLException {
        delegate.setTimestamp(parameterIndex, x, cal);
    }

    @Override
    public void setTimestamp(int parameterIndex, Timestamp x) throws SQLException {
        delegate.setTimestamp(parameterIndex, x);
    }

    @Override
    public void setURL(int parameterIndex, URL x) throws SQLException {
        delegate.setURL(parameterIndex, x);
    }

    @Deprecated
    @Override
    public void setUnicodeStream(int parameterIndex, InputStream inputStream, int length) throws SQLException {
        delegate.setUnicodeStream(parameterIndex, inputStream, length);
    }
}
