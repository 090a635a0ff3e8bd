package dev.agentguard.ssh;

import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.approval.InMemoryApprover;
import dev.agentguard.core.guard.Refusal;
import dev.agentguard.ssh.recording.Asciicast;
import dev.agentguard.junit.JournalAssert;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A command the policy refuses never reaches the host — proven by a server that records every
 * command it receives — whatever shape the agent gives it; the refusal names the rule and is
 * journaled.
 */
class DenialTest {

    @TempJournal
    Journal journal;
    @TempDir
    Path dir;

    private TestSshServer server;
    private GuardedSshClient client;

    @BeforeEach
    void start() throws Exception {
        server = new TestSshServer(dir.resolve("sftp"));
        client = SshFixture.client(SshFixture.target(server, dir).build(), TestPolicies.ops(), journal)
                .approvalTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    @Test
    void refusesADeniedCommandNamingTheRuleAndSendsNothing(JournalAssert audit) throws Exception {
        String sessionId;
        try (GuardedSshSession s = client.session("app1")) {
            sessionId = s.id();
            CommandDeniedException e = assertThrows(CommandDeniedException.class, () -> s.exec("cat /etc/shadow"));
            assertEquals(Refusal.DENIED_BY_POLICY, e.refusal());
            assertEquals("no-shadow", e.ruleId());
            assertTrue(e.getMessage().startsWith("denied by rule \"no-shadow\": "), e.getMessage());
            assertEquals("ok\n", s.exec("echo ok").stdout(), "the session goes on");
        }
        assertEquals(List.of("echo ok"), server.ranCommands());
        audit.filteredOn(e -> e.session(sessionId).phase(Phase.INTENT)).eventsInOrder(
                e -> e.action("cat /etc/shadow").decision(Decision.DENIED).rule("no-shadow").outcome(Outcome.FAILURE),
                e -> e.action("echo ok").decision(Decision.ALLOWED).rule("read-only-tools"));
        audit.hasNoEventMatching(e -> e.phase(Phase.OUTCOME).action("cat /etc/shadow"));
        audit.hasEventMatching(e -> e.action(SshGate.SESSION_CLOSE).count(GuardedSshSession.REFUSED, 1)
                .count(GuardedSshSession.ACTIONS, 1));
    }

    /**
     * A rule on a host holds however the target's host is written: the target keeps the one
     * spelling the policy's patterns are compared in (as HTTP requests do), so a loopback address
     * written as a short, a decimal or an IPv4-mapped form, or a name in capitals with the root's
     * trailing dot, meets the rule on 127.0.0.1 or localhost.
     */
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1", "2130706433", "[::ffff:127.0.0.1]", "::FFFF:7F00:1", "LOCALHOST."})
    void aRuleOnAHostHoldsHoweverTheTargetWritesIt(String spelling, JournalAssert audit) throws Exception {
        client.close();
        client = SshFixture.client(SshFixture.target(server, dir).host(spelling).build(), SshFixture.policy("""
                policy: loopback-locked
                version: 1
                default: allow
                rules:
                  - id: not-on-loopback
                    deny: { ssh: { hosts: ["127.0.0.1", "localhost"] } }
                """), journal).build();
        try (GuardedSshSession s = client.session("app1")) {
            CommandDeniedException e = assertThrows(CommandDeniedException.class, () -> s.exec("echo hi"));
            assertEquals("not-on-loopback", e.ruleId());
        }
        assertEquals(List.of(), server.ranCommands());
        audit.hasEventMatching(e -> e.phase(Phase.INTENT).action("echo hi").decision(Decision.DENIED)
                .rule("not-on-loopback"));
    }

    @Test
    void aTargetHostIsKeptInItsCanonicalSpellingAndAnAmbiguousOneIsRefused() {
        assertEquals("app1.example.com", SshFixture.target(server, dir).host(" App1.Example.COM. ").build().host());
        assertEquals("::1", SshFixture.target(server, dir).host("[0:0:0:0:0:0:0:1]").build().host());
        // 0177.0.0.1 is 127.0.0.1 to a C resolver and 177.0.0.1 to the JDK: no rule could know which.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SshFixture.target(server, dir).host("0177.0.0.1"));
        assertTrue(e.getMessage().startsWith("host \"0177.0.0.1\" is not allowed: SSH host is an IPv4 address with a"
                + " leading zero"), e.getMessage());
        assertFalse(e.getMessage().contains("HTTP"), e.getMessage());
        // The unspecified address is this machine to a connection, and no rule's host: refused in every form.
        for (String any : new String[] {"0.0.0.0", "0", "::", "[::]", "[0:0:0:0:0:0:0:0]"}) {
            IllegalArgumentException u = assertThrows(IllegalArgumentException.class,
                    () -> SshFixture.target(server, dir).host(any), any);
            assertTrue(u.getMessage().contains("SSH host is the unspecified address"), u.getMessage());
        }
    }

    @Test
    void opensNoChannelForACommandThePolicyDenies() throws Exception {
        try (GuardedSshSession s = client.session("app1")) {
            assertThrows(CommandDeniedException.class, () -> s.exec("cat /etc/shadow"));
            assertThrows(CommandDeniedException.class, () -> s.exec("rm -rf /tmp/x"));
            assertEquals(0, server.channelsOpened.get(), "a denied command reaches the host in no form");
            s.exec("echo ok");
            assertEquals(1, server.channelsOpened.get());
        }
        assertEquals(List.of("echo ok"), server.ranCommands());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "c''at /etc/shadow",
            "c\"a\"t /etc/shadow",
            "\\cat /etc/shadow",
            "/bin/cat /etc/shadow",
            "/bin/../bin/cat /etc/shadow",
            "cat /etc/./shadow",
            "cat /etc//shadow",
            "cat</etc/shadow",
            "true && cat /etc/shadow",
            "echo x | cat /etc/shadow",
            "echo ok; cat /etc/shadow",
            "{ cat /etc/shadow; }",
            "(cat /etc/shadow)",
            "echo $(cat /etc/shadow)",
            "echo `cat /etc/shadow`",
            "bash -c 'cat /etc/shadow'",
            "sh -c \"cat /etc/shadow\"",
            "sh <<EOF\ncat /etc/shadow\nEOF",
            "env cat /etc/shadow",
            "nice -n 5 cat /etc/shadow",
            "timeout 5 cat /etc/shadow",
            "xargs cat <<< /etc/shadow",
            "find /etc -name shadow -exec cat {} \\;",
            "cat /etc/sha*",
            "cat /etc/shado?",
            "X=/etc/shadow; cat $X",
            "$'\\x63at' /etc/shadow",
            "eval 'cat /etc/shadow'",
            "alias c=cat; c /etc/shadow",
            "python3 -c 'print(open(\"/etc/shadow\").read())'",
            "perl -e 'print `cat /etc/shadow`'",
            "$(echo rm) -rf /tmp/x",
            "`echo rm` -rf /",
            "rm -rf /tmp/x",
            "/bin/rm -rf /tmp/x",
            "echo ok\nrm -rf /tmp/x",
            "echo hacked > /etc/motd",
            "echo hacked >> /etc/cron.d/x",
            "tail -n 1 /etc/shadow 2>/dev/null",
            "grep root /etc/shadow",
            "echo 'unclosed",
            "ls\u0000/etc/shadow",
            "ssh other-host cat /etc/shadow",
            "frobnicate --now"})
    void refusesEveryShapeOfADeniedCommand(String command, JournalAssert audit) throws Exception {
        try (GuardedSshSession s = client.session("app1")) {
            CommandDeniedException e = assertThrows(CommandDeniedException.class, () -> s.exec(command));
            assertEquals(Refusal.DENIED_BY_POLICY, e.refusal());
        }
        assertEquals(List.of(), server.ranCommands(), "nothing reached the host");
        audit.hasExactly(1).eventsMatching(e -> e.phase(Phase.INTENT).channel(Channel.SSH).decision(Decision.DENIED));
        audit.hasNoEventMatching(e -> e.phase(Phase.OUTCOME));
    }

