package dev.agentguard.ship.syslog;

/** What the MSG part of each syslog message carries. */
public enum SyslogFormat {
    /** The event's JSON, the same object as {@code agentguard export --format jsonl} writes. */
    JSON,
    /** ArcSight Common Event Format ({@code CEF:0|AgentGuard|AgentGuard|1|…}), for SIEMs that parse CEF. */
    CEF
}
