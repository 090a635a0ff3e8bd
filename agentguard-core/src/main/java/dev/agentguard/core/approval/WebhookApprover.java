package dev.agentguard.core.approval;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * Asks an approval service over HTTP: POSTs each {@link ApprovalRequest} as JSON
 * ({@link PendingApproval#toJson()}) to a configured URL and accepts the answer only as a compact
 * JWS signed by the service's key ({@link DecisionVerifier}). Asynchronous: the guard's approval
 * timeout bounds the wait, and cancelling the stage stops the exchange.
 *
 * <h2>The contract</h2>
 * <ul>
 *   <li>{@code 200} with the compact JWS as body ({@code application/jose}): the decision.</li>
 *   <li>{@code 202} with a {@code Location} on the same origin: the decision is not made yet; the
 *       approver GETs that location every poll interval until it answers {@code 200} with the JWS.</li>
 *   <li>Anything else fails the request ({@link ApprovalServiceException}: the status, never the body).</li>
 * </ul>
 * A token that does not verify, is for another request or action, or has expired fails the
 * request with {@link RejectedDecisionException}: the guard refuses the action and journals why.
 *
 * <p>The URL must be {@code https}, except on a loopback address (tests, a local sidecar): the
 * request is redacted, but which agent asks for what is still nobody else's business.
 */
public final class WebhookApprover implements Approver {

    private static final int MAX_BODY = DecisionVerifier.MAX_TOKEN_LENGTH + 1024;

    private final URI url;
    private final DecisionVerifier verifier;
    private final HttpClient client;
    private final Duration requestTimeout;
    private final Duration pollInterval;
    private final Clock clock;

    private WebhookApprover(Builder b) {
        this.url = b.url;
        this.verifier = b.verifier;
        this.client = b.client != null ? b.client : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.requestTimeout = b.requestTimeout;
        this.pollInterval = b.pollInterval;
        this.clock = b.clock;
    }

    /** Starts configuring an approver that posts to {@code url}. */
    public static Builder builder(URI url) {
        return new Builder(url);
    }

    @Override
    public CompletionStage<ApprovalDecision> request(ApprovalRequest request) {
        Objects.requireNonNull(request, "request");
        CompletableFuture<ApprovalDecision> result = new CompletableFuture<>();
        HttpRequest post = HttpRequest.newBuilder(url)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/jose, text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(PendingApproval.of(request, clock.instant()).toJson(),
                        StandardCharsets.UTF_8))
                .build();
        exchange(post, request, result);
        return result;
    }

    private void exchange(HttpRequest httpRequest, ApprovalRequest request, CompletableFuture<ApprovalDecision> result) {
        if (result.isDone()) {
            return; // the guard gave up (timeout): ask no more
        }
        CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(httpRequest, info -> bounded());
        // When the guard cancels, stop the exchange too.
        result.whenComplete((d, e) -> inFlight.cancel(true));
        inFlight.whenComplete((response, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                result.completeExceptionally(cause instanceof ApprovalServiceException ? cause
                        : new ApprovalServiceException("the approval service could not be reached ("
                        + cause.getClass().getSimpleName() + ")", cause));
                return;
            }
            try {
                handle(response, request, result);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
    }

    private void handle(HttpResponse<String> response, ApprovalRequest request,
                        CompletableFuture<ApprovalDecision> result) {
        int status = response.statusCode();
        if (status == 200) {
            try {
                result.complete(ApprovalDecision.of(verifier.verify(response.body(), request)));
            } catch (RejectedDecisionException e) {
                result.completeExceptionally(e);
            }
            return;
        }
        if (status == 202) {
            URI location;
            try {
                location = pollLocation(response);
            } catch (ApprovalServiceException e) {
                result.completeExceptionally(e);
                return;
            }
            HttpRequest poll = HttpRequest.newBuilder(location).timeout(requestTimeout)
                    .header("Accept", "application/jose, text/plain").GET().build();
            CompletableFuture.delayedExecutor(pollInterval.toNanos(), TimeUnit.NANOSECONDS)
                    .execute(() -> exchange(poll, request, result));
            return;
        }
        result.completeExceptionally(new ApprovalServiceException("the approval service answered HTTP " + status
                + "; expected 200 with a signed decision or 202 with a Location to poll"));
    }

    /** The 202's Location, on the webhook's own origin only: a decision is never fetched from elsewhere. */
    private URI pollLocation(HttpResponse<String> response) throws ApprovalServiceException {
        String header = response.headers().firstValue("Location").orElse(null);
        if (header == null) {
            throw new ApprovalServiceException("the approval service answered HTTP 202 without a Location to poll");
        }
        URI location;
        try {
            location = url.resolve(header);
        } catch (IllegalArgumentException e) {
            throw new ApprovalServiceException("the approval service's Location is not a URL");
        }
        if (!Objects.equals(location.getScheme(), url.getScheme()) || !Objects.equals(location.getHost(), url.getHost())
                || location.getPort() != url.getPort()) {
            throw new ApprovalServiceException("the approval service's Location points to another origin; decisions "
                    + "are only fetched from " + url.getScheme() + "://" + url.getAuthority());
        }
        return location;
    }

    /** A body of at most {@value #MAX_BODY} bytes as UTF-8 text; more fails the exchange. */
    private static HttpResponse.BodySubscriber<String> bounded() {
        return new HttpResponse.BodySubscriber<>() {
            private final CompletableFuture<String> body = new CompletableFuture<>();
            private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            private Flow.Subscription subscription;

            @Override
            public CompletionStage<String> getBody() {
                return body;
            }

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(List<ByteBuffer> items) {
                for (ByteBuffer b : items) {
                    if (bytes.size() + b.remaining() > MAX_BODY) {
                        subscription.cancel();
                        body.completeExceptionally(new ApprovalServiceException("the approval service's answer is "
                                + "larger than " + MAX_BODY + " bytes; a signed decision is a few hundred"));
                        return;
                    }
                    byte[] chunk = new byte[b.remaining()];
                    b.get(chunk);
                    bytes.write(chunk, 0, chunk.length);
                }
            }

            @Override
            public void onError(Throwable t) {
                body.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                body.complete(bytes.toString(StandardCharsets.UTF_8));
            }
        };
    }

    @Override
    public String toString() {
        // The path and query may carry a routing token: show the origin only.
        return "WebhookApprover[" + url.getScheme() + "://" + url.getAuthority() + ", " + verifier + "]";
    }

    /** Configures a {@link WebhookApprover}: the decision verifier is required. */
    public static final class Builder {
        private final URI url;
        private DecisionVerifier verifier;
        private HttpClient client;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration pollInterval = Duration.ofSeconds(2);
        private Clock clock = Clock.systemUTC();

        private Builder(URI url) {
            Objects.requireNonNull(url, "url");
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !(scheme.equals("http") && isLoopback(url.getHost()))) {
                throw new IllegalArgumentException("the approval webhook must be https (plain http only on a loopback "
                        + "address such as 127.0.0.1), got " + (scheme.isEmpty() ? "no scheme" : scheme + "://"
                        + url.getHost()));
            }
            if (url.getUserInfo() != null) {
                throw new IllegalArgumentException("the approval webhook URL must not carry credentials (user:password@)");
            }
            this.url = url;
        }

        /** Verifies the service's signed decisions: its keys and accepted algorithms. Required. */
        public Builder verifier(DecisionVerifier verifier) {
            this.verifier = Objects.requireNonNull(verifier, "verifier");
            return this;
        }

        /** The HTTP client; default a client of its own that never follows redirects. */
        public Builder httpClient(HttpClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /** How long one HTTP exchange may take, more than 0 and at most 10 minutes; default 30 seconds. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive("requestTimeout", timeout, Duration.ofMinutes(10));
            return this;
        }

        /** How often a 202's Location is polled, more than 0 and at most 1 minute; default 2 seconds. */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = positive("pollInterval", interval, Duration.ofMinutes(1));
            return this;
        }

        /** The clock for the request document's time; default the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The approver.
         *
         * @throws IllegalStateException when no verifier is set
         */
        public WebhookApprover build() {
            if (verifier == null) {
                throw new IllegalStateException("a webhook approver accepts signed decisions only: call "
                        + "verifier(DecisionVerifier.builder().keyFile(…).acceptedAlgorithms(…).build())");
            }
            return new WebhookApprover(this);
        }

        private static Duration positive(String what, Duration d, Duration max) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero() || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(what + " is " + d + "; allowed is more than 0 and at most " + max);
            }
            return d;
        }

        private static boolean isLoopback(String host) {
            if (host == null) {
                return false;
            }
            if (host.equalsIgnoreCase("localhost")) {
                return true;
            }
            // Literal addresses only: a name is not resolved here (no DNS lookup in a builder).
            if (!host.matches("[0-9.]+|\\[[0-9a-fA-F:.]+\\]")) {
                return false;
            }
            try {
                return InetAddress.getByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host)
                        .isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
    }
}
