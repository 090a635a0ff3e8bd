package dev.agentguard.http.body;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentguard.core.masking.MaskStrategy;
import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.masking.MaskingKey;
import dev.agentguard.core.masking.MaskingRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JSON bodies: field rules and detectors, the document kept valid (parsed back with Jackson). */
class JsonBodyMaskingTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Masker DEFAULTS = MaskingRules.defaults().masker();
    static final HttpResponse.ResponseInfo JSON_TYPE = Responses.ok("Content-Type", "application/json");

    static String mask(String body, Masker masker, int chunk, Reports reports) throws Exception {
        return mask(body, masker, JSON_TYPE, StandardCharsets.UTF_8, chunk, reports);
    }

    static String mask(String body, Masker masker, HttpResponse.ResponseInfo info, Charset charset, int chunk,
                       Reports reports) throws Exception {
        return Drive.STRING.read(info, ChunkedPublisher.of(body.getBytes(charset), chunk), masker, reports, charset);
    }

    @ParameterizedTest
    @EnumSource(Drive.class)
    void masksEveryBrandsCardNumberInAStringWhereverTheBodyIsCutAndKeepsItValid(Drive drive) throws Exception {
        for (String pan : TestCards.PANS) {
            String body = "{\"card\":\"" + pan + "\",\"n\":1}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            for (int cut = 0; cut <= bytes.length; cut++) {
                Reports reports = new Reports();
                String read = drive.read(JSON_TYPE, ChunkedPublisher.split(bytes, cut), DEFAULTS, reports,
                        StandardCharsets.UTF_8);
                JsonNode node = JSON.readTree(read);
                assertEquals(TestCards.partial(pan), node.get("card").asText(), drive + " cut at " + cut);
                assertEquals(1, node.get("n").asInt());
                assertEquals(Map.of("masked.pan", 1L), reports.only().maskedCounts());
            }
        }
    }

    @Test
    void masksACardNumberWrittenAsAJsonNumberAsAStringOfItsMask() throws Exception {
        for (String pan : TestCards.PANS) {
            String body = "{\"card\":" + pan + ",\"neg\":-" + pan + ",\"list\":[" + pan + "]}";
            Reports reports = new Reports();
            JsonNode node = JSON.readTree(mask(body, DEFAULTS, 3, reports));
            assertTrue(node.get("card").isTextual(), pan);
            assertEquals(TestCards.partial(pan), node.get("card").asText());
            assertEquals("-" + TestCards.partial(pan), node.get("neg").asText());
            assertEquals(TestCards.partial(pan), node.get("list").get(0).asText());
            assertEquals(Map.of("masked.pan", 3L), reports.only().maskedCounts());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"4.111111111111111E15", "4111111111111111e0", "41111111111111110e-1", "4111111111111111.000",
            "0.4111111111111111e16", "4.111111111111111e+15"})
    void masksACardNumberInExponentOrDecimalForm(String number) throws Exception {
        Reports reports = new Reports();
        JsonNode node = JSON.readTree(mask("{\"card\":" + number + "}", DEFAULTS, 2, reports));
        assertEquals("411111******1111", node.get("card").asText());
    }

    @Test
    void leavesOrdinaryNumbersAndLuhnValidNonCardsAsTheyWere() throws Exception {
        String body = "{\"ts\":1700000000004,\"order\":9000000000000001,\"id\":1234567890123452,\"amount\":1.50,"
                + "\"big\":1e300,\"tiny\":-2.5E-10,\"zero\":0,\"flags\":[true,false,null]}";
        Reports reports = new Reports();
        assertEquals(body, mask(body, DEFAULTS, 5, reports));
        assertEquals(Map.of(), reports.only().maskedCounts());
    }

    @Test
    void masksACardNumberSpelledWithUnicodeEscapes() throws Exception {
        String escaped = "\\u0034\\u0031\\u0031\\u0031\\u0031\\u0031\\u0031\\u0031\\u0031\\u0031\\u0031\\u0031\\u0031\\u0031\\u0031\\u0031";
        String body = "{\"card\":\"" + escaped + "\",\"spaced\":\"4111\\u00201111\\u00A01111\\u20071111\","
                + "\"wide\":\"\\uff14\\uff11\\uff11\\uff11\\uff11\\uff11\\uff11\\uff11\\uff11\\uff11\\uff11\\uff11\\uff11\\uff11\\uff11\\uff11\"}";
        for (int chunk : new int[] {1, 2, 3, 7, 8192}) {
            Reports reports = new Reports();
            JsonNode node = JSON.readTree(mask(body, DEFAULTS, chunk, reports));
            assertEquals("411111******1111", node.get("card").asText(), "chunks of " + chunk);
            assertEquals("4111 11**\u00A0****\u20071111", node.get("spaced").asText());
            assertEquals("４１１１１１＊＊＊＊＊＊１１１１".replace('＊', '*'), node.get("wide").asText());
        }
    }

    @Test
    void masksACardNumberUsedAsAMemberName() throws Exception {
        String body = "{\"4111111111111111\":{\"limit\":100},\"4111 1111 1111 1111\":true}";
        Reports reports = new Reports();
        JsonNode node = JSON.readTree(mask(body, DEFAULTS, 1, reports));
        assertTrue(node.has("411111******1111"));
        assertEquals(100, node.get("411111******1111").get("limit").asInt());
        assertTrue(node.has("4111 11** **** 1111"));
        assertEquals(Map.of("masked.pan", 2L), reports.only().maskedCounts());
    }

    @Test
    void masksAVerificationCodeByItsMemberNameAsContext() throws Exception {
        String body = "{\"card_cvv\":\"123\",\"cvc\":456,\"securityCode\":\"7890\",\"count\":123}";
        Reports reports = new Reports();
        JsonNode node = JSON.readTree(mask(body, DEFAULTS, 4, reports));
        assertEquals("[REDACTED:CVV]", node.get("card_cvv").asText());
        assertEquals("[REDACTED:CVV]", node.get("cvc").asText());
        assertEquals("[REDACTED:CVV]", node.get("securityCode").asText());
        assertEquals(123, node.get("count").asInt());
    }

    @Test
    void appliesColumnRulesToMemberNamesAndPointerRulesToPaths() throws Exception {
        Masker masker = MaskingRules.builder()
                .column("*.cards.cvv", MaskStrategy.NULL)
                .column("card_*", MaskStrategy.REDACT)
                .jsonField("/card/number", MaskStrategy.PARTIAL)
                .jsonField("/accounts/*/holder", MaskStrategy.REDACT)
                .build().masker();
        String body = "{\"card\":{\"number\":\"4111111111111111\",\"cvv\":\"123\",\"exp\":\"12/29\"},"
                + "\"card_token\":\"tok_abc\",\"card_meta\":{\"issuer\":\"ACME\",\"level\":2,\"debit\":true,\"none\":null},"
                + "\"accounts\":[{\"holder\":\"Ada Lovelace\",\"id\":7},{\"holder\":\"Alan Turing\",\"id\":8}],"
                + "\"number\":\"not a card\",\"CVV\":\"999\"}";
        for (int chunk : new int[] {1, 3, 8192}) {
            Reports reports = new Reports();
            JsonNode node = JSON.readTree(mask(body, masker, chunk, reports));
            assertEquals("411111******1111", node.get("card").get("number").asText());
            assertTrue(node.get("card").get("cvv").isNull(), "NULL strategy gives JSON null");
            assertEquals("12/29", node.get("card").get("exp").asText());
            assertEquals("[REDACTED]", node.get("card_token").asText());
            // A rule on an object masks every scalar in it; a null hides nothing and stays.
            assertEquals("[REDACTED]", node.get("card_meta").get("issuer").asText());
            assertEquals("[REDACTED]", node.get("card_meta").get("level").asText());
            assertEquals("[REDACTED]", node.get("card_meta").get("debit").asText());
            assertTrue(node.get("card_meta").get("none").isNull());
            assertEquals("[REDACTED]", node.get("accounts").get(0).get("holder").asText());
            assertEquals("[REDACTED]", node.get("accounts").get(1).get("holder").asText());
            assertEquals(8, node.get("accounts").get(1).get("id").asInt());
            assertEquals("not a card", node.get("number").asText(), "pointer rules are exact paths");
            assertTrue(node.get("CVV").isNull(), "member names match column rules case-insensitively");
            assertEquals(Map.of("masked.card.number", 1L, "masked.cvv", 1L, "masked.card_token", 1L,
                    "masked.card_meta", 3L, "masked.accounts.*.holder", 2L, "masked.CVV", 1L),
                    reports.only().maskedCounts());
        }
    }

    @Test
    void masksFieldRuleValuesWithKeyedHashesThatStillJoin() throws Exception {
        Masker masker = MaskingRules.builder().column("email", MaskStrategy.KEYED_HASH)
                .hashKey(MaskingKey.of(new byte[32])).build().masker();
        Reports reports = new Reports();
        JsonNode node = JSON.readTree(mask("[{\"email\":\"a@example.com\"},{\"email\":\"a@example.com\"},{\"email\":\"b@example.com\"}]",
                masker, 2, reports));
        String first = node.get(0).get("email").asText();
        assertTrue(first.matches("\\[HASH:[0-9a-f]{16}]"), first);
        assertEquals(first, node.get(1).get("email").asText());
        assertFalse(first.equals(node.get(2).get("email").asText()));
    }

    @Test
    void redactsAFieldRuleValueTooLongToReadWhole() throws Exception {
        Masker masker = MaskingRules.builder().column("blob", MaskStrategy.PARTIAL).column("gone", MaskStrategy.NULL)
                .build().masker();
        String longValue = "x".repeat(100);
        Reports reports = new Reports();
        String read = Drive.run(HttpResponse.BodyHandlers.ofString(), JSON_TYPE,
                ChunkedPublisher.of(("{\"blob\":\"" + longValue + "\",\"gone\":\"" + longValue + "\",\"short\":\"ok\"}")
                        .getBytes(StandardCharsets.UTF_8), 7),
                masker, reports, BodyMaskingOptions.defaults().withMaxFieldValueChars(50));
        JsonNode node = JSON.readTree(read);
        assertEquals("[REDACTED]", node.get("blob").asText());
        assertTrue(node.get("gone").isNull());
        assertEquals("ok", node.get("short").asText());
    }

    @Test
    void keepsEscapesValidAndNormalisesThemOnTheWay() throws Exception {
        String body = "{\"text\":\"line\\nquote\\\" back\\\\ slash\\/ tab\\t \\u00e9 \\ud83d\\ude00 lone \\ud800 x\",\"e\":\"\"}";
        Reports reports = new Reports();
        String read = mask(body, DEFAULTS, 1, reports);
        JsonNode node = JSON.readTree(read);
        assertEquals("line\nquote\" back\\ slash/ tab\t é 😀 lone \uFFFD x", node.get("text").asText());
        assertEquals("", node.get("e").asText());
    }

    @Test
    void readsNewlineDelimitedJsonAndJsonTextSequences() throws Exception {
        HttpResponse.ResponseInfo ndjson = Responses.ok("Content-Type", "application/x-ndjson");
        String body = "{\"card\":\"4111111111111111\"}\n{\"card\":\"5555555555554444\"}\n\u001E[1,2]\n";
        Reports reports = new Reports();
        String read = mask(body, DEFAULTS, ndjson, StandardCharsets.UTF_8, 3, reports);
        assertEquals("{\"card\":\"411111******1111\"}\n{\"card\":\"555555******4444\"}\n\u001E[1,2]\n", read);
        assertEquals(BodyReport.JSON, reports.only().contentKind());
    }

    @Test
    void masksAJsonBodyDeclaredUtf16AndWritesItBackInUtf16() throws Exception {
        String body = "{\"card\":\"4111 1111 1111 1111\",\"name\":\"Zoë\"}";
        for (String declared : new String[] {"UTF-16", "UTF-16LE", "UTF-16BE"}) {
            HttpResponse.ResponseInfo info = Responses.ok("Content-Type", "application/json; charset=" + declared);
            Charset charset = Charset.forName(declared);
            for (int chunk : new int[] {1, 3, 8192}) {
                Reports reports = new Reports();
                // Java's UTF-16 encoder writes a byte-order mark; the handler reads it and keeps it.
                String read = mask(body, DEFAULTS, info, charset, chunk, reports);
                JsonNode node = JSON.readTree(read.startsWith("\uFEFF") ? read.substring(1) : read);
                assertEquals("4111 11** **** 1111", node.get("card").asText(), declared + " chunks of " + chunk);
                assertEquals("Zoë", node.get("name").asText());
            }
        }
    }

    @Test
    void escapesWhatALegacyCharsetCannotHold() throws Exception {
        HttpResponse.ResponseInfo latin = Responses.ok("Content-Type", "application/json; charset=ISO-8859-1");
        String body = "{\"city\":\"\\u4e2d\\u6587 Zürich\",\"card\":\"4111111111111111\"}";
        Reports reports = new Reports();
        byte[] read = Drive.run(HttpResponse.BodyHandlers.ofByteArray(), latin,
                ChunkedPublisher.of(body.getBytes(StandardCharsets.ISO_8859_1), 2), DEFAULTS, reports);
        String text = new String(read, StandardCharsets.ISO_8859_1);
        JsonNode node = JSON.readTree(text);
        assertEquals("中文 Zürich", node.get("city").asText());
        assertEquals("411111******1111", node.get("card").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1,}", "{\"a\" 1}", "[1 2]", "{\"a\":tru}", "{\"a\":01}", "{\"a\":\"x\\q\"}",
            "{\"a\":\"raw\ttab\"}", "[1,2", "{\"a\":\"unterminated", "{\"a\":-}", "}", "[\"a\"]]"})
    void failsAnInvalidJsonBodyWithoutDeliveringMore(String body) throws Exception {
        Reports reports = new Reports();
        UnmaskableBodyException e = assertThrows(UnmaskableBodyException.class, () -> mask(body, DEFAULTS, 1, reports));
        assertTrue(e.getMessage().startsWith("the response body, declared as JSON, is not valid JSON at char "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; it is not delivered beyond that point, since its field rules cannot be"
                + " applied to what cannot be parsed"), e.getMessage());
        BodyReport report = reports.only();
        assertTrue(report.failure() instanceof UnmaskableBodyException);
        assertFalse(report.cancelled());
    }

    @Test
    void keepsStructureWhenAValueRunsOnAcrossTokens() throws Exception {
        // A private key with no end line is masked to the end of the text: every string and number
        // after it becomes the label, and the structure between them stays, so the JSON stays valid.
        String body = "{\"key\":\"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\",\"next\":\"4111111111111111\","
                + "\"n\":4111111111111111,\"ok\":true}";
        for (int chunk : new int[] {1, 8192}) {
            Reports reports = new Reports();
            String read = mask(body, DEFAULTS, chunk, reports);
            JsonNode node = JSON.readTree(read);
            assertEquals("[REDACTED:SECRET]", node.get("key").asText(), read);
            assertFalse(read.contains("MIIE"));
            assertFalse(read.contains("4111111111111111"));
            assertTrue(read.endsWith("true}"), read);
        }
    }

    @Test
    void refusesANumberLongerThanAnyRealOne() {
        UnmaskableBodyException e = assertThrows(UnmaskableBodyException.class,
                () -> mask("[" + "7".repeat(2000) + "]", DEFAULTS, 100, new Reports()));
        assertTrue(e.getMessage().contains("a number longer than 1024 chars"), e.getMessage());
    }

    @Test
    void readsMalformedBytesInAStringAsReplacementCharactersAndRefusesThemInStructure() throws Exception {
        byte[] inString = {'{', '"', 'a', '"', ':', '"', 'x', (byte) 0xFF, 'y', '"', '}'};
        Reports reports = new Reports();
        String read = Drive.run(HttpResponse.BodyHandlers.ofString(), JSON_TYPE, ChunkedPublisher.of(inString, 1), DEFAULTS,
                reports);
        assertEquals("x\uFFFDy", JSON.readTree(read).get("a").asText());
        byte[] inStructure = {'{', '"', 'a', '"', (byte) 0xFF, ':', '1', '}'};
        assertThrows(UnmaskableBodyException.class, () -> Drive.run(HttpResponse.BodyHandlers.ofString(), JSON_TYPE,
                ChunkedPublisher.of(inStructure, 1), DEFAULTS, new Reports()));
    }

    @Test
    void refusesNestingDeeperThanTheLimit() {
        String body = "[".repeat(JsonMasking.MAX_DEPTH + 1) + "]".repeat(JsonMasking.MAX_DEPTH + 1);
        UnmaskableBodyException e = assertThrows(UnmaskableBodyException.class,
                () -> mask(body, DEFAULTS, 8192, new Reports()));
        assertTrue(e.getMessage().contains("objects and arrays nested deeper than 512"), e.getMessage());
    }

    @Test
    void staysValidWithRandomDocumentsCutAtRandom() throws Exception {
        Random random = new Random(11);
        Masker masker = MaskingRules.builder().column("secret*", MaskStrategy.REDACT).jsonField("/0/card", MaskStrategy.PARTIAL)
                .build().masker();
        for (int doc = 0; doc < 30; doc++) {
            StringBuilder b = new StringBuilder();
            randomValue(random, b, 0);
            String body = "[" + b + "]";
            JsonNode expected = JSON.readTree(body);
            for (int chunk : new int[] {1, 7, 1 + random.nextInt(300)}) {
                Reports reports = new Reports();
                String read = mask(body, masker, chunk, reports);
                JsonNode node = JSON.readTree(read);
                assertEquals(expected.size(), node.size());
                assertFalse(TextBodyMaskingTest.showsACardNumber(read), read);
            }
        }
    }

    private static void randomValue(Random random, StringBuilder b, int depth) {
        int kind = depth > 3 ? 3 + random.nextInt(4) : random.nextInt(7);
        switch (kind) {
            case 0:
            case 1: {
                b.append('{');
                int n = random.nextInt(5);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        b.append(random.nextBoolean() ? "," : " , ");
                    }
                    String[] names = {"id", "card", "secretKey", "note", "4111111111111111", "naïve", "a\\\"b"};
                    b.append('"').append(names[random.nextInt(names.length)]).append(i).append("\":");
                    randomValue(random, b, depth + 1);
                }
                b.append('}');
                return;
            }
            case 2: {
                b.append("[\n");
                int n = random.nextInt(5);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        b.append(",\n  ");
                    }
                    randomValue(random, b, depth + 1);
                }
                b.append(']');
                return;
            }
            case 3: {
                String[] strings = {"4111111111111111", "card 5555 5555 5555 4444 ok", "\\u0034111111111111111", "plain",
                        "é\\n\\\"", "mail a.b@example.com", "😀", ""};
                b.append('"').append(strings[random.nextInt(strings.length)]).append('"');
                return;
            }
            case 4: {
                String[] numbers = {"4111111111111111", "-378282246310005", "1700000000004", "1.5", "3e10", "0", "-0.25E-3",
                        "4.111111111111111E15"};
                b.append(numbers[random.nextInt(numbers.length)]);
                return;
            }
            default:
                b.append(random.nextBoolean() ? "true" : random.nextBoolean() ? "false" : "null");
        }
    }
}
