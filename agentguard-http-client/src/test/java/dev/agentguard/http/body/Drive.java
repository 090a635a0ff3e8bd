package dev.agentguard.http.body;

import dev.agentguard.core.masking.Masker;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Drives a masking handler over the JDK's body handlers and a custom one, returning the body the agent reads. */
enum Drive {
    STRING, BYTE_ARRAY, INPUT_STREAM, LINES, FILE, PUBLISHER, BUFFERING, CUSTOM;

    /** The body the agent's handler of this kind reads, decoded as {@code charset}. */
    String read(HttpResponse.ResponseInfo info, Flow.Publisher<List<ByteBuffer>> body, Masker masker,
                Reports reports, Charset charset) throws Exception {
        switch (this) {
            case STRING:
                return run(HttpResponse.BodyHandlers.ofString(charset), info, body, masker, reports);
            case BYTE_ARRAY:
                return new String(run(HttpResponse.BodyHandlers.ofByteArray(), info, body, masker, reports), charset);
            case INPUT_STREAM:
                try (InputStream in = run(HttpResponse.BodyHandlers.ofInputStream(), info, body, masker, reports)) {
                    return new String(in.readAllBytes(), charset);
                }
            case LINES:
                try (Stream<String> lines = run(HttpResponse.BodyHandlers.ofLines(), info, body, masker, reports)) {
                    return lines.collect(Collectors.joining("\n"));
                }
            case FILE: {
                Path file = Files.createTempFile("agentguard-body", ".bin");
                try {
                    Path written = run(HttpResponse.BodyHandlers.ofFile(file), info, body, masker, reports);
                    return Files.readString(written, charset);
                } finally {
                    Files.deleteIfExists(file);
                }
            }
            case PUBLISHER:
                return new String(collect(run(HttpResponse.BodyHandlers.ofPublisher(), info, body, masker, reports)),
                        charset);
            case BUFFERING:
                return run(HttpResponse.BodyHandlers.buffering(HttpResponse.BodyHandlers.ofString(charset), 5), info,
                        body, masker, reports);
            default:
                return new String(run(i -> new OneAtATime(), info, body, masker, reports), charset);
        }
    }

    /** Lines lose their line ends: compare against the body with "\r\n" and "\r" read as "\n" and no final line end. */
    boolean dropsLineEnds() {
        return this == LINES;
    }

    static <T> T run(HttpResponse.BodyHandler<T> handler, HttpResponse.ResponseInfo info,
                     Flow.Publisher<List<ByteBuffer>> body, Masker masker, Reports reports) throws Exception {
        return run(handler, info, body, masker, reports, BodyMaskingOptions.defaults());
    }

    static <T> T run(HttpResponse.BodyHandler<T> handler, HttpResponse.ResponseInfo info,
                     Flow.Publisher<List<ByteBuffer>> body, Masker masker, Reports reports, BodyMaskingOptions options)
            throws Exception {
        HttpResponse.BodySubscriber<T> subscriber = MaskingBodyHandler.of(handler, masker, reports, options).apply(info);
        body.subscribe(subscriber);
        try {
            return subscriber.getBody().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception) {
                throw (Exception) e.getCause();
            }
            throw e;
        }
    }

    static byte[] collect(Flow.Publisher<List<ByteBuffer>> publisher)
            throws InterruptedException, ExecutionException, TimeoutException {
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        publisher.subscribe(new Flow.Subscriber<>() {
            private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(List<ByteBuffer> item) {
                for (ByteBuffer b : item) {
                    byte[] a = new byte[b.remaining()];
                    b.get(a);
                    bytes.writeBytes(a);
                }
            }

            @Override
            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                done.complete(bytes.toByteArray());
            }
        });
        return done.get(20, TimeUnit.SECONDS);
    }

    /** A hand-written subscriber that asks for one item at a time and checks it never gets more. */
    static final class OneAtATime implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        private Flow.Subscription subscription;
        private long outstanding;

        @Override
        public java.util.concurrent.CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            outstanding = 1;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            if (--outstanding < 0) {
                body.completeExceptionally(new AssertionError("onNext without demand"));
            }
            for (ByteBuffer b : item) {
                byte[] a = new byte[b.remaining()];
                b.get(a);
                bytes.writeBytes(a);
            }
            outstanding++;
            subscription.request(1);
        }

        @Override
        public void onError(Throwable throwable) {
            body.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toByteArray());
        }
    }
}
