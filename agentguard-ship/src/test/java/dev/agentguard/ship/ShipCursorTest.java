package dev.agentguard.ship;

import dev.agentguard.audit.Hash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShipCursorTest {
    @TempDir
    Path dir;

    private static final Hash H = Hash.fromHex("9c1d".repeat(16));

    @Test
    void storesAndReadsBackAPosition() throws Exception {
        ShipCursor cursor = ShipCursor.in(dir, "kafka-audit");
        assertEquals(Optional.empty(), cursor.read());
        ShipPosition p = new ShipPosition("3f9a0c1b2d4e", 4200, H, 4000, 123456789L, "0:81234");
        cursor.store(p);
        assertEquals(p, cursor.read().orElseThrow());
        assertEquals(dir.resolve("ship-kafka-audit.cursor"), cursor.file());
        String line = Files.readString(cursor.file());
        assertTrue(line.startsWith("AGSHIP1 target=kafka-audit journal=3f9a0c1b2d4e seq=4200 hash=" + H.toHex()
                + " checkpoint=4000 index=123456789 state=0:81234 time="), line);
        assertTrue(Files.notExists(dir.resolve("ship-kafka-audit.cursor.new")), "the new file was renamed over the old");
        cursor.store(ShipPosition.start("3f9a0c1b2d4e"));
        assertEquals(ShipPosition.start("3f9a0c1b2d4e"), cursor.read().orElseThrow());
    }

    @Test
    void refusesADamagedCursorRatherThanGuessWhereToResume() throws Exception {
        ShipCursor cursor = ShipCursor.in(dir, "kafka-audit");
        Files.writeString(cursor.file(), "AGSHIP1 target=kafka-audit journal=3f9a0c1b2d4e seq=42");
        ShippingException e = assertThrows(ShippingException.class, cursor::read);
        assertEquals("the shipping cursor " + cursor.file() + " is damaged (not an 'AGSHIP1 target=… journal=… seq=…' "
                + "line); move it away to ship the journal again from its start", e.getMessage());
    }

    @Test
    void refusesTheCursorOfAnotherTarget() throws Exception {
        ShipCursor.in(dir, "syslog-a").store(ShipPosition.start("3f9a0c1b2d4e"));
        Files.move(ShipCursor.fileFor(dir, "syslog-a"), ShipCursor.fileFor(dir, "kafka-b"));
        ShippingException e = assertThrows(ShippingException.class, () -> ShipCursor.in(dir, "kafka-b").read());
        assertTrue(e.getMessage().endsWith("belongs to target 'syslog-a', not 'kafka-b'"), e.getMessage());
    }

    @Test
    void targetNamesCannotReachOutsideTheDirectory() {
        assertThrows(IllegalArgumentException.class, () -> ShipCursor.in(dir, "../../etc/x"));
        assertThrows(IllegalArgumentException.class, () -> ShipCursor.in(dir, ""));
        assertThrows(IllegalArgumentException.class, () -> ShipCursor.in(dir, "a b"));
    }

    @Test
    void longOrOddTargetDetailsMakeDistinctValidNames() {
        assertEquals("kafka-agentguard.events", ShipCursor.targetNameFor("kafka-", "agentguard.events"));
        String a = ShipCursor.targetNameFor("kafka-", "t".repeat(100) + "a");
        String b = ShipCursor.targetNameFor("kafka-", "t".repeat(100) + "b");
        assertEquals(64, a.length());
        assertTrue(!a.equals(b), a);
        assertEquals(a, ShipCursor.requireTargetName(a));
        String v6 = ShipCursor.targetNameFor("syslog-", "::1-6514");
        assertEquals(v6, ShipCursor.requireTargetName(v6));
        assertTrue(v6.startsWith("syslog-__1-6514-"), v6);
    }

    @Test
    void positionsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new ShipPosition("XYZ", 0, Hash.ZERO, 0, -1, null));
        assertThrows(IllegalArgumentException.class, () -> new ShipPosition("3f9a0c1b2d4e", 0, H, 0, -1, null));
        assertThrows(IllegalArgumentException.class, () -> new ShipPosition("3f9a0c1b2d4e", 1, H, 0, -1, "a b"));
    }
}
