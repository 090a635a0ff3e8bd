package dev.agentguard.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TextLinesTest {

    private static TextLines lines(String text, int maxLineBytes) {
        return new TextLines(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "input", maxLineBytes);
    }

    @Test
    void returnsLinesWithoutTerminatorsAndRemembersEachTerminator() throws Exception {
        TextLines lines = lines("a\r\nb\n\nc", 100);
        List<String> seen = new ArrayList<>();
        String line;
        while ((line = lines.next()) != null) {
            seen.add(line + "|" + lines.terminator().replace("\r", "CR").replace("\n", "LF"));
        }

        assertEquals(List.of("a|CRLF", "b|LF", "|LF", "c|"), seen);
    }

    @Test
    void aLoneCarriageReturnStaysInTheLine() throws Exception {
        TextLines lines = lines("a\rb\n", 100);

        assertEquals("a\rb", lines.next());
        assertEquals("\n", lines.terminator());
        assertNull(lines.next());
    }

    @Test
    void aMultiByteCharacterSplitBetweenReadsIsDecodedWhole() throws Exception {
        byte[] bytes = "\u20ac\u20ac\n".getBytes(StandardCharsets.UTF_8);
        // One byte per read: every character arrives in pieces.
        InputStream trickle = new InputStream() {
            private int i;

            @Override
            public int read() {
                return i < bytes.length ? bytes[i++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int c = read();
                if (c < 0) {
                    return -1;
                }
                b[off] = (byte) c;
                return 1;
            }
        };
        TextLines lines = new TextLines(trickle, "input", 100);

        assertEquals("\u20ac\u20ac", lines.next());
        assertNull(lines.next());
    }

    @Test
    void refusesALineLongerThanTheLimitRatherThanCutAValueInTwo() throws Exception {
        TextLines lines = lines("short\n" + "x".repeat(11) + "\n", 10);

        assertEquals("short", lines.next());
        InputException e = assertThrows(InputException.class, lines::next);
        assertEquals("input line 2 is longer than 10 bytes; mask holds one line at a time: break the input into lines "
                + "first", e.getMessage());
    }

    @Test
    void aLineOfExactlyTheLimitIsAccepted() throws Exception {
        TextLines lines = lines("x".repeat(10), 10);

        assertEquals("x".repeat(10), lines.next());
    }

    @Test
    void truncatedMultiByteSequenceAtTheEndIsNotText() throws Exception {
        byte[] bytes = {'a', (byte) 0xe2, (byte) 0x82};
        TextLines lines = new TextLines(new ByteArrayInputStream(bytes), "input", 100);

        InputException e = assertThrows(InputException.class, lines::next);
        assertEquals("input line 1 is not UTF-8 text (invalid byte sequence at byte offset 1); mask reads UTF-8 text "
                + "only: convert it first (e.g. iconv -t UTF-8)", e.getMessage());
    }

    @Test
    void overlongEncodingsAndSurrogatesAreNotText() {
        // 0xC0 0xAF is an overlong '/', 0xED 0xA0 0x80 an encoded surrogate: both invalid UTF-8.
        for (byte[] bytes : new byte[][] {{(byte) 0xc0, (byte) 0xaf}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}}) {
            TextLines lines = new TextLines(new ByteArrayInputStream(bytes), "input", 100);
            assertThrows(InputException.class, lines::next);
        }
    }
}
