package dev.agentguard.cli;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Hash;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.JournalCorruptException;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SequenceCheckTest {
    @Test
    void acceptsConsecutiveEventsFromAnyStart() throws Exception {
        SequenceCheck check = new SequenceCheck();
        check.check(event(41), "F entry 0"); // retention may have removed 1 to 40
        check.check(event(42), "F entry 1");
        assertEquals(42, check.last());
    }

    @Test
    void refusesAGapNamingTheMissingEvents() throws Exception {
        SequenceCheck check = new SequenceCheck();
        check.check(event(2), "20261124F.cq4 entry 1");

        JournalCorruptException e = assertThrows(JournalCorruptException.class,
                () -> check.check(event(6), "20261126F.cq4 entry 0"));

        assertEquals("20261126F.cq4 entry 0", e.position());
        assertEquals("20261126F.cq4 entry 0: events 3 to 5 are missing before event 6 (a journal file is damaged or "
                + "was removed; run 'agentguard verify')", e.getMessage());
    }

    @Test
    void refusesASingleMissingEvent() throws Exception {
        SequenceCheck check = new SequenceCheck();
        check.check(event(2), "F entry 1");

        JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> check.check(event(4), "F entry 2"));

        assertEquals("F entry 2: event 3 is missing before event 4 (a journal file is damaged or was removed; run "
                + "'agentguard verify')", e.getMessage());
    }

    @Test
    void gapBeforeDescribesWithoutThrowing() {
        SequenceCheck check = new SequenceCheck();
        assertNull(check.gapBefore(event(7)));
        assertNull(check.gapBefore(event(8)));
        assertEquals("events 9 to 10 are missing before event 11 (a journal file is damaged or was removed; run "
                + "'agentguard verify')", check.gapBefore(event(11)));
        assertNull(check.gapBefore(event(12)), "the check carries on from the event it was given");
    }

    @Test
    void refusesAnEventThatGoesBackwards() throws Exception {
        SequenceCheck check = new SequenceCheck();
        check.check(event(5), "F entry 4");

        JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> check.check(event(5), "F entry 5"));

        assertEquals("F entry 5: event 5 comes after event 5 (a journal file is damaged or was removed; run "
                + "'agentguard verify')", e.getMessage());
    }

    private static AuditEvent event(long sequence) {
        return new AuditEvent(1, "3f9a0c1b2d4e-" + sequence, sequence, Instant.parse("2026-11-25T00:00:00Z"),
                Phase.INTENT, "a", null, null, null, null, Channel.JDBC, null, "SELECT 1", null, null, null, null,
                null, null, null, null, null, Hash.ZERO, Hash.ZERO);
    }
}
