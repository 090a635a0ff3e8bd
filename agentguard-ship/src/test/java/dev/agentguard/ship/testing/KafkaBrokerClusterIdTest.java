package dev.agentguard.ship.testing;

import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The test broker's cluster ids must be accepted by Kafka's storage tool every time, not 63 times in 64. */
class KafkaBrokerClusterIdTest {
    @Test
    void clusterIdsAreUrlSafeUuidsThatNeverStartWithADash() {
        // Without the redraw, 10,000 ids would include one starting with '-' with near certainty.
        for (int i = 0; i < 10_000; i++) {
            String id = KafkaBroker.clusterId();
            assertEquals(22, id.length(), id);
            assertFalse(id.startsWith("-"), id);
            assertEquals(16, Base64.getUrlDecoder().decode(id).length, id);
        }
    }
}
