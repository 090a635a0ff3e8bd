/**
 * AgentGuard SSH: a guarded SSH client (Apache MINA SSHD) with command policies and session
 * recordings. Not implemented yet; this module fixes its place in the build.
 */
package dev.agentguard.ssh;
