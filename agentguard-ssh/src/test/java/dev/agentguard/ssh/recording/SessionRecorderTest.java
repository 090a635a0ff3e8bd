package dev.agentguard.ssh.recording;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionRecorderTest {

    @Test
    void writesAnAsciicastV2FileWhoseHashItReports(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rec").resolve("s.cast");
        SessionRecorder r = SessionRecorder.create(file, 100, 30, Instant.parse("2026-11-26T08:00:00Z"),
                "ops-agent on app1", Map.of("TERM", "xterm"));
        r.output("$ df -h\r\n");
        r.input("df -h\n");
        r.output("quote \" backslash \\ escape \u001b[1m bold\r\n");
        Recording rec = r.finish();

        Asciicast cast = Asciicast.read(file);
        assertEquals(2, cast.header().get("version").asInt());
        assertEquals(100, cast.header().get("width").asInt());
        assertEquals(30, cast.header().get("height").asInt());
        assertEquals(Instant.parse("2026-11-26T08:00:00Z").getEpochSecond(), cast.header().get("timestamp").asLong());
        assertEquals("ops-agent on app1", cast.header().get("title").asText());
        assertEquals("xterm", cast.header().get("env").get("TERM").asText());
        assertEquals(List.of("o", "i", "o"), cast.events().stream().map(Asciicast.Event::code).toList());
        assertEquals("$ df -h\r\nquote \" backslash \\ escape \u001b[1m bold\r\n", cast.output());
        assertEquals("df -h\n", cast.input());

        assertEquals(Asciicast.sha256(file), rec.sha256());
        assertEquals(Files.size(file), rec.bytes());
        assertEquals(3, rec.events());
        assertSame(rec, r.finish(), "finishing twice returns the same recording");
        assertNull(r.failure());
    }

    @Test
    void isReadableByItsOwnerOnly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("s.cast");
        SessionRecorder.create(file, 80, 24, Instant.now(), null, Map.of()).finish();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void neverOverwritesARecording(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("s.cast");
        Files.writeString(file, "earlier evidence");
        assertThrows(FileAlreadyExistsException.class,
                () -> SessionRecorder.create(file, 80, 24, Instant.now(), null, Map.of()));
        assertEquals("earlier evidence", Files.readString(file));
    }

    @Test
    void recordsWholeEventsFromConcurrentStreams(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("s.cast");
        SessionRecorder r = SessionRecorder.create(file, 80, 24, Instant.now(), null, Map.of());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> writers = new java.util.ArrayList<>();
            for (int w = 0; w < 4; w++) {
                String tag = "w" + w;
                writers.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 250; i++) {
                        r.output(tag + ":" + i + "\r\n");
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : writers) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Recording rec = r.finish();
        Asciicast cast = Asciicast.read(file);
        assertEquals(1000, cast.events().size());
        assertEquals(1000, rec.events());
        assertTrue(cast.events().stream().allMatch(e -> e.text().matches("w[0-3]:\\d+\r\n")));
        assertEquals(Asciicast.sha256(file), rec.sha256());
    }

    @Test
    void writesEventTimesAsSecondsWithSixDecimals() {
        char[] out = new char[32];
        assertEquals("0.000000", new String(out, 0, SessionRecorder.seconds(0, out)));
        assertEquals("0.000015", new String(out, 0, SessionRecorder.seconds(15, out)));
        assertEquals("1.500000", new String(out, 0, SessionRecorder.seconds(1_500_000, out)));
        assertEquals("12.000345", new String(out, 0, SessionRecorder.seconds(12_000_345, out)));
        assertEquals("86400.999999", new String(out, 0, SessionRecorder.seconds(86_400_999_999L, out)));
        assertEquals("9223372036854.775807", new String(out, 0, SessionRecorder.seconds(Long.MAX_VALUE, out)));
    }
}
