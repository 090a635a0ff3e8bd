package dev.agentguard.ship.syslog;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.integrity.Checkpoint;
import dev.agentguard.audit.json.EventJson;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Formats events and checkpoints as RFC 5424 syslog messages, framed by octet counting
 * (RFC 5425, the framing of syslog over TLS):
 *
 * <pre>
 * 312 &lt;110&gt;1 2026-11-25T22:14:03.123456Z host-1 agentguard - INTENT [agentguard@32473 journal="3f9a0c1b2d4e" seq="42" hash="…"] {"formatVersion":2,…}
 * </pre>
 *
 * Timestamps carry six fractional digits (microseconds), the most RFC 5424 allows.
 */
final class SyslogMessages {
    /**
     * CEF Device Version: the version of the event's field set as exported (1 since the first
     * release; docs/journal-format.md), not the journal's binary encoding version.
     */
    static final String CEF_VERSION = "1";
    /** Severity (RFC 5424): warning for denials and failures, notice for approvals and masking, else informational. */
    static final int WARNING = 4;
    static final int NOTICE = 5;
    static final int INFORMATIONAL = 6;

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter
            .ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final int facility;
    private final String hostname;
    private final String appName;
    private final String sdId;
    private final SyslogFormat format;

    SyslogMessages(int facility, String hostname, String appName, String sdId, SyslogFormat format) {
        this.facility = facility;
        this.hostname = header(hostname, 255);
        this.appName = header(appName, 48);
        this.sdId = sdId;
        this.format = format;
    }

    /** The framed message for an event. */
    byte[] event(AuditEvent e) {
        String journal = e.eventId().substring(0, Math.max(0, e.eventId().lastIndexOf('-')));
        String sd = "[" + sdId + " journal=\"" + param(journal) + "\" seq=\"" + e.sequence() + "\" hash=\""
                + e.hash().toHex() + "\"" + (e.agentId() == null ? "" : " agent=\"" + param(e.agentId()) + "\"") + "]";
        String msg = format == SyslogFormat.CEF ? Cef.event(e) : EventJson.toJson(e);
        return frame(severity(e), e.timestamp(), header(e.phase().name(), 32), sd, msg);
    }

    /** The framed message for a checkpoint line. */
    byte[] checkpoint(Checkpoint cp) {
        String sd = "[" + sdId + " journal=\"" + cp.journalId() + "\" seq=\"" + cp.sequence() + "\" hash=\""
                + cp.hash().toHex() + "\"]";
        String msg = format == SyslogFormat.CEF ? Cef.checkpoint(cp) : cp.toLine();
        return frame(INFORMATIONAL, cp.time(), "CHECKPOINT", sd, msg);
    }

    private byte[] frame(int severity, Instant time, String msgId, String sd, String msg) {
        String syslog = "<" + (facility * 8 + severity) + ">1 " + TIMESTAMP.format(time.truncatedTo(ChronoUnit.MICROS))
                + " " + hostname + " " + appName + " - " + msgId + " " + sd + " " + msg;
        byte[] body = syslog.getBytes(StandardCharsets.UTF_8);
        byte[] length = (body.length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] framed = new byte[length.length + body.length];
        System.arraycopy(length, 0, framed, 0, length.length);
        System.arraycopy(body, 0, framed, length.length, body.length);
        return framed;
    }

    static int severity(AuditEvent e) {
        if (e.decision() == Decision.DENIED || e.outcome() == Outcome.FAILURE) {
            return WARNING;
        }
        if (e.phase() == Phase.APPROVAL || e.decision() == Decision.APPROVAL_REQUIRED || e.decision() == Decision.MASKED) {
            return NOTICE;
        }
        return INFORMATIONAL;
    }

