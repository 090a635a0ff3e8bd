package dev.agentguard.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TerminalFilterTest {

    private static String filter(String... parts) {
        TerminalFilter f = new TerminalFilter();
        StringBuilder b = new StringBuilder();
        for (String p : parts) {
            b.append(f.filter(p));
        }
        return b.toString();
    }

    @Test
    void keepsTextColoursCursorMovementAndErasing() {
        String drawing = "a\u001b[31mred\u001b[0m\r\n\u001b[2K\u001b[1A\u001b[10;5Hx\tb\bc";
        assertEquals(drawing, filter(drawing));
    }

    @Test
    void dropsSequencesThatActOnTheTerminal() {
        assertEquals("ab", filter("a\u001b]0;title\u0007b"));                 // window title (OSC, BEL)
        assertEquals("ab", filter("a\u001b]52;c;ZXZpbA==\u001b\\b"));         // clipboard write (OSC 52, ST)
        assertEquals("ab", filter("a\u001b]8;;http://x\u001b\\b"));           // hyperlink
        assertEquals("ab", filter("a\u001bP+q544e\u001b\\b"));                // device control string
        assertEquals("ab", filter("a\u001b[?1049hb"));                        // private mode: alternate screen
        assertEquals("ab", filter("a\u001b[6nb"));                            // cursor position report request
        assertEquals("ab", filter("a\u001b[21tb"));                           // window title report request
        assertEquals("ab", filter("a\u001bcb"));                              // full reset
        assertEquals("ab", filter("a\u0007\u0000\u009bb"));                   // BEL, NUL, C1 CSI
        assertEquals("ab", filter("a\u202eb"));                               // bidi override
    }

    @Test
    void filtersASequenceSplitAcrossEvents() {
        assertEquals("ab", filter("a\u001b]0;ti", "tle\u0007b"));
        assertEquals("a\u001b[32mb", filter("a\u001b[3", "2mb"));
    }
}
