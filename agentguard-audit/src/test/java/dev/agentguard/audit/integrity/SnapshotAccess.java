package dev.agentguard.audit.integrity;

import java.nio.file.Path;

/** Lets tests in other packages take a {@link Snapshot}. */
public final class SnapshotAccess {
    private SnapshotAccess() {
    }

    public static Object of(Path dir) throws Exception {
        return Snapshot.of(dir);
    }
}
