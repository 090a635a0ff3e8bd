package dev.agentguard.core.identity;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import static dev.agentguard.core.identity.Refusals.assertRefused;
import static dev.agentguard.core.identity.TestIssuer.AGENT;
import static dev.agentguard.core.identity.TestIssuer.NOW;
import static dev.agentguard.core.identity.TestIssuer.RSA;
import static dev.agentguard.core.identity.TestIssuer.claims;
import static dev.agentguard.core.identity.TestIssuer.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Token sources verify each token once, follow rotation, and refuse once the token has expired. */
class TokenIdentitySourceTest {

    private final MutableClock clock = new MutableClock(NOW);
    private final CountingKeySource keys = new CountingKeySource(RSA);
    private final AgentTokenVerifier verifier = keys.verifier(clock).build();

    /** A token for {@code agent} issued at the clock's current time, valid for {@code lifetime}. */
    private String tokenFor(String agent, Duration lifetime) {
        Instant now = clock.instant();
        return token(claims().subject(agent).issueTime(Date.from(now)).expirationTime(Date.from(now.plus(lifetime)))
                .build());
    }

    @Test
    void verifiesAFixedTokenOnceForAnyNumberOfCalls() throws IdentityException {
        TokenIdentitySource source = TokenIdentitySource.fixed(verifier, token());

        AgentIdentity first = source.currentIdentity();
        for (int i = 0; i < 10_000; i++) {
            assertSame(first, source.currentIdentity());
        }

        assertEquals(1, keys.verifications());
    }

    @Test
    void verifiesNothingUntilTheFirstCall() {
        TokenIdentitySource.fixed(verifier, token());

        assertEquals(0, keys.verifications());
    }

    @Test
    void aFixedTokenRefusesForGoodOnceExpired() throws IdentityException {
        TokenIdentitySource source = TokenIdentitySource.fixed(verifier, token());
        source.currentIdentity();
        clock.advance(Duration.ofMinutes(11));

        assertRefused("the agent token of \"payments-bot\" has expired (accepted until 2030-01-01T00:11:00Z, clock "
                + "skew included); a fixed token cannot be renewed: build the source with TokenIdentitySource.file or "
                + "supplier", null, source::currentIdentity);
        assertEquals(1, keys.verifications());
    }

    @Test
    void aRefusedTokenIsRefusedOnEveryCallWithoutVerifyingItAgain() {
        String forever = token(claims().expirationTime(null).build());
        TokenIdentitySource source = TokenIdentitySource.fixed(verifier, forever);

        for (int i = 0; i < 3; i++) {
            assertRefused("agent token rejected: it has no expiry (exp); tokens without one are never accepted", forever,
                    source::currentIdentity);
        }

        assertEquals(1, keys.verifications());
    }

    @Test
    void anUnreachableKeySetIsTriedAgainOnTheNextCall() throws IdentityException {
        String token = token();
        TokenIdentitySource source = TokenIdentitySource.fixed(verifier, token);
        keys.failNext(1);

        assertRefused("agent token not verified: the configured key source could not be read (KeySourceException: "
                + "\"JWKS endpoint unreachable\"); the next call tries again", token, source::currentIdentity);

        assertEquals(AGENT, source.currentIdentity().agentId());
        assertEquals(2, keys.verifications());
    }

    @Test
    void aKeySourceThatThrowsUncheckedIsARefusalNotACrash() {
        AgentTokenVerifier broken = AgentTokenVerifier.builder().issuer(TestIssuer.ISSUER)
                .audience(TestIssuer.AUDIENCE).acceptedAlgorithms("RS256").clock(clock)
                .keySource((selector, context) -> {
                    throw new IllegalStateException("bug");
                }).build();

        assertRefused("agent token not verified: the verifier failed with java.lang.IllegalStateException", null,
                TokenIdentitySource.fixed(broken, token())::currentIdentity);
    }

    @Test
    void expiryMidSessionRefusesUntilTheSupplierHasAFreshToken() throws IdentityException {
        AtomicReference<String> held = new AtomicReference<>(tokenFor(AGENT, Duration.ofMinutes(5)));
        TokenIdentitySource source = TokenIdentitySource.supplier(verifier, held::get);
        assertEquals(AGENT, source.currentIdentity().agentId());

        clock.advance(Duration.ofMinutes(6).plusSeconds(1));
        assertRefused("the agent token of \"payments-bot\" has expired (accepted until 2030-01-01T00:06:00Z, clock "
                + "skew included); the token supplier must return a fresh token", null, source::currentIdentity);
        assertRefused("the agent token of \"payments-bot\" has expired (accepted until 2030-01-01T00:06:00Z, clock "
                + "skew included); the token supplier must return a fresh token", null, source::currentIdentity);

        held.set(tokenFor(AGENT, Duration.ofMinutes(5)));

        AgentIdentity renewed = source.currentIdentity();
        assertEquals(AGENT, renewed.agentId());
        assertEquals(Instant.parse("2030-01-01T00:12:01Z"), renewed.expiresAt());
        assertEquals(2, keys.verifications());
    }

