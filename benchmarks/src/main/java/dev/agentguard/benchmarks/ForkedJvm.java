package dev.agentguard.benchmarks;

/**
 * The JVM flags every benchmark fork gets (through {@code @Fork(jvmArgsAppend = ...)}): the
 * Chronicle Queue flags the journal needs, no Chronicle disk monitor thread competing for the
 * two cores, and a fixed heap so heap resizing does not show up in the numbers. Public for the
 * benchmarks in sub-packages ({@code jdbc}).
 */
public final class ForkedJvm {
    public static final String OPEN_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    public static final String EXPORT_NIO = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    public static final String EXPORT_REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    public static final String NO_DISK_MONITOR = "-Dchronicle.disk.monitor.disable=true";
    public static final String NO_BANNER = "-Dchronicle.announcer.disable=true";
    public static final String HEAP_MIN = "-Xms1g";
    public static final String HEAP_MAX = "-Xmx1g";

    private ForkedJvm() {
    }
}
