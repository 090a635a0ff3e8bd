package dev.agentguard.benchmarks.jdbc.stub;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * A data source whose connections, statements and result sets do nothing but hand back fixed
 * values from memory (HikariCP's way of measuring a wrapper: with a driver that costs nothing,
 * what is left is the wrapper). Queries are answered from {@link StubTable}s; updates are not
 * supported. Thread-safe; connections are not, like a real driver's.
 */
public final class StubDataSource implements DataSource {

    private final Map<String, StubTable> tables = new LinkedHashMap<>();

    /** A data source answering queries over {@code tables}. */
    public StubDataSource(List<StubTable> tables) {
        for (StubTable table : tables) {
            this.tables.put(table.name(), table);
        }
    }

    Map<String, StubTable> tables() {
        return tables;
    }

    @Override
    public Connection getConnection() {
        return new StubConnection(this);
    }

    @Override
    public Connection getConnection(String username, String password) {
        return new StubConnection(this);
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // the stub logs nothing
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // the stub connects at once
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("the stub driver has no logger");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("the stub data source is not a " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