    @Test
    void aSupplierIsAskedOnEveryCallButEachTokenIsVerifiedOnce() throws IdentityException {
        String one = tokenFor("agent-one", Duration.ofMinutes(5));
        String two = tokenFor("agent-two", Duration.ofMinutes(5));
        AtomicReference<String> held = new AtomicReference<>(one);
        TokenIdentitySource source = TokenIdentitySource.supplier(verifier, () -> new String(held.get()));

        for (int i = 0; i < 100; i++) {
            assertEquals("agent-one", source.currentIdentity().agentId());
        }
        held.set(two);
        for (int i = 0; i < 100; i++) {
            assertEquals("agent-two", source.currentIdentity().agentId());
        }

        assertEquals(2, keys.verifications());
    }

    @Test
    void aFailingSupplierIsNamedByClassOnly() {
        String token = token();
        TokenIdentitySource source = TokenIdentitySource.supplier(verifier, () -> {
            throw new IllegalStateException("vault answered 403 for token " + token);
        });

        assertRefused("the agent token supplier failed with java.lang.IllegalStateException", token,
                source::currentIdentity);
        assertRefused("the agent token supplier returned no token", null,
                TokenIdentitySource.supplier(verifier, () -> null)::currentIdentity);
    }

    @Test
    void aFailingSupplierDoesNotStopAStillValidIdentity() throws IdentityException {
        AtomicReference<String> held = new AtomicReference<>(token());
        TokenIdentitySource source = TokenIdentitySource.supplier(verifier, () -> {
            String token = held.get();
            if (token == null) {
                throw new IllegalStateException("token refresh failed");
            }
            return token;
        });
        source.currentIdentity();
        held.set(null);

        assertEquals(AGENT, source.currentIdentity().agentId());

        clock.advance(Duration.ofMinutes(11));
        assertRefused("the agent token supplier failed with java.lang.IllegalStateException", null,
                source::currentIdentity);
    }

    @Test
    void aFileIsReadOnceAndNotTouchedBetweenChecks(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, token() + "\n");
        TokenIdentitySource source = TokenIdentitySource.file(verifier, file, Duration.ofSeconds(5));
        assertEquals(AGENT, source.currentIdentity().agentId());

        Files.delete(file); // were the file looked at per call, the next calls would notice

