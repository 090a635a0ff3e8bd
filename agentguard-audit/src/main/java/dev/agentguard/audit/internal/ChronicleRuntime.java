package dev.agentguard.audit.internal;

import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.audit.journal.RollCycle;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Everything AgentGuard needs to know about running Chronicle Queue, in one place. */
public final class ChronicleRuntime {
    /** The flags a JVM that embeds the journal needs (also in README.md and the jar manifests). */
    public static final String REQUIRED_FLAGS = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED "
            + "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";

    /** Chronicle's metadata file; its presence marks a directory as a queue. */
    public static final String METADATA_FILE = "metadata.cq4t";

    /** Suffix of Chronicle's cycle files. */
    public static final String CYCLE_SUFFIX = ".cq4";

    static {
        // Chronicle prints a banner with a marketing link at start-up; a library embedded in
        // someone else's service keeps quiet unless the user asked for it.
        if (System.getProperty("chronicle.announcer.disable") == null) {
            System.setProperty("chronicle.announcer.disable", "true");
        }
    }

    private ChronicleRuntime() {
    }

    /**
     * Fails with a one-line explanation when the JVM lacks the flags Chronicle Queue needs,
     * instead of letting Chronicle fail later with an {@code ExceptionInInitializerError}.
     */
    public static void requireJvmFlags() throws JournalException {
        Module chronicle;
        try {
            // Loaded without initialising: initialisation is what fails without the flags.
            chronicle = Class.forName("net.openhft.chronicle.core.Jvm", false,
                    ChronicleRuntime.class.getClassLoader()).getModule();
        } catch (ClassNotFoundException e) {
            throw new JournalException("Chronicle Queue (net.openhft:chronicle-core) is not on the class path; "
                    + "add the agentguard-audit dependency with its transitive dependencies");
        }
        Module base = Object.class.getModule();
        boolean ok = base.isOpen("java.lang.reflect", chronicle)
                && base.isExported("sun.nio.ch", chronicle)
                && base.isExported("jdk.internal.ref", chronicle);
        if (!ok) {
            throw new JournalException("the AgentGuard journal (Chronicle Queue) needs these JVM flags: "
                    + REQUIRED_FLAGS + " (add them to the java command line or JDK_JAVA_OPTIONS; see README.md)");
        }
    }

    /** Opens (and for writers creates) the queue in {@code dir}. */
    public static SingleChronicleQueue open(Path dir, RollCycle cycle, Clock clock, boolean readOnly) {
        SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir)
                .rollCycle(toChronicle(cycle))
                .timeProvider(timeProvider(clock))
                .readOnly(readOnly)
                // A writer killed mid-write leaves a locked, incomplete entry; the next writer
                // recovers it after this long rather than Chronicle's 10 s default.
                .timeoutMS(2_000)
                .build();
        // Chronicle caches the first and last cycle in its metadata; files deleted or added
        // since (retention, or someone tampering) must be seen as they are on disk now.
        queue.refreshDirectoryListing();
        return queue;
    }

    /**
     * The roll cycle the journal in {@code dir} was written with, told by the names of its
     * cycle files, so that readers open it as written (Chronicle otherwise warns that it
     * overrides the reader's choice). DAILY when there are no cycle files yet.
     */
    public static RollCycle detectRollCycle(Path dir) {
        for (RollCycle candidate : RollCycle.values()) {
            if (!cyclesOnDisk(dir, toChronicle(candidate)).isEmpty()) {
                return candidate;
            }
        }
        return RollCycle.DAILY;
    }

    /** True when {@code dir} holds a Chronicle queue. */
    public static boolean isQueue(Path dir) {
        return Files.isRegularFile(dir.resolve(METADATA_FILE));
    }

    /** The Chronicle roll cycle behind ours. */
    public static net.openhft.chronicle.queue.RollCycle toChronicle(RollCycle cycle) {
        return switch (cycle) {
            case WEEKLY -> RollCycles.WEEKLY;
            case DAILY -> RollCycles.FAST_DAILY;
            case HOURLY -> RollCycles.FAST_HOURLY;
            case FIVE_MINUTES -> RollCycles.FIVE_MINUTELY;
        };
    }

    /** The file name Chronicle gives the cycle {@code cycle} of {@code rollCycle}. */
    public static String fileName(net.openhft.chronicle.queue.RollCycle rollCycle, int cycle) {
        long millis = (long) cycle * rollCycle.lengthInMillis();
        return DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC)
                .format(Instant.ofEpochMilli(millis)) + CYCLE_SUFFIX;
    }

    /**
     * The cycles that have a file in {@code dir}, read from the directory itself (Chronicle's
     * cached listing goes stale when files are removed by hand).
     */
    public static java.util.NavigableSet<Integer> cyclesOnDisk(Path dir, net.openhft.chronicle.queue.RollCycle rollCycle) {
        java.util.TreeSet<Integer> cycles = new java.util.TreeSet<>();
        // Week-based names (WEEKLY) carry no day: default it, then let the exact name decide
        // between the neighbouring cycles.
        java.time.format.DateTimeFormatterBuilder fb = new java.time.format.DateTimeFormatterBuilder()
                .appendPattern(rollCycle.format());
        if (rollCycle.format().contains("w")) {
            fb.parseDefaulting(java.time.temporal.WeekFields.ISO.dayOfWeek(), 1);
        }
        DateTimeFormatter fmt = fb.toFormatter().withZone(ZoneOffset.UTC);
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (!name.endsWith(CYCLE_SUFFIX)) {
                    continue;
                }
                String stem = name.substring(0, name.length() - CYCLE_SUFFIX.length());
                try {
                    java.time.temporal.TemporalAccessor t = fmt.parse(stem);
                    long millis = t.isSupported(java.time.temporal.ChronoField.HOUR_OF_DAY)
                            ? java.time.LocalDateTime.from(t).toInstant(ZoneOffset.UTC).toEpochMilli()
                            : java.time.LocalDate.from(t).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
                    int guess = (int) Math.floorDiv(millis, (long) rollCycle.lengthInMillis());
                    for (int cycle = guess - 1; cycle <= guess + 1; cycle++) {
                        if (fileName(rollCycle, cycle).equals(name)) {
                            cycles.add(cycle);
                            break;
                        }
                    }
                } catch (RuntimeException notACycleFile) {
                    // Not named like one of this queue's cycles: not ours to read.
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return cycles;
    }

    /** Describes a Chronicle index as "FILE entry N" for messages. */
    public static String describe(net.openhft.chronicle.queue.RollCycle rollCycle, long index) {
        return fileName(rollCycle, rollCycle.toCycle(index)) + " entry " + rollCycle.toSequenceNumber(index);
    }

    private static TimeProvider timeProvider(Clock clock) {
        return new TimeProvider() {
            @Override
            public long currentTimeMillis() {
                return clock.millis();
            }

            @Override
            public long currentTimeMicros() {
                Instant now = clock.instant();
                return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
            }

            @Override
            public long currentTimeNanos() {
                Instant now = clock.instant();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }
        };
    }
}
