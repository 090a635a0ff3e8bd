package dev.agentguard.http.body;

import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.masking.MaskingRules;
import dev.agentguard.core.masking.PanDetector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Text bodies: every card number masked, in every handler, wherever the body is cut. */
class TextBodyMaskingTest {
    static final Masker MASKER = MaskingRules.defaults().masker();
    static final HttpResponse.ResponseInfo TEXT = Responses.ok("Content-Type", "text/plain; charset=utf-8");

    /** Whether the text still shows a card number anywhere: every digit run checked. */
    static boolean showsACardNumber(String text) {
        return !MASKER.maskText(text, null).equals(text) && containsPanHit(text);
    }

    private static boolean containsPanHit(String text) {
        boolean[] found = new boolean[1];
        new PanDetector().find(text, (s, e) -> found[0] = true);
        return found[0];
    }

    @ParameterizedTest
    @EnumSource(Drive.class)
    void masksEveryBrandsCardNumberInEveryHandlerWhereverTheBodyIsCut(Drive drive) throws Exception {
        for (String pan : TestCards.PANS) {
            String body = "paid with " + pan + " today";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String expected = "paid with " + TestCards.partial(pan) + " today";
            for (int cut = 0; cut <= bytes.length; cut++) {
                Reports reports = new Reports();
                String read = drive.read(TEXT, ChunkedPublisher.split(bytes, cut), MASKER, reports,
                        StandardCharsets.UTF_8);
                assertEquals(expected, read, drive + " " + pan.substring(0, 6) + " cut at " + cut);
                BodyReport report = reports.only();
                assertEquals(Map.of("masked.pan", 1L), report.maskedCounts());
                assertTrue(report.completed());
                assertEquals(bytes.length, report.bytesReceived());
                assertEquals(expected.getBytes(StandardCharsets.UTF_8).length, report.bytesDelivered());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 8192})
    void masksCardNumbersSplitAtEveryByteInChunksOfAnySize(int chunk) throws Exception {
        StringBuilder body = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (String pan : TestCards.PANS) {
            body.append("card ").append(pan).append(", grouped ").append(grouped(pan)).append("\n");
            expected.append("card ").append(TestCards.partial(pan)).append(", grouped ").append(groupedPartial(pan))
                    .append("\n");
        }
        for (Drive drive : Drive.values()) {
            Reports reports = new Reports();
            String read = drive.read(TEXT, ChunkedPublisher.of(body.toString().getBytes(StandardCharsets.UTF_8), chunk),
                    MASKER, reports, StandardCharsets.UTF_8);
            String want = drive.dropsLineEnds() ? expected.substring(0, expected.length() - 1) : expected.toString();
            assertEquals(want, read, drive + " in chunks of " + chunk);
            assertEquals(2L * TestCards.PANS.size(), reports.only().maskedCounts().get("masked.pan"));
        }
    }

    @Test
    void masksLikeTheMaskerOnTheWholeTextInRandomChunksOfALargeBody() throws Exception {
        Random random = new Random(2024);
        StringBuilder body = new StringBuilder();
        String[] pieces = {"order 9000000000000001 at 1700000000004 ", "card 4111 1111 1111 1111 ", "mail john.doe@example.com ",
                "cvv: 123\n", "ssn 123-45-6789 ", "€ ünïcödé ", "４１１１１１１１１１１１１１１１ ", "key AKIAIOSFODNN7EXAMPLE\n",
                "𝟒𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏 ", "plain words and numbers 12345 "};
        while (body.length() < 300_000) {
            body.append(pieces[random.nextInt(pieces.length)]);
        }
        String text = body.toString();
        String expected = MASKER.maskText(text, null);
        for (long seed = 1; seed <= 5; seed++) {
            Reports reports = new Reports();
            String read = Drive.STRING.read(TEXT, ChunkedPublisher.random(text.getBytes(StandardCharsets.UTF_8), 20_000, seed),
                    MASKER, reports, StandardCharsets.UTF_8);
            assertEquals(expected, read, "seed " + seed);
            assertFalse(showsACardNumber(read));
        }
        Reports reports = new Reports();
        String read = Drive.CUSTOM.read(TEXT, ChunkedPublisher.multiBuffer(text.getBytes(StandardCharsets.UTF_8), 4096, 5),
                MASKER, reports, StandardCharsets.UTF_8);
        assertEquals(expected, read, "items of several buffers");
    }

    @Test
    void leavesLuhnValidNumbersThatNoBrandIssuesAlone() throws Exception {
        for (String number : TestCards.NOT_CARDS) {
            String body = "ts " + number + " ok";
            Reports reports = new Reports();
            assertEquals(body, Drive.STRING.read(TEXT, ChunkedPublisher.of(body.getBytes(StandardCharsets.UTF_8), 3),
                    MASKER, reports, StandardCharsets.UTF_8));
            assertEquals(Map.of(), reports.only().maskedCounts());
        }
    }

    @Test
    void masksACardNumberWrittenInMultiByteDigitsSplitInsideTheirBytes() throws Exception {
        String body = "full-width ４１１１１１１１１１１１１１１１ and bold 𝟒𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏 end";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut < bytes.length; cut++) {
            Reports reports = new Reports();
            String read = Drive.STRING.read(TEXT, ChunkedPublisher.of(bytes, cut), MASKER, reports, StandardCharsets.UTF_8);
            assertEquals(MASKER.maskText(body, null), read, "chunks of " + cut);
            assertEquals(2L, reports.only().maskedCounts().get("masked.pan"));
        }
    }

