package dev.agentguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaskCommandTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "4111111111111111, 411111******1111",       // Visa
            "4012888888881881, 401288******1881",       // Visa
            "4222222222222, 422222***2222",             // Visa, 13 digits
            "4111111111111111110, 411111*********1110", // Visa, 19 digits
            "5555555555554444, 555555******4444",       // Mastercard
            "5105105105105100, 510510******5100",       // Mastercard
            "2221000000000009, 222100******0009",       // Mastercard 2-series
            "378282246310005, 378282*****0005",         // American Express
            "371449635398431, 371449*****8431",         // American Express
            "6011111111111117, 601111******1117",       // Discover
            "6011000990139424, 601100******9424",       // Discover
            "30569309025904, 305693****5904",           // Diners Club
            "38520000023237, 385200****3237",           // Diners Club
            "3530111333300000, 353011******0000",       // JCB
            "3566002020360505, 356600******0505",       // JCB
            "6200000000000005, 620000******0005",       // UnionPay
            "4111 1111 1111 1111, 4111 11** **** 1111", // spaced
            "4111-1111-1111-1111, 4111-11**-****-1111", // dashed
            "3782 822463 10005, 3782 82**** *0005"})    // Amex grouping
    void masksTheStandardTestCardNumbersShowingAtMostFirstSixAndLastFour(String pan, String masked) {
        ToolRun run = ToolRun.runWithInput("paid with " + pan + " today\n", "mask");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals("paid with " + masked + " today\n", run.out());
        assertEquals("", run.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "1700000000004",         // Luhn-valid epoch milliseconds
            "1234567890123452",      // Luhn-valid, 16 digits, no card brand starts with 1
            "12345678901234567894",  // Luhn-valid, 20 digits: longer than any card number
            "4111111111111112",      // a Visa prefix, but Luhn-invalid
            "order 98411111111111111117 shipped"})  // a test PAN glued inside a longer digit run
    void leavesLuhnValidNumbersThatAreNotCardsUntouched(String text) {
        ToolRun run = ToolRun.runWithInput(text + "\n", "mask");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(text + "\n", run.out());
    }

    @Test
    void copiesEverythingElseUnchangedIncludingLineEndings() {
        String input = "first line\r\nsecond 4111111111111111\n\n\u00e9t\u00e9 \u20ac \uD83D\uDE00\nno newline at the end";

        ToolRun run = ToolRun.runWithInput(input, "mask");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals("first line\r\nsecond 411111******1111\n\n\u00e9t\u00e9 \u20ac \uD83D\uDE00\nno newline at the end",
                run.out());
    }

    @Test
    void emptyInputGivesEmptyOutput() {
        ToolRun run = ToolRun.runWithInput("", "mask", "--count");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals("", run.out());
        assertEquals("agentguard mask: masked 0 values", run.errorLine());
    }

    @Test
    void redactsTheOtherDetectorsByDefault() {
        String input = String.join("\n",
                "mail jane.doe@example.com",
                "ssn 123-45-6789",
                "iban GB82 WEST 1234 5698 7654 32",
                "key AKIAIOSFODNN7EXAMPLE",
                "card 4111111111111111 cvv 123",
                "");

        ToolRun run = ToolRun.runWithInput(input, "mask");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(String.join("\n",
                "mail [REDACTED:EMAIL]",
                "ssn [REDACTED:SSN]",
                "iban [REDACTED:IBAN]",
                "key [REDACTED:SECRET]",
                "card 411111******1111 cvv [REDACTED:CVV]",
                ""), run.out());
    }

    @Test
    void countPrintsHowManyValuesEachDetectorMaskedOnStderr() {
        String input = "4111111111111111 and 5555555555554444\nmail a.b@example.com\nnothing here\n";

        ToolRun run = ToolRun.runWithInput(input, "mask", "--count");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals("411111******1111 and 555555******4444\nmail [REDACTED:EMAIL]\nnothing here\n", run.out());
        assertEquals("agentguard mask: masked 3 values: pan 2, email 1", run.errorLine());
    }

    @Test
    void countWithJsonPrintsAnObjectOnStderrAndLeavesStdoutToTheText() throws Exception {
        ToolRun run = ToolRun.runWithInput("4111111111111111\n", "mask", "--count", "--json");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals("411111******1111\n", run.out());
        JsonNode o = new ObjectMapper().readTree(run.err());
        assertEquals(1, o.get("masked").asLong());
        assertEquals(1, o.get("byDetector").get("pan").asLong());
        assertEquals("pan", o.get("detectors").get(1).asText());
    }

    @Test
    void usesTheDetectorsAndStrategiesOfThePolicy() throws Exception {
        Path policy = Files.writeString(tmp.resolve("p.yaml"), String.join("\n",
                "policy: scrub",
                "default: deny",
                "masking:",
                "  detectors: { pan: redact, email: \"off\" }",
                ""));

        ToolRun run = ToolRun.runWithInput("4111111111111111 jane@example.com\n", "mask", "--policy",
                policy.toString(), "--count");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals("[REDACTED:PAN] jane@example.com\n", run.out());
        assertEquals("agentguard mask: masked 1 value: pan 1", run.errorLine());
    }

    @Test
    void aMalformedPolicyIsExitCode2BeforeAnyInputIsRead() throws Exception {
        Path policy = Files.writeString(tmp.resolve("p.yaml"), "policy: scrub\ndefault: deny\nmasking:\n  detectors: { pin: redact }\n");

        ToolRun run = ToolRun.runWithInput("4111111111111111\n", "mask", "--policy", policy.toString());

        run.assertOneLineError(2);
        assertEquals("", run.out());
        assertTrue(run.errorLine().startsWith("agentguard mask: " + policy + ":4:"), run.errorLine());
    }

    @Test
    void invalidUtf8IsExitCode2NamingTheLineAndOffset() {
        // Line 2 starts at byte 20; "bad " is 4 bytes, then a 0xff byte, which is never UTF-8.
        byte[] input = "ok 4111111111111111\nbad \u00ff here\n".getBytes(StandardCharsets.ISO_8859_1);

        ToolRun run = ToolRun.runWithInput(input, "mask");

        run.assertOneLineError(2);
        assertEquals("ok 411111******1111\n", run.out(), "lines before the bad one are written");
        assertEquals("agentguard mask: standard input line 2 is not UTF-8 text (invalid byte sequence at byte offset 24); "
                + "mask reads UTF-8 text only: convert it first (e.g. iconv -t UTF-8)", run.errorLine());
    }

    @Test
    void aNulByteIsExitCode2SinceUtf16AndBinaryWouldHideCardNumbers() {
        byte[] utf16 = "4111111111111111\n".getBytes(StandardCharsets.UTF_16LE);

        ToolRun run = ToolRun.runWithInput(utf16, "mask");

        run.assertOneLineError(2);
        assertEquals("", run.out());
        assertFalse(run.err().contains("4111"), run.err());
        assertEquals("agentguard mask: standard input line 1 holds a NUL byte (at byte offset 1): it looks like binary "
                + "data or UTF-16 text, in which card numbers cannot be found; mask reads UTF-8 text only: convert it "
                + "first (e.g. iconv -t UTF-8)", run.errorLine());
    }

    @Test
    void aCardNumberSplitOverTwoLinesIsNotJoined() {
        // Line by line by design: a value broken by a newline is two values; documented in docs/cli.md.
        ToolRun run = ToolRun.runWithInput("4111 1111\n1111 1111\n", "mask");

        assertEquals("4111 1111\n1111 1111\n", run.out());
    }

    @Test
    void streamsABigInputWithoutHoldingIt() {
        long lines = 200_000;
        String line = "2026-11-25T10:00:00Z payment 4111111111111111 ok for order 1234567890123452\n";
        InputStream in = new RepeatingInput(line.getBytes(StandardCharsets.US_ASCII), lines);
        CountingWriter out = new CountingWriter();
        StringWriter err = new StringWriter();

        int exitCode = AgentGuardCommand.commandLine(in, new PrintWriter(out), new PrintWriter(err), Map.of())
                .execute("mask", "--count");

        assertEquals(0, exitCode, err.toString());
        String masked = "2026-11-25T10:00:00Z payment 411111******1111 ok for order 1234567890123452\n";
        assertEquals(masked.length() * lines, out.chars);
        assertEquals("agentguard mask: masked 200000 values: pan 200000", err.toString().strip());
    }

    @Test
    void isNotRecordedInTheAccessJournal() {
        Path access = tmp.resolve("access");

        ToolRun run = ToolRun.runWith(Map.of(AgentGuardCommand.ACCESS_JOURNAL_ENV, access.toString()), "mask");

        assertEquals(0, run.exitCode(), run.err());
        assertFalse(Files.exists(access), "masked text must not be journaled");
    }

    /** {@code line} repeated {@code times} times, generated as it is read. */
    private static final class RepeatingInput extends InputStream {
        private final byte[] line;
        private long left;
        private int pos;

        RepeatingInput(byte[] line, long times) {
            this.line = line;
            this.left = times;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = 0;
            while (n < len && left > 0) {
                int chunk = Math.min(len - n, line.length - pos);
                System.arraycopy(line, pos, b, off + n, chunk);
                n += chunk;
                pos += chunk;
                if (pos == line.length) {
                    pos = 0;
                    left--;
                }
            }
            return n;
        }
    }

    /** Counts what is written and keeps nothing. */
    private static final class CountingWriter extends Writer {
        long chars;

        @Override
        public void write(char[] cbuf, int off, int len) {
            chars += len;
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
