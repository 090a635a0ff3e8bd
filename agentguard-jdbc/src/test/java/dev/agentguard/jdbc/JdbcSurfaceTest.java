package dev.agentguard.jdbc;

import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.identity.IdentitySource;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.Array;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The wrappers cover the whole JDBC surface: a method a wrapper does not declare itself is
 * answered by the interface's default (or, in a future JDBC version, fails to compile) — and a
 * default of {@code Statement.executeLargeUpdate} or a new SQL-taking method would reach the
 * driver unguarded. So every method of every wrapped {@code java.sql} interface must be declared
 * by the wrapper; the methods that take SQL or return a JDBC object are listed by name in the
 * failure. A second test calls every {@code DatabaseMetaData} method that returns a result set
 * and checks that what comes back is guarded.
 */
class JdbcSurfaceTest {

    /** Methods whose first String argument is SQL. */
    private static final Set<String> SQL_METHODS = Set.of("execute", "executeQuery", "executeUpdate",
            "executeLargeUpdate", "addBatch", "prepareStatement", "prepareCall", "nativeSQL");

    private static final Map<Class<?>, Class<?>> WRAPPERS = Map.of(
            DataSource.class, GuardedDataSource.class,
            Connection.class, GuardedConnection.class,
            Statement.class, GuardedStatement.class,
            PreparedStatement.class, GuardedPreparedStatement.class,
            CallableStatement.class, GuardedCallableStatement.class,
            DatabaseMetaData.class, GuardedDatabaseMetaData.class,
            ResultSet.class, GuardedResultSet.class,
            Array.class, GuardedArray.class);

    @Test
    void everyJdbcMethodThatTakesSqlOrReturnsAJdbcObjectIsOverridden() {
        List<String> missing = new ArrayList<>();
        List<String> missingOther = new ArrayList<>();
        for (Map.Entry<Class<?>, Class<?>> pair : WRAPPERS.entrySet()) {
            Class<?> iface = pair.getKey();
            Class<?> wrapper = pair.getValue();
            for (Method m : iface.getMethods()) {
                if (Modifier.isStatic(m.getModifiers())) {
                    continue;
                }
                Method impl;
                try {
                    impl = wrapper.getMethod(m.getName(), m.getParameterTypes());
                } catch (NoSuchMethodException e) {
                    throw new AssertionError(e);
                }
                boolean guardedHere = impl.getDeclaringClass().getPackageName().equals("dev.agentguard.jdbc");
                if (!guardedHere) {
                    (takesSql(m) || returnsJdbcObject(m) ? missing : missingOther)
                            .add(wrapper.getSimpleName() + "." + m.getName() + List.of(m.getParameterTypes()));
                }
            }
        }
        assertEquals(List.of(), missing, "methods that take SQL or return a JDBC object but are not guarded");
        assertEquals(List.of(), missingOther, "methods left to the interface default");
    }

    @Test
    void theListOfSqlMethodsStillMatchesJdbc() {
        // If a JDBC version adds a method taking SQL under a new name, this count changes: review SQL_METHODS.
        long sqlTaking = 0;
        for (Class<?> iface : List.of(Connection.class, Statement.class, PreparedStatement.class, CallableStatement.class)) {
            for (Method m : iface.getDeclaredMethods()) {
                if (takesSql(m)) {
                    sqlTaking++;
                }
            }
        }
        assertEquals((6 + 3 + 1) + (1 + 4 + 4 + 1 + 4), sqlTaking);
    }

    private static boolean takesSql(Method m) {
        return SQL_METHODS.contains(m.getName()) && m.getParameterCount() > 0 && m.getParameterTypes()[0] == String.class;
    }

    private static boolean returnsJdbcObject(Method m) {
        Class<?> type = m.getReturnType();
        return type.isInterface() && (type.getPackageName().equals("java.sql") || type.getPackageName().equals("javax.sql"))
                || m.getName().equals("unwrap") || m.getName().equals("getObject");
    }

    @Test
    void everyMetadataResultSetIsGuarded(@TempJournal Journal journal) throws Exception {
        try (PaymentsDatabase db = PaymentsDatabase.h2()) {
            GuardedDataSource guarded = GuardedDataSource.builder().dataSource(db.forGuard()).name("payments-db")
                    .identity(IdentitySource.fixed(AgentIdentity.of("payments-agent")))
                    .policy(TestPolicies.payments()).journal(journal).build();
            int checked = 0;
            try (Connection c = guarded.getConnection()) {
                DatabaseMetaData md = c.getMetaData();
                for (Method m : DatabaseMetaData.class.getMethods()) {
                    if (m.getReturnType() != ResultSet.class) {
                        continue;
                    }
                    ResultSet rs;
                    try {
                        rs = (ResultSet) m.invoke(md, defaults(m.getParameterTypes(), null));
                    } catch (InvocationTargetException e) {
                        if (!(e.getCause() instanceof SQLException)) {
                            throw e;
                        }
                        // H2 wants a table name where JDBC allows null
                        rs = (ResultSet) m.invoke(md, defaults(m.getParameterTypes(), "CARDS"));
                    }
                    if (rs != null) {
                        try (ResultSet result = rs) {
                            assertEquals("dev.agentguard.jdbc", result.getClass().getPackageName(), m.getName());
                            assertEquals(null, result.getStatement(), m.getName());
                        }
                        checked++;
                    }
                }
            }
            assertEquals(26, checked, "metadata result sets checked");
            assertEquals(0, db.activeConnections());
        }
    }

    private static Object[] defaults(Class<?>[] types, String text) {
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i];
            args[i] = t == int.class ? Integer.valueOf(0) : t == boolean.class ? Boolean.FALSE
                    : t == String.class && i > 0 ? text : null;
        }
        return args;
    }
}