    @Test
    void masksTextOfAnotherCharsetAndWritesItBackInThatCharset() throws Exception {
        String body = "Zahlung für Karte 4111 1111 1111 1111, 5 € danke";
        HttpResponse.ResponseInfo latin = Responses.ok("Content-Type", "text/plain; charset=ISO-8859-15");
        byte[] bytes = body.getBytes("ISO-8859-15");
        Reports reports = new Reports();
        byte[] read = Drive.run(HttpResponse.BodyHandlers.ofByteArray(), latin, ChunkedPublisher.of(bytes, 1), MASKER, reports);
        assertEquals("Zahlung für Karte 4111 11** **** 1111, 5 € danke", new String(read, "ISO-8859-15"));
    }

    @Test
    void readsMalformedBytesAsReplacementCharactersAndNeverPassesThemOn() throws Exception {
        // 0xFF is never UTF-8: it is read as U+FFFD, and what goes on is that character, not the byte.
        byte[] bytes = {'c', 'a', 'r', 'd', ' ', (byte) 0xFF, ' ', '4', '1', '1', '1', ' ', '1', '1', '1', '1', ' ', '1', '1',
                '1', '1', ' ', '1', '1', '1', '1', (byte) 0xC3};
        Reports reports = new Reports();
        byte[] read = Drive.run(HttpResponse.BodyHandlers.ofByteArray(), TEXT, ChunkedPublisher.of(bytes, 2), MASKER, reports);
        assertEquals("card \uFFFD 4111 11** **** 1111\uFFFD", new String(read, StandardCharsets.UTF_8));
        for (byte b : read) {
            assertTrue(b != (byte) 0xFF, "the malformed byte itself is not delivered");
        }
    }

