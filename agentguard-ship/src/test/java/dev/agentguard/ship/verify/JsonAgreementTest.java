package dev.agentguard.ship.verify;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** How a record's JSON is held against the JSON of the event it carries. */
class JsonAgreementTest {
    private static final String EVENT = "{\"formatVersion\":1,\"eventId\":\"3f9a0c1b2d4e-4\",\"sequence\":4,"
            + "\"phase\":\"INTENT\",\"action\":\"DELETE FROM cards\",\"decision\":\"DENIED\",\"counts\":{\"rows\":3},"
            + "\"objects\":[\"PUBLIC.CARDS\"],\"hash\":\"ab\"}";

    @Test
    void theSameJsonAgrees() {
        assertNull(JsonAgreement.disagreement(EVENT, EVENT));
    }

    @Test
    void fieldOrderAndSpacingDoNotMatter() {
        String reordered = "{ \"sequence\": 4, \"formatVersion\": 1, \"eventId\": \"3f9a0c1b2d4e-4\", \"phase\": \"INTENT\","
                + " \"decision\": \"DENIED\", \"action\": \"DELETE FROM cards\", \"counts\": {\"rows\": 3.0},"
                + " \"objects\": [\"PUBLIC.CARDS\"], \"hash\": \"ab\" }";
        assertNull(JsonAgreement.disagreement(reordered, EVENT));
    }

    @Test
    void aChangedValueIsNamed() {
        assertEquals("field 'decision' differs",
                JsonAgreement.disagreement(EVENT.replace("\"DENIED\"", "\"ALLOWED\""), EVENT));
        assertEquals("field 'counts' differs", JsonAgreement.disagreement(EVENT.replace("3}", "0}"), EVENT));
    }

    @Test
    void aDroppedFieldIsNamed() {
        assertEquals("field 'decision' is missing",
                JsonAgreement.disagreement(EVENT.replace(",\"decision\":\"DENIED\"", ""), EVENT));
    }

    @Test
    void anAddedFieldIsNamed() {
        assertEquals("field 'approvedBy' is not in the event",
                JsonAgreement.disagreement(EVENT.replace("{\"formatVersion\"", "{\"approvedBy\":\"bob\",\"formatVersion\""), EVENT));
    }

    @Test
    void aFieldTwiceIsNotOneObject() {
        assertEquals("it is not one JSON object (field 'decision' twice)",
                JsonAgreement.disagreement(EVENT.replace("}", ",\"decision\":\"ALLOWED\"}").replace("3,\"decision\":\"ALLOWED\"}", "3}"), EVENT));
        assertEquals("it is not one JSON object (text after the object)", JsonAgreement.disagreement(EVENT + " {}", EVENT));
    }

    @Test
    void aFieldANewerVersionAddsMayBeAbsentFromAnOlderRecord() {
        String newer = EVENT.replace("\"hash\":\"ab\"}", "\"hash\":\"ab\",\"outcomeOf\":\"3f9a0c1b2d4e-3\"}");
        assertNull(JsonAgreement.disagreement(EVENT, newer));
        assertEquals("field 'outcomeOf' differs", JsonAgreement.disagreement(
                newer.replace("3f9a0c1b2d4e-3\"}", "3f9a0c1b2d4e-2\"}"), newer));
    }
}
