package dev.agentguard.benchmarks.http;

import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.benchmarks.ScratchDirectory;
import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.masking.MaskingRules;
import dev.agentguard.http.body.BodyReport;
import dev.agentguard.http.body.MaskingBodyHandler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The floor of a guarded request: the raw client plus only what the design requires of every
 * request — an INTENT event appended before it is sent, the body masked by
 * {@link MaskingBodyHandler} as it arrives, and an OUTCOME event appended at the body's end,
 * before the caller has it (a failed append fails the body, as in the guard). No policy, identity,
 * request copy or redirect handling: the least a guard can add under the design. One request at a
 * time.
 */
final class FloorClient implements AutoCloseable {
    private final ScratchDirectory directory;
    private final Journal journal;
    /** The request in flight, named in its OUTCOME event as in its INTENT event. */
    private volatile String action;
    /** Reads the body as a string, masked. */
    final HttpResponse.BodyHandler<String> string;
    /** Reads the body as bytes, masked. */
    final HttpResponse.BodyHandler<byte[]> bytes;

    private FloorClient(ScratchDirectory directory, Journal journal) {
        this.directory = directory;
        this.journal = journal;
        Masker masker = MaskingRules.defaults().masker();
        this.string = MaskingBodyHandler.of(HttpResponse.BodyHandlers.ofString(), masker, this::outcome);
        this.bytes = MaskingBodyHandler.of(HttpResponse.BodyHandlers.ofByteArray(), masker, this::outcome);
    }

    /** A floor journaling to a fresh journal in a scratch directory, which {@link #close} removes. */
    static FloorClient open() throws IOException, JournalException {
        ScratchDirectory directory = ScratchDirectory.create("agentguard-bench-http-floor-");
        try {
            return new FloorClient(directory, Journal.builder(directory.path()).minFreeSpace(1L << 30).open());
        } catch (JournalException | RuntimeException e) {
            directory.close();
            throw e;
        }
    }

    /** Sends {@code request} through {@code client} with the floor's work around it; returns the masked body. */
    <T> T send(HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException, JournalException {
        String a = "GET " + request.uri();
        action = a;
        journal.append(EventDraft.of(Phase.INTENT, Channel.HTTP).agent("bench-agent").session("s-1")
                .action(a).decision(Decision.ALLOWED, "api-reads"));
        return client.send(request, handler).body();
    }

    private void outcome(BodyReport report) {
        EventDraft outcome = EventDraft.of(Phase.OUTCOME, Channel.HTTP).agent("bench-agent").session("s-1")
                .action(action).count("bytes.received", report.bytesReceived());
        try {
            journal.append(report.completed() ? outcome.succeeded() : outcome.failed("the response body failed"));
        } catch (JournalException e) {
            throw new UncheckedIOException(new IOException(e)); // fails the body, as the guard does
        }
    }

    @Override
    public void close() throws Exception {
        try {
            journal.close();
        } finally {
            directory.close();
        }
    }
}
