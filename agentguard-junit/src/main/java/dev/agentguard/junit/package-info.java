/**
 * JUnit 5 support for AgentGuard: a temporary journal per test ({@link dev.agentguard.junit.TempJournal},
 * {@link dev.agentguard.junit.AgentGuardJournalExtension}) and fluent assertions over audit events
 * ({@link dev.agentguard.junit.JournalAssertions}).
 *
 * <p>See docs/junit.md for how a CI job uses it.
 */
package dev.agentguard.junit;