        for (int i = 0; i < 100; i++) {
            assertEquals(AGENT, source.currentIdentity().agentId());
        }
        assertEquals(1, keys.verifications());
    }

    @Test
    void aRotatedFileIsPickedUpAtTheNextCheck(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, tokenFor("agent-one", Duration.ofMinutes(10)));
        TokenIdentitySource source = TokenIdentitySource.file(verifier, file, Duration.ofSeconds(5));
        assertEquals("agent-one", source.currentIdentity().agentId());

        // Rotated the way Kubernetes and most sidecars do it: write aside, then rename over.
        Path next = dir.resolve("token.next");
        Files.writeString(next, tokenFor("agent-two", Duration.ofMinutes(10)));
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        clock.advance(Duration.ofSeconds(4));
        assertEquals("agent-one", source.currentIdentity().agentId());
        clock.advance(Duration.ofSeconds(1));
        assertEquals("agent-two", source.currentIdentity().agentId());
        assertEquals(2, keys.verifications());
    }

    @Test
    void anUnchangedFileIsNotReadOrVerifiedAgain(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, token());
        TokenIdentitySource source = TokenIdentitySource.file(verifier, file, Duration.ofSeconds(1));

        for (int i = 0; i < 10; i++) {
            assertEquals(AGENT, source.currentIdentity().agentId());
            clock.advance(Duration.ofSeconds(1));
        }

        assertEquals(1, keys.verifications());
    }

    @Test
    void anExpiredTokenIsReplacedEvenIfTheRewriteKeptTheFilesSizeAndTime(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        String old = tokenFor(AGENT, Duration.ofMinutes(5));
        Files.writeString(file, old);
        FileTime written = Files.getLastModifiedTime(file);
        TokenIdentitySource source = TokenIdentitySource.file(verifier, file, Duration.ofSeconds(1));
        source.currentIdentity();

        clock.advance(Duration.ofMinutes(6).plusSeconds(1));
        String fresh = tokenFor(AGENT, Duration.ofMinutes(5));
        assertEquals(old.length(), fresh.length());
        Files.writeString(file, fresh); // in place, same size, and a coarse file system keeps the time
        Files.setLastModifiedTime(file, written);

        AgentIdentity renewed = source.currentIdentity();

        assertEquals(Instant.parse("2030-01-01T00:12:01Z"), renewed.expiresAt());
    }

    @Test
    void anExpiredFileTokenRefusesUntilAFreshOneIsWritten(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, tokenFor(AGENT, Duration.ofMinutes(5)));
        TokenIdentitySource source = TokenIdentitySource.file(verifier, file, Duration.ofSeconds(1));
        source.currentIdentity();
        clock.advance(Duration.ofMinutes(7));

        assertRefused("the agent token of \"payments-bot\" has expired (accepted until 2030-01-01T00:06:00Z, clock "
                + "skew included); write a fresh token to " + file, null, source::currentIdentity);

        Files.writeString(file, tokenFor(AGENT, Duration.ofMinutes(5)));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(AGENT, source.currentIdentity().agentId());
    }

    @Test
    void aFailedLookIsTheAnswerUntilTheNextCheck(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        TokenIdentitySource source = TokenIdentitySource.file(verifier, file, Duration.ofSeconds(1));
        String missing = "the agent token file " + file + " cannot be read (NoSuchFileException)";
        assertRefused(missing, null, source::currentIdentity);

        Files.writeString(file, token());
        assertRefused(missing, null, source::currentIdentity);

        clock.advance(Duration.ofSeconds(1));
        assertEquals(AGENT, source.currentIdentity().agentId());
    }

    @Test
    void manyThreadsReadAFreshTokenFileOnce(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, token());
        TokenIdentitySource source = TokenIdentitySource.file(verifier, file, Duration.ofSeconds(1));

        assertEquals(8 * 500, callFromManyThreads(source, 8, 500));
        assertEquals(1, keys.verifications());
    }

    @Test
    void aMissingOrEmptyFileIsRefusedWithItsPath(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");

        assertRefused("the agent token file " + file + " cannot be read (NoSuchFileException)", null,
                TokenIdentitySource.file(verifier, file)::currentIdentity);
        Files.writeString(file, "\n");
        assertRefused("the agent token file " + file + " is empty", null,
                TokenIdentitySource.file(verifier, file)::currentIdentity);
    }

    @Test
    void aFileMissingMidRotationDoesNotStopAStillValidIdentity(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, token());
        TokenIdentitySource source = TokenIdentitySource.file(verifier, file, Duration.ofSeconds(1));
        source.currentIdentity();
        Files.delete(file);
        clock.advance(Duration.ofSeconds(2));

        assertEquals(AGENT, source.currentIdentity().agentId());

        clock.advance(Duration.ofMinutes(11)); // past exp plus skew: the read error is the answer now
        assertRefused("the agent token file " + file + " cannot be read (NoSuchFileException)", null,
                source::currentIdentity);
    }

    @Test
    void aRewrittenBadTokenIsRefusedEvenWhileTheOldOneIsValid(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, token());
        TokenIdentitySource source = TokenIdentitySource.file(verifier, file, Duration.ofSeconds(1));
        source.currentIdentity();

        String other = token(claims().issuer("https://evil.example.com").build());
        Files.writeString(file, other + "   ");
        clock.advance(Duration.ofSeconds(1));

        assertRefused("agent token rejected: its issuer (iss) \"https://evil.example.com\" is not the accepted issuer "
                + "https://idp.example.com/realms/agents", other, source::currentIdentity);
    }

    @Test
    void anOversizedFileIsNotRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "x".repeat(AgentTokenVerifier.MAX_TOKEN_LENGTH + 3));

        assertRefused("the agent token file " + file + " holds 65539 bytes; a token is at most 65536 characters", null,
                TokenIdentitySource.file(verifier, file)::currentIdentity);
    }

    @Test
    void theCheckIntervalIsBounded(@TempDir Path dir) {
        assertEquals("checkEvery must be between 1 ms and 3600000 ms, got 0 ms: the file is looked at no more often "
                + "than that, so that the hot path does no file system call",
                assertThrows(IllegalArgumentException.class,
                        () -> TokenIdentitySource.file(verifier, dir.resolve("t"), Duration.ZERO)).getMessage());
    }

    @Test
    void manyThreadsVerifyAFreshTokenOnce() throws Exception {
        String token = token();
        TokenIdentitySource source = TokenIdentitySource.supplier(verifier, () -> token);

        assertEquals(8 * 2_000, callFromManyThreads(source, 8, 2_000));
        assertEquals(1, keys.verifications());
    }

    /** Starts {@code threads} threads together, each asking {@code calls} times; returns how many answers named the agent. */
    private static int callFromManyThreads(IdentitySource source, int threads, int calls) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Callable<Integer> caller = () -> {
                    start.await();
                    int answered = 0;
                    for (int i = 0; i < calls; i++) {
                        if (AGENT.equals(source.currentIdentity().agentId())) {
                            answered++;
                        }
                    }
                    return answered;
                };
                results.add(pool.submit(caller));
            }
            start.countDown();
            int answered = 0;
            for (Future<Integer> result : results) {
                answered += result.get();
            }
            return answered;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void describesItselfWithoutTheToken(@TempDir Path dir) {
        String token = token();

        String fixed = TokenIdentitySource.fixed(verifier, token).toString();
        String file = TokenIdentitySource.file(verifier, dir.resolve("token")).toString();

        assertEquals("TokenIdentitySource[fixed token, AgentTokenVerifier[issuer=https://idp.example.com/realms/agents, "
                + "algorithms=RS256, keys=the configured key source]]", fixed);
        assertEquals("TokenIdentitySource[token file " + dir.resolve("token") + " (checked every 1000 ms), "
                + "AgentTokenVerifier[issuer=https://idp.example.com/realms/agents, algorithms=RS256, keys=the "
                + "configured key source]]", file);
        assertFalse(fixed.contains(token.substring(0, 20)));
    }
}
