package dev.agentguard.benchmarks.http;

import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.benchmarks.PairedRun;
import dev.agentguard.benchmarks.ScratchDirectory;
import dev.agentguard.benchmarks.ServerProcess;
import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.masking.MaskingRules;
import dev.agentguard.http.body.MaskingBodyHandler;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * Where the guarded small GET's added time goes: one step of the guard at a time, added to the
 * raw JDK client's small GET and timed against it in alternating pairs ({@link PairedRun}), in
 * one JVM, over one client and one connection, the server in a JVM of its own. Each step is one
 * run (a JVM) of its own:
 * <ul>
 *   <li>{@code copy}: the request copied as the guard sends it ({@code HttpRequest.newBuilder(request,
 *       filter)}, {@code Accept-Encoding: identity});</li>
 *   <li>{@code journal}: an intent event appended before the request and an outcome event after
 *       it, to a real journal;</li>
 *   <li>{@code journal-pool}: as {@code journal}, the outcome appended on the client's thread that
 *       ends the body (in a {@code mapping} subscriber's finisher);</li>
 *   <li>{@code mapping}: that {@code mapping} subscriber alone, for the difference;</li>
 *   <li>{@code mask}: the body read through {@link MaskingBodyHandler} (the default detectors), on
 *       the client's thread as it arrives;</li>
 *   <li>{@code mask-caller}: the body gathered by {@code ofByteArray}, then masked through the same
 *       handler on the calling thread;</li>
 *   <li>{@code guarded}: all of the guard ({@link dev.agentguard.http.GuardedHttpClient} over the
 *       same client);</li>
 *   <li>{@code guarded-only}: the guarded small GET against itself, for its time in a JVM that
 *       makes no raw calls;</li>
 *   <li>{@code floor-only}: the floor ({@link FloorClient}: an INTENT append, the body masked as
 *       it arrives, an OUTCOME append at its end) against itself;</li>
 *   <li>{@code raw}: the raw small GET against itself, in a JVM that makes no guarded call (the
 *       guarded client and the journal are open, idle);</li>
 *   <li>{@code raw-after-guarded}: the same, after as many guarded requests as there are warm-up
 *       pairs: what the guard having run in the JVM does to the raw client's own calls;</li>
 *   <li>{@code burn}: 3 µs of busy waiting before the request — what 3 µs of the guard's CPU
 *       costs on this round trip, for scale.</li>
 * </ul>
 * <pre>
 * java --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED \
 *      --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED -Dchronicle.disk.monitor.disable=true -Xms1g -Xmx1g \
 *      -cp benchmarks/target/benchmarks.jar dev.agentguard.benchmarks.http.SmallGetSteps STEP [warm-up pairs] [pairs]
 * </pre>
 * Defaults: 20,000 warm-up pairs, 40,000 measured pairs (about 15 seconds).
 */
public final class SmallGetSteps {

    private static final String ACTION = "GET http://127.0.0.1/small";
    private static final String STEPS =
            "copy, journal, journal-pool, mapping, mask, mask-caller, guarded, guarded-only, floor-only, raw, raw-after-guarded or burn";
    /** The upstream of a body handed in whole: there is nothing more to ask for or cancel. */
    private static final Flow.Subscription NO_UPSTREAM = new Flow.Subscription() {
        @Override
        public void request(long n) {
        }

        @Override
        public void cancel() {
        }
    };

    /** A received response as a body handler is told about it. */
    private record Info(int statusCode, HttpHeaders headers, HttpClient.Version version)
            implements HttpResponse.ResponseInfo {
        Info(HttpResponse<?> r) {
            this(r.statusCode(), r.headers(), r.version());
        }
    }

    private SmallGetSteps() {
    }

    public static void main(String[] args) {
        PairedRun.exitAfter(() -> steps(args));
    }

    private static void steps(String[] args) throws Exception {
        if (args.length < 1) {
            throw new IllegalArgumentException("name a step: " + STEPS);
        }
        String step = args[0];
        int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 40_000;
        try (ServerProcess server = ApiServer.startInOwnJvm();
             ScratchDirectory scratch = ScratchDirectory.create("agentguard-bench-steps-")) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest small = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.details() + "/small"))
                    .build();
            HttpResponse.BodyHandler<String> asString = HttpResponse.BodyHandlers.ofString();
            try (Journal journal = Journal.builder(scratch.path().resolve("journal")).open();
                 BenchClient guarded = BenchClient.open("guarded", client, "agentguard-bench-steps-");
                 FloorClient floor = FloorClient.open()) {
                PairedRun.Operation raw = () -> client.send(small, asString).body();
                PairedRun.Operation withStep = switch (step) {
                    case "copy" -> () -> client.send(HttpRequest.newBuilder(small, (name, value) -> true)
                            .uri(small.uri()).GET().setHeader("Accept-Encoding", "identity").build(), asString).body();
                    case "journal" -> () -> {
                        appendIntent(journal);
                        client.send(small, asString).body();
                        appendOutcome(journal);
                    };
                    case "journal-pool" -> {
                        // The outcome appended where the guard appends it: on the client's thread, at the body's end.
                        HttpResponse.BodyHandler<String> journaled = info -> HttpResponse.BodySubscribers.mapping(
                                HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8), body -> {
                                    try {
                                        appendOutcome(journal);
                                    } catch (JournalException e) {
                                        throw new IllegalStateException(e);
                                    }
                                    return body;
                                });
                        yield () -> {
                            appendIntent(journal);
                            client.send(small, journaled).body();
                        };
                    }
                    case "mapping" -> {
                        HttpResponse.BodyHandler<String> mapped = info -> HttpResponse.BodySubscribers.mapping(
                                HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8), body -> body);
                        yield () -> client.send(small, mapped).body();
                    }
                    case "mask-caller" -> {
                        Masker masker = MaskingRules.defaults().masker();
                        MaskingBodyHandler<String> masked = MaskingBodyHandler.of(asString, masker, report -> { });
                        HttpResponse.BodyHandler<byte[]> bytes = HttpResponse.BodyHandlers.ofByteArray();
                        yield () -> {
                            HttpResponse<byte[]> r = client.send(small, bytes);
                            HttpResponse.BodySubscriber<String> s = masked.apply(new Info(r));
                            s.onSubscribe(NO_UPSTREAM);
                            s.onNext(List.of(ByteBuffer.wrap(r.body())));
                            s.onComplete();
                            s.getBody().toCompletableFuture().join();
                        };
                    }
                    case "mask" -> {
                        Masker masker = MaskingRules.defaults().masker();
                        MaskingBodyHandler<String> masked = MaskingBodyHandler.of(asString, masker, report -> { });
                        yield () -> client.send(small, masked).body();
                    }
                    case "guarded", "guarded-only" -> () -> guarded.client().send(small, asString).body();
                    case "raw" -> raw;
                    case "floor-only" -> () -> floor.send(client, small, floor.string);
                    case "raw-after-guarded" -> {
                        for (int i = 0; i < warmUp; i++) {
                            guarded.client().send(small, asString).body();
                        }
                        yield raw;
                    }
                    case "burn" -> () -> {
                        long until = System.nanoTime() + 3_000;
                        while (System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                        client.send(small, asString).body();
                    };
                    default -> throw new IllegalArgumentException("no step \"" + step
                            + "\": name " + STEPS);
                };
                // These time a call against itself: PairedRun's "raw" and "guarded" columns are both that call.
                boolean againstItself = step.endsWith("-only") || step.startsWith("raw");
                System.out.println("step " + step + (againstItself ? " against itself" : " against the raw small GET"));
                PairedRun.run(step.endsWith("-only") ? withStep : raw, withStep, warmUp, pairs);
            }
        }
    }

    private static void appendIntent(Journal journal) throws JournalException {
        journal.append(EventDraft.of(Phase.INTENT, Channel.HTTP).agent("bench-agent").session("s-1")
                .action(ACTION).decision(Decision.ALLOWED, "api-reads"));
    }

    private static void appendOutcome(Journal journal) throws JournalException {
        journal.append(EventDraft.of(Phase.OUTCOME, Channel.HTTP).agent("bench-agent").session("s-1")
                .action(ACTION).succeeded().count("http.status", 200));
    }
}
