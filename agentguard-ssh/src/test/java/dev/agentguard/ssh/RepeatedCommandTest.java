package dev.agentguard.ssh;

import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.junit.JournalAssert;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A command line run again is prepared once per client, but decided for the policy and the agent
 * of each run, and journaled every time: a kept line never carries one policy's or one agent's
 * verdict over to another.
 */
class RepeatedCommandTest {

    /** df for the ops role only. */
    private static final Policy OPS_ONLY = SshFixture.policy("""
            policy: ops-only
            version: 1
            default: deny
            rules:
              - id: ops-df
                agents: { roles: [ops] }
                allow: { ssh: { programs: [df, echo] } }
            """);

    /** df for nobody. */
    private static final Policy NO_DF = SshFixture.policy("""
            policy: no-df
            version: 1
            default: deny
            rules:
              - id: echo-only
                allow: { ssh: { programs: [echo] } }
            """);

    @TempJournal
    Journal journal;
    @TempDir
    Path dir;

    private TestSshServer server;
    private final AtomicReference<AgentIdentity> who = new AtomicReference<>();
    private GuardedSshClient opsOnly;
    private GuardedSshClient noDf;

    @BeforeEach
    void start() throws Exception {
        server = new TestSshServer(dir.resolve("sftp"));
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        opsOnly = GuardedSshClient.builder().target(SshFixture.target(server, dir.resolve("a")).build())
                .identity(who::get).policy(OPS_ONLY).journal(journal).build();
        noDf = SshFixture.client(SshFixture.target(server, dir.resolve("b")).build(), NO_DF, journal).build();
    }

    @AfterEach
    void stop() throws Exception {
        opsOnly.close();
        noDf.close();
        server.close();
    }

    @Test
    void theSameLineIsDecidedByEachClientsPolicy() throws Exception {
        try (GuardedSshSession allowed = sessionAs(AgentIdentity.of("ops-agent", "ops"));
             GuardedSshSession denied = noDf.session("app1")) {
            for (int i = 0; i < 3; i++) {
                assertEquals(0, allowed.exec("df -h").exitStatus());
                CommandDeniedException e = assertThrows(CommandDeniedException.class, () -> denied.exec("df -h"));
                assertEquals("default", e.ruleId());
            }
        }
        assertEquals(List.of("df -h", "df -h", "df -h"), server.ranCommands());
    }

    @Test
    void theSameLineIsDecidedForEachAgent(JournalAssert audit) throws Exception {
        try (GuardedSshSession ops = sessionAs(AgentIdentity.of("ops-agent", "ops"));
             GuardedSshSession guest = sessionAs(AgentIdentity.of("guest-agent", "guest"))) {
            for (int i = 0; i < 3; i++) {
                assertEquals(0, ops.exec("df -h").exitStatus());
                assertThrows(CommandDeniedException.class, () -> guest.exec("df -h"));
            }
            assertEquals(1, opsOnly.gate().commands().size(), "one line kept for both agents");
        }
        assertEquals(List.of("df -h", "df -h", "df -h"), server.ranCommands());
        audit.filteredOn(e -> e.phase(Phase.INTENT).action("df -h")).eventsInOrder(
                e -> e.agent("ops-agent").decision(Decision.ALLOWED).rule("ops-df"),
                e -> e.agent("guest-agent").decision(Decision.DENIED).rule("default"),
                e -> e.agent("ops-agent").decision(Decision.ALLOWED).rule("ops-df"),
                e -> e.agent("guest-agent").decision(Decision.DENIED).rule("default"),
                e -> e.agent("ops-agent").decision(Decision.ALLOWED).rule("ops-df"),
                e -> e.agent("guest-agent").decision(Decision.DENIED).rule("default"));
        audit.hasExactly(3).eventsMatching(e -> e.phase(Phase.INTENT).action("df -h").agent("ops-agent")
                .decision(Decision.ALLOWED));
        audit.hasExactly(3).eventsMatching(e -> e.phase(Phase.INTENT).action("df -h").agent("guest-agent")
                .decision(Decision.DENIED));
        audit.hasExactly(3).eventsMatching(e -> e.phase(Phase.OUTCOME).action("df -h"));
    }

    @Test
    void everyRunOfAKeptLineIsJournaledInItsOwnContext(JournalAssert audit) throws Exception {
        String first;
        String second;
        try (GuardedSshSession a = sessionAs(AgentIdentity.of("ops-agent", "ops"));
             GuardedSshSession b = sessionAs(AgentIdentity.of("ops-agent", "ops"))) {
            first = a.id();
            second = b.id();
            a.exec("echo one");
            b.exec("echo one");
            a.intent("checking the echo");
            a.exec("echo one");
        }
        audit.filteredOn(e -> e.phase(Phase.INTENT).action("echo one")).eventsInOrder(
                e -> e.session(first),
                e -> e.session(second),
                e -> e.session(first).intent("checking the echo"));
        audit.hasExactly(3).eventsMatching(e -> e.phase(Phase.OUTCOME).action("echo one"));
    }

    private GuardedSshSession sessionAs(AgentIdentity identity) throws Exception {
        who.set(identity);
        return opsOnly.session("app1");
    }
}
