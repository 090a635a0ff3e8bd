package dev.agentguard.ship;

import dev.agentguard.audit.Hash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The shipping side of the retention hook: how far the sweep may delete. */
class RetentionHoldTest {
    private static final String JOURNAL = "3f9a0c1b2d4e";
    private static final Hash H = Hash.fromHex("ab".repeat(32));

    @TempDir
    Path dir;

    private void acknowledged(String target, long seq) throws ShippingException {
        ShipCursor.in(dir, target).store(new ShipPosition(JOURNAL, seq, seq == 0 ? Hash.ZERO : H, 0, -1, null));
    }

    @Test
    void holdsBackEverythingUntilTheTargetAcknowledgedSomething() throws Exception {
        RetentionHold hold = RetentionHold.untilShipped(dir, "kafka-audit");
        assertEquals(0, hold.deletableThrough());
        acknowledged("kafka-audit", 4200);
        assertEquals(4200, hold.deletableThrough(), "read afresh each time it is asked");
        assertEquals(4200, hold.getAsLong());
    }

    @Test
    void waitsForTheSlowestOfSeveralTargets() throws Exception {
        acknowledged("kafka-audit", 9000);
        acknowledged("syslog-siem", 7000);
        assertEquals(7000, RetentionHold.untilShipped(dir, "kafka-audit", "syslog-siem").deletableThrough());
        assertEquals(0, RetentionHold.untilShipped(dir, "kafka-audit", "syslog-siem", "never-shipped").deletableThrough());
    }

    @Test
    void aDamagedOrForeignCursorHoldsEverything() throws Exception {
        acknowledged("kafka-audit", 9000);
        assertEquals(9000, RetentionHold.untilShipped(dir, "kafka-audit").forJournal(JOURNAL).deletableThrough());
        assertEquals(0, RetentionHold.untilShipped(dir, "kafka-audit").forJournal("0123456789ab").deletableThrough(),
                "a cursor left by another journal says nothing about this one");
        Files.writeString(ShipCursor.fileFor(dir, "kafka-audit"), "garbage");
        assertEquals(0, RetentionHold.untilShipped(dir, "kafka-audit").deletableThrough());
    }

    @Test
    void needsATarget() {
        assertThrows(IllegalArgumentException.class, () -> RetentionHold.untilShipped(dir));
    }
}
