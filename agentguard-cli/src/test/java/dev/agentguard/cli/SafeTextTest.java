package dev.agentguard.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class SafeTextTest {
    @Test
    void leavesOrdinaryTextAlone() {
        String text = "SELECT name FROM customers WHERE city = 'Zürich'";
        assertSame(text, SafeText.escape(text));
    }

    @Test
    void escapesTerminalControlsAndBidiOverrides() {
        assertEquals("a\\u001b[2Jb\\nc\\td\\u202ee\\u0000", SafeText.escape("a\u001b[2Jb\nc\td\u202ee\u0000"));
    }

    @Test
    void cellsShowAbsentValuesAsADashAndCutLongOnes() {
        assertEquals("-", SafeText.cell(null, 10));
        assertEquals("-", SafeText.cell("", 10));
        assertEquals("abcdefghij", SafeText.cell("abcdefghij", 10));
        assertEquals("abcdefg...", SafeText.cell("abcdefghijk", 10));
    }
}
