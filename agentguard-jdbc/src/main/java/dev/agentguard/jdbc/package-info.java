/**
 * AgentGuard JDBC: the guarded {@code DataSource} an agent gets instead of the real one.
 *
 * <p>{@link dev.agentguard.jdbc.GuardedDataSource} wraps any {@code javax.sql.DataSource}
 * (typically a HikariCP pool). Its connections belong to the agent's verified identity; every
 * SQL string they run, prepare or batch is analysed ({@link dev.agentguard.jdbc.sql}), decided
 * by the policy, journaled before it runs and after it ends, and answered with sensitive values
 * masked. Refusals are {@code SQLException}s:
 * {@link dev.agentguard.jdbc.PolicyViolationException} (SQLState 42501),
 * {@link dev.agentguard.jdbc.IdentityRefusedException} (28000) and
 * {@link dev.agentguard.jdbc.JournalUnavailableException} (58030). The wrappers of
 * {@code Connection}, {@code Statement}, {@code ResultSet} and the rest are package-private:
 * the agent sees only the {@code java.sql} interfaces, and nothing raw behind them.
 * See docs/jdbc.md.
 */
package dev.agentguard.jdbc;