    /**
     * An SD-PARAM value: '"', '\' and ']' escaped with a backslash (RFC 5424 6.3.3), control
     * characters replaced by a space so that no value can end the message early for a receiver
     * that splits on line breaks.
     */
    static String param(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c == ']') {
                sb.append('\\');
            }
            sb.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return sb.toString();
    }

    /**
     * A header field (HOSTNAME, APP-NAME, MSGID): printable US-ASCII without spaces, cut to
     * {@code max}; anything else becomes '_', an empty value "-".
     */
    static String header(String value, int max) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder(Math.min(value.length(), max));
        for (int i = 0; i < value.length() && sb.length() < max; i++) {
            char c = value.charAt(i);
            sb.append(c > 32 && c < 127 ? c : '_');
        }
        return sb.toString();
    }

    /** The Common Event Format body. */
    static final class Cef {
        private Cef() {
        }

        static String event(AuditEvent e) {
            String signature = e.channel().name() + "." + e.phase().name();
            String name = e.decision() != null ? e.decision().name() : e.action() != null && e.phase() == Phase.SYSTEM
                    ? e.action() : e.phase().name();
            StringBuilder ext = new StringBuilder(256);
            ext(ext, "rt", Long.toString(e.timestamp().toEpochMilli()));
            ext(ext, "externalId", e.eventId());
            ext(ext, "cn1", Long.toString(e.sequence()));
            ext(ext, "cn1Label", "sequence");
            ext(ext, "cs1", e.hash().toHex());
            ext(ext, "cs1Label", "hash");
            ext(ext, "suser", e.agentId());
            ext(ext, "duser", e.onBehalfOf());
            ext(ext, "app", e.channel().name());
            ext(ext, "cs2", e.resource());
            ext(ext, "cs2Label", e.resource() == null ? null : "resource");
            ext(ext, "request", e.action());
            ext(ext, "act", e.decision() == null ? null : e.decision().name());
            ext(ext, "cs3", e.ruleId());
            ext(ext, "cs3Label", e.ruleId() == null ? null : "rule");
            ext(ext, "outcome", e.outcome() == null ? null : e.outcome().name());
            ext(ext, "cs4", e.sessionId());
            ext(ext, "cs4Label", e.sessionId() == null ? null : "session");
            ext(ext, "cs5", e.intent());
            ext(ext, "cs5Label", e.intent() == null ? null : "intent");
            ext(ext, "cs6", e.traceId());
            ext(ext, "cs6Label", e.traceId() == null ? null : "trace");
            ext(ext, "reason", e.error());
            // Device Version: the version of the record's fields (the JSON export's), which a SIEM's
            // parser keys on; the journal's binary encoding version may change without them.
            return "CEF:0|AgentGuard|AgentGuard|" + CEF_VERSION + "|" + headerField(signature) + "|"
                    + headerField(name) + "|" + cefSeverity(e) + "|" + ext;
        }

        static String checkpoint(Checkpoint cp) {
            StringBuilder ext = new StringBuilder(256);
            ext(ext, "rt", Long.toString(cp.time().toEpochMilli()));
            ext(ext, "externalId", cp.journalId() + "-" + cp.sequence());
            ext(ext, "cn1", Long.toString(cp.sequence()));
            ext(ext, "cn1Label", "sequence");
            ext(ext, "cs1", cp.hash().toHex());
            ext(ext, "cs1Label", "hash");
            ext(ext, "msg", cp.toLine());
            return "CEF:0|AgentGuard|AgentGuard|" + CEF_VERSION + "|JOURNAL.CHECKPOINT|journal checkpoint|1|" + ext;
        }

        private static int cefSeverity(AuditEvent e) {
            return switch (severity(e)) {
                case WARNING -> 7;
                case NOTICE -> 5;
                default -> 3;
            };
        }

        private static void ext(StringBuilder sb, String key, String value) {
            if (value == null) {
                return;
            }
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(key).append('=');
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '\\' -> sb.append("\\\\");
                    case '=' -> sb.append("\\=");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    default -> sb.append(c < 0x20 || c == 0x7f ? ' ' : c);
                }
            }
        }

        /** A CEF header field: '\' and '|' escaped, line breaks replaced (CEF allows none in the header). */
        static String headerField(String value) {
            return value.replace("\\", "\\\\").replace("|", "\\|").replace('\n', ' ').replace('\r', ' ');
        }
    }
}
