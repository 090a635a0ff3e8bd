package dev.agentguard.benchmarks.jdbc.stub;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * A prepared statement over one {@link StubQuery}, read once when it is prepared. Bind values
 * are stored (as a driver would, until execution) and otherwise ignored.
 */
final class StubPreparedStatement extends UnsupportedPreparedStatement {

    private Object[] parameters = new Object[4];

    StubPreparedStatement(StubConnection connection, StubQuery query) {
        super(connection, query);
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        return open(prepared);
    }

    @Override
    public boolean execute() throws SQLException {
        open(prepared);
        return true;
    }

    @Override
    public ResultSetMetaData getMetaData() {
        return prepared.metaData();
    }

    @Override
    public void setLong(int index, long value) {
        bind(index, value);
    }

    @Override
    public void setInt(int index, int value) {
        bind(index, value);
    }

    @Override
    public void setString(int index, String value) {
        bind(index, value);
    }

    @Override
    public void setObject(int index, Object value) {
        bind(index, value);
    }

    @Override
    public void setNull(int index, int sqlType) {
        bind(index, null);
    }

    @Override
    public void clearParameters() {
        Arrays.fill(parameters, null);
    }

    private void bind(int index, Object value) {
        if (index > parameters.length) {
            parameters = Arrays.copyOf(parameters, Math.max(index, parameters.length * 2));
        }
        parameters[index - 1] = value;
    }
}
