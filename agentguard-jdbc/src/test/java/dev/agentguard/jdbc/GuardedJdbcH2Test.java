package dev.agentguard.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** The guarded JDBC contract through HikariCP against H2 in memory. */
class GuardedJdbcH2Test extends GuardedJdbcContract {

    @Override
    PaymentsDatabase newDatabase() throws Exception {
        return PaymentsDatabase.h2();
    }

    @Override
    void createEchoFunction() throws SQLException {
        try (Connection c = db.pool().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ALIAS ECHO FOR 'java.net.URLDecoder.decode(java.lang.String)'");
        }
    }
}
