package dev.agentguard.ship.testing;

import dev.agentguard.audit.internal.ChronicleRuntime;
import dev.agentguard.audit.internal.EntryCursor;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The stored entries (encoding + hash) of a journal, as the shipper puts them in records. */
public final class StoredEntries {
    private StoredEntries() {
    }

    public static List<byte[]> of(Path dir) throws Exception {
        List<byte[]> out = new ArrayList<>();
        try (SingleChronicleQueue q = ChronicleRuntime.open(dir, ChronicleRuntime.detectRollCycle(dir), Clock.systemUTC(), true);
             EntryCursor c = new EntryCursor(q)) {
            while (c.next()) {
                out.add(Arrays.copyOf(c.buffer(), c.length()));
            }
        }
        return out;
    }
}
