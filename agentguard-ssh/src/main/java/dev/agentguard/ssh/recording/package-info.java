/**
 * Session recordings: {@link dev.agentguard.ssh.recording.SessionRecorder} writes a session's
 * masked terminal output (and the lines the agent typed) as an asciicast v2 file, hashing it as it
 * goes; {@link dev.agentguard.ssh.recording.Recording} is the finished file and its SHA-256.
 */
package dev.agentguard.ssh.recording;
