/**
 * AgentGuard JDBC: the guarded {@code DataSource} and its {@code Connection}, {@code Statement}
 * and {@code ResultSet} wrappers with SQL-aware policies. Not implemented yet; this module
 * fixes its place in the build.
 */
package dev.agentguard.jdbc;