    @Test
    void refusesACommandWhoseApprovalIsRefusedAndRunsOneThatIsApproved(JournalAssert audit) throws Exception {
        CommandDeniedException e = assertThrows(CommandDeniedException.class,
                () -> client.exec("app1", "sudo systemctl restart app"));
        assertEquals(Refusal.APPROVAL_DENIED, e.refusal());
        assertEquals("sudo-needs-approval", e.ruleId());
        assertEquals(List.of(), server.ranCommands());

        try (GuardedSshClient approving = SshFixture.client(SshFixture.target(server, dir).build(),
                TestPolicies.ops(), journal).approver(InMemoryApprover.approveAll("oncall")).build()) {
            CommandResult r = approving.exec("app1", "sudo systemctl restart app");
            assertEquals(127, r.exitStatus(), "the test server has no sudo, but the command reached it");
        }
        assertEquals(List.of("sudo systemctl restart app"), server.ranCommands());
        audit.hasEventMatching(ev -> ev.phase(Phase.APPROVAL).decision(Decision.APPROVAL_REQUIRED)
                .rule("sudo-needs-approval"));
        audit.hasEventMatching(ev -> ev.phase(Phase.INTENT).decision(Decision.APPROVED).rule("sudo-needs-approval"));
    }

    @Test
    void sendsNothingWhenTheJournalCannotRecordTheIntent() throws Exception {
        GuardedSshSession s = client.session("app1");
        journal.close();
        SshJournalUnavailableException e = assertThrows(SshJournalUnavailableException.class,
                () -> s.exec("echo never"));
        assertTrue(e.getMessage().startsWith("the audit journal for SSH target \"app1\" cannot be written, so "
                + "nothing was sent (fail closed)"), e.getMessage());
        assertThrows(SshJournalUnavailableException.class, s::close, "its end cannot be journaled either");
        assertEquals(List.of(), server.ranCommands());
    }

    @Test
    void recordsTheRefusalInTheSessionRecording() throws Exception {
        GuardedSshSession s = client.session("app1");
        try {
            assertThrows(CommandDeniedException.class, () -> s.exec("cat /etc/shadow"));
        } finally {
            s.close();
        }
        Path recording = s.recording().file();
        String output = Asciicast.read(recording).output();
        assertTrue(output.contains("$ cat /etc/shadow\r\n[refused: denied by rule \"no-shadow\""), output);
    }

    @Test
    void journalsCredentialsInACommandLineHidden(JournalAssert audit) throws Exception {
        try (GuardedSshSession s = client.session("app1")) {
            assertThrows(CommandDeniedException.class,
                    () -> s.exec("curl -u admin:Sup3rS3cret https://user:pw1234@api.internal/x --token abc.def"));
        }
        audit.hasEventMatching(e -> e.phase(Phase.INTENT)
                .action("curl -u admin:*** https://user:***@api.internal/x --token ***"));
        assertFalse(audit.events().stream().anyMatch(e -> String.valueOf(e.action()).contains("Sup3rS3cret")));
    }
}