    @Test
    void masksTextWithoutAContentTypeAndBinaryWithoutOneIsPassedThrough() throws Exception {
        HttpResponse.ResponseInfo untyped = Responses.ok();
        Reports reports = new Reports();
        assertEquals("card 411111******1111", Drive.STRING.read(untyped,
                ChunkedPublisher.of("card 4111111111111111".getBytes(StandardCharsets.UTF_8), 1), MASKER, reports,
                StandardCharsets.UTF_8));
        assertEquals(BodyReport.TEXT, reports.only().contentKind());

        byte[] png = new byte[2048];
        new Random(1).nextBytes(png);
        System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, 0, png, 0, 8);
        byte[] pan = "4111111111111111".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(pan, 0, png, 1000, pan.length);
        Reports binary = new Reports();
        byte[] read = Drive.run(HttpResponse.BodyHandlers.ofByteArray(), untyped, ChunkedPublisher.of(png, 100), MASKER, binary);
        assertEquals(java.util.Arrays.toString(png), java.util.Arrays.toString(read));
        assertEquals(BodyReport.BINARY, binary.only().contentKind());
    }

    @Test
    void findsUtf16TextWithoutAByteOrderMarkOrContentType() throws Exception {
        // A NUL after every ASCII character must not pass for binary, or the card number would pass through.
        byte[] bytes = "card 4111111111111111 paid".getBytes(StandardCharsets.UTF_16LE);
        Reports reports = new Reports();
        byte[] read = Drive.run(HttpResponse.BodyHandlers.ofByteArray(), Responses.ok(), ChunkedPublisher.of(bytes, 3),
                MASKER, reports);
        assertEquals("card 411111******1111 paid", new String(read, StandardCharsets.UTF_16LE));
        assertEquals(Map.of("masked.pan", 1L), reports.only().maskedCounts());
    }

    @Test
    void passesABinaryBodyThroughUnchangedAndReportsItsHash() throws Exception {
        byte[] image = new byte[100_000];
        new Random(3).nextBytes(image);
        Reports reports = new Reports();
        byte[] read = Drive.run(HttpResponse.BodyHandlers.ofByteArray(), Responses.ok("Content-Type", "image/jpeg"),
                ChunkedPublisher.random(image, 9000, 5), MASKER, reports);
        assertTrue(java.util.Arrays.equals(image, read));
        BodyReport report = reports.only();
        assertEquals(BodyReport.BINARY, report.contentKind());
        assertEquals(sha256(image), report.binarySha256());
        assertEquals(image.length, report.bytesReceived());
        assertEquals(image.length, report.bytesDelivered());
        assertEquals(Map.of(), report.maskedCounts());
    }

    @Test
    void reportsNoHashForTextBodies() throws Exception {
        Reports reports = new Reports();
        Drive.STRING.read(TEXT, ChunkedPublisher.of("hello".getBytes(StandardCharsets.UTF_8), 2), MASKER, reports,
                StandardCharsets.UTF_8);
        assertNull(reports.only().binarySha256());
    }

    @Test
    void masksAFormBodyDecodedSoPlusSignsAndPercentEscapesHideNothing() throws Exception {
        HttpResponse.ResponseInfo form = Responses.ok("Content-Type", "application/x-www-form-urlencoded");
        String body = "card=4111+1111+1111+1111&alt=%34%31%31%31%31%31%31%31%31%31%31%31%31%31%31%31&cvv=123&name=J%C3%BCrgen&x=%zz";
        for (int chunk : new int[] {1, 2, 3, 7, 8192}) {
            Reports reports = new Reports();
            String read = Drive.STRING.read(form, ChunkedPublisher.of(body.getBytes(StandardCharsets.US_ASCII), chunk), MASKER,
                    reports, StandardCharsets.UTF_8);
            assertEquals("card=4111+11**+****+1111&alt=411111******1111&cvv=%5BREDACTED%3ACVV%5D&name=J%C3%BCrgen&x=%25zz",
                    read, "chunks of " + chunk);
            assertEquals(Map.of("masked.pan", 2L, "masked.cvv", 1L), reports.only().maskedCounts());
            assertEquals(BodyReport.FORM, reports.all.get(0).contentKind());
        }
    }

    @Test
    void releasesAStreamOfEventsAsTheyComeWithoutWaitingForMore() throws Exception {
        // An event stream must not wait for a window to fill: each event reaches the agent once complete.
        HttpResponse.ResponseInfo events = Responses.ok("Content-Type", "text/event-stream");
        String[] sent = {"data: {\"n\":1}\n\n", "data: card 4111111111111111\n\n", "data: {\"n\":3}\n\n"};
        java.util.concurrent.BlockingQueue<String> received = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.concurrent.SubmissionPublisher<java.util.List<java.nio.ByteBuffer>> publisher =
                new java.util.concurrent.SubmissionPublisher<>();
        Reports reports = new Reports();
        HttpResponse.BodySubscriber<Void> subscriber = MaskingBodyHandler.of(
                HttpResponse.BodyHandlers.fromLineSubscriber(new java.util.concurrent.Flow.Subscriber<String>() {
                    @Override
                    public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                        s.request(Long.MAX_VALUE);
                    }

                    @Override
                    public void onNext(String line) {
                        received.add(line);
                    }

                    @Override
                    public void onError(Throwable t) {
                        received.add("error");
                    }

                    @Override
                    public void onComplete() {
                        received.add("complete");
                    }
                }), MASKER, reports).apply(events);
        publisher.subscribe(subscriber);
        for (String event : sent) {
            publisher.submit(java.util.List.of(java.nio.ByteBuffer.wrap(event.getBytes(StandardCharsets.UTF_8))));
            String line = received.poll(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(event.equals(sent[1]) ? "data: card 411111******1111" : event.strip(), line);
            assertEquals("", received.poll(10, java.util.concurrent.TimeUnit.SECONDS));
        }
        publisher.close();
        assertEquals("complete", received.poll(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(Map.of("masked.pan", 1L), reports.only().maskedCounts());
    }

    static String grouped(String pan) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < pan.length(); i++) {
            if (i > 0 && i % 4 == 0) {
                b.append(' ');
            }
            b.append(pan.charAt(i));
        }
        return b.toString();
    }

    static String groupedPartial(String pan) {
        return grouped(TestCards.partial(pan));
    }

    static String sha256(byte[] bytes) throws Exception {
        byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        StringBuilder b = new StringBuilder();
        for (byte x : d) {
            b.append(String.format("%02x", x));
        }
        return b.toString();
    }
}
