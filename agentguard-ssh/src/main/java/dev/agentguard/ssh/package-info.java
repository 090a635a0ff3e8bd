/**
 * AgentGuard SSH: the SSH client an agent gets instead of a raw one (Apache MINA SSHD).
 *
 * <p>{@link dev.agentguard.ssh.GuardedSshClient} reaches only named
 * {@link dev.agentguard.ssh.SshTarget}s, with credentials ({@link dev.agentguard.ssh.SshCredential})
 * and host keys ({@link dev.agentguard.ssh.HostKeys}) the agent never sees. On a
 * {@link dev.agentguard.ssh.GuardedSshSession}, every exec command, interactive shell line
 * ({@link dev.agentguard.ssh.GuardedShell}) and SFTP operation ({@link dev.agentguard.ssh.GuardedSftp})
 * is bound to the agent's verified identity, decided by the policy (core's shell tokeniser reads
 * each command line), journaled before and after it runs, answered with sensitive values masked
 * (also when split across packets), and recorded as an asciicast v2 file whose SHA-256 the
 * session-end event carries.
 *
 * <p>Refusals are {@link java.io.IOException}s: {@link dev.agentguard.ssh.CommandDeniedException},
 * {@link dev.agentguard.ssh.ShellInputRefusedException},
 * {@link dev.agentguard.ssh.HostKeyRejectedException},
 * {@link dev.agentguard.ssh.SshIdentityRefusedException},
 * {@link dev.agentguard.ssh.SshJournalUnavailableException},
 * {@link dev.agentguard.ssh.RecordingFailedException}. See docs/ssh.md.
 */
package dev.agentguard.ssh;
