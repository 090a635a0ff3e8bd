package dev.agentguard.ship.syslog;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.integrity.CheckpointLog;
import dev.agentguard.audit.json.EventJson;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.ship.ShipPosition;
import dev.agentguard.ship.Shipper;
import dev.agentguard.ship.ShippingException;
import dev.agentguard.ship.testing.SyslogReceiver;
import dev.agentguard.ship.testing.TestJournals;
import dev.agentguard.ship.testing.TlsFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Syslog over TLS against a loopback TLS receiver (rsyslog is not installed on these machines;
 * the receiver speaks the same RFC 5425 framing as rsyslog's imtcp with TLS).
 */
class SyslogTargetTest {
    private static final Pattern MESSAGE = Pattern.compile("<(\\d+)>1 (\\S+) (\\S+) (\\S+) - (\\S+) "
            + "\\[agentguard@32473 journal=\"([0-9a-f]{12})\" seq=\"(\\d+)\" hash=\"([0-9a-f]{64})\"(?: agent=\"([^\"]*)\")?\\] (.*)",
            Pattern.DOTALL);

    @TempDir
    static Path shared;
    /** The receiver's certificate for loopback, made once: keytool takes a JVM start each time. */
    static TlsFiles loopback;

    @TempDir
    Path dir;

    @BeforeAll
    static void certificate() throws Exception {
        loopback = TlsFiles.create(shared, "dns:localhost,ip:127.0.0.1");
    }

    private SyslogTarget.Builder target(TlsFiles tls, SyslogReceiver receiver) {
        return SyslogTarget.builder("127.0.0.1", receiver.port()).trustedCertificates(tls.certificate())
                .hostname("agent-host-1");
    }

    @Test
    void shipsEveryEventAsRfc5424OverTlsWithMicrosecondTimestamps() throws Exception {
        TlsFiles tls = loopback;
        Path journal = dir.resolve("journal");
        TestJournals.write(journal, "payments-agent", 300, 100);
        List<AuditEvent> events = TestJournals.events(journal);
        int checkpoints = CheckpointLog.read(journal.resolve(CheckpointLog.FILE_NAME)).lines().size();
        try (SyslogReceiver receiver = new SyslogReceiver(tls);
             SyslogTarget syslog = target(tls, receiver).replayWindow(Duration.ZERO).build()) {
            ShipPosition p = Shipper.builder(journal).target(syslog).registerMBean(false).shipAvailable(Duration.ofSeconds(30));
            assertEquals(events.size(), p.sequence());
            List<String> held = receiver.await(m -> m.size() >= events.size() + checkpoints, Duration.ofSeconds(30));
            assertEquals(events.size() + checkpoints, held.size());
            int e = 0;
            for (String msg : held) {
                Matcher m = MESSAGE.matcher(msg);
                assertTrue(m.matches(), msg);
                assertEquals("agent-host-1", m.group(3));
                assertEquals("agentguard", m.group(4));
                if (m.group(5).equals("CHECKPOINT")) {
                    assertTrue(m.group(10).startsWith("AGCP1 journal=" + m.group(6) + " seq=" + m.group(7) + " "));
                    continue;
                }
                AuditEvent ev = events.get(e++);
                assertEquals(ev.phase().name(), m.group(5));
                assertTrue(m.group(2).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z"), m.group(2));
                assertEquals(ev.timestamp().truncatedTo(ChronoUnit.MICROS), Instant.parse(m.group(2)),
                        "microseconds, intact");
                assertEquals(Long.toString(ev.sequence()), m.group(7));
                assertEquals(ev.hash().toHex(), m.group(8));
                assertEquals(EventJson.toJson(ev), m.group(10));
                int expectedSeverity = ev.decision() == Decision.DENIED ? 4 : 6;
                assertEquals(13 * 8 + expectedSeverity, Integer.parseInt(m.group(1)), msg);
            }
            assertEquals(events.size(), e);
        }
    }

    @Test
    void replaysTheUnacknowledgedWindowAfterTheReceiverCrashes() throws Exception {
        TlsFiles tls = loopback;
        Path journal = dir.resolve("journal");
        try (SyslogReceiver receiver = new SyslogReceiver(tls);
             Journal j = TestJournals.journal(journal, 10_000).open();
             SyslogTarget syslog = target(tls, receiver).replayWindow(Duration.ofMinutes(10)).build()) {
            TestJournals.append(j, "payments-agent", 200);
            Set<String> expected = new HashSet<>();
            TestJournals.events(journal).forEach(ev -> expected.add(ev.eventId()));
            Shipper shipper = Shipper.builder(journal).target(syslog).registerMBean(false)
                    .pollInterval(Duration.ofMillis(20)).retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).start();
            try {
                receiver.await(m -> eventIds(m).containsAll(expected), Duration.ofSeconds(30));
                // Received, but only in the receiver's memory: a crash loses them all.
                receiver.crash();
                assertTrue(receiver.held().isEmpty());
                receiver.restart();
                List<String> after = receiver.await(m -> eventIds(m).containsAll(expected), Duration.ofSeconds(30));
                assertTrue(eventIds(after).containsAll(expected), "the replay window brought every event back");
                assertTrue(receiver.connectionsAccepted() >= 2);
                assertEquals(0, shipper.acknowledged().orElseThrow().sequence(),
                        "nothing counts as delivered inside the replay window");
            } finally {
                shipper.close();
            }
        }
    }

    @Test
    void cefEscapesTheSeparatorsAnAgentCouldSmuggleIn() throws Exception {
        TlsFiles tls = loopback;
        Path journal = dir.resolve("journal");
        try (Journal j = TestJournals.journal(journal, 10_000).open()) {
            j.append(EventDraft.of(Phase.INTENT, Channel.SSH).agent("ops\"] agent")
                    .action("echo a|b c=d \\ e\nCEF:0|Forged|Event").decision(Decision.DENIED, "no|pipes"));
        }
        try (SyslogReceiver receiver = new SyslogReceiver(tls);
             SyslogTarget syslog = target(tls, receiver).format(SyslogFormat.CEF).replayWindow(Duration.ZERO).build()) {
            Shipper.builder(journal).target(syslog).registerMBean(false).shipAvailable(Duration.ofSeconds(30));
            String msg = receiver.await(m -> m.stream().anyMatch(s -> s.contains("SSH.INTENT")), Duration.ofSeconds(30))
                    .stream().filter(s -> s.contains("SSH.INTENT")).findFirst().orElseThrow();
            assertTrue(msg.contains(" agent=\"ops\\\"\\] agent\"] CEF:0|AgentGuard|AgentGuard|1|SSH.INTENT|DENIED|7|"), msg);
            assertTrue(msg.contains(" suser=ops\"] agent "), msg);
            assertTrue(msg.contains(" request=echo a|b c\\=d \\\\ e\\nCEF:0|Forged|Event "), msg);
            assertTrue(msg.contains(" cs3=no|pipes cs3Label=rule"), msg);
            assertEquals(1, msg.split("CEF:0\\|AgentGuard").length - 1, "one CEF record, however the action reads");
        }
    }

    @Test
    void refusesAReceiverWhoseCertificateNamesAnotherHost() throws Exception {
        TlsFiles tls = TlsFiles.create(dir, "dns:siem.example.org");
        try (SyslogReceiver receiver = new SyslogReceiver(tls);
             SyslogTarget syslog = target(tls, receiver).build()) {
            ShippingException e = assertThrows(ShippingException.class,
                    () -> syslog.connect(ShipPosition.start("0123456789ab")));
            assertTrue(e.getMessage().startsWith("cannot open syslog over TLS to 127.0.0.1:" + receiver.port()
                    + ": SSLHandshakeException: "), e.getMessage());
            assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
            assertTrue(receiver.held().isEmpty());
        }
    }

    @Test
    void refusesAReceiverItDoesNotTrust() throws Exception {
        TlsFiles tls = loopback;
        try (SyslogReceiver receiver = new SyslogReceiver(tls);
             SyslogTarget syslog = SyslogTarget.builder("127.0.0.1", receiver.port()).build()) {
            ShippingException e = assertThrows(ShippingException.class,
                    () -> syslog.connect(ShipPosition.start("0123456789ab")));
            assertTrue(e.getMessage().contains("SSLHandshakeException"), e.getMessage());
            assertTrue(receiver.held().isEmpty());
        }
    }

    @Test
    void checksHeaderFieldsAndStructuredDataEscapes() {
        assertEquals("a\\\"b\\]c\\\\d e", SyslogMessages.param("a\"b]c\\d\ne"));
        assertEquals("host_with_space", SyslogMessages.header("host with space", 255));
        assertEquals("-", SyslogMessages.header("", 48));
        assertThrows(IllegalArgumentException.class, () -> SyslogTarget.builder("h", 6514).structuredDataId("no-at"));
        assertThrows(IllegalArgumentException.class, () -> SyslogTarget.builder("h", 6514).structuredDataId("a=b@1"));
        SyslogTarget.builder("h", 6514).structuredDataId("audit@12345");
    }

    private static Set<String> eventIds(List<String> messages) {
        Set<String> ids = new HashSet<>();
        for (String msg : messages) {
            Matcher m = MESSAGE.matcher(msg);
            if (m.matches() && !m.group(5).equals("CHECKPOINT")) {
                ids.add(m.group(6) + "-" + m.group(7));
            }
        }
        return ids;
    }
}
