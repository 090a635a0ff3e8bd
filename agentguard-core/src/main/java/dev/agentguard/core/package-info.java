/**
 * AgentGuard core: verified agent identities, the policy model and its YAML file, decisions,
 * just-in-time approvals, detectors and masking strategies, shared by the JDBC, HTTP and SSH
 * channels. Filled by the JDBC (policy engine, masking) and identity/approval work; this
 * module currently only fixes its place in the build and its dependency on the journal.
 */
package dev.agentguard.core;
