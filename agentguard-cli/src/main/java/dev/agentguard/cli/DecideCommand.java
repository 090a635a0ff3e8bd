package dev.agentguard.cli;

import dev.agentguard.core.approval.DecisionClaims;
import dev.agentguard.core.approval.DecisionSigner;
import dev.agentguard.core.approval.DirectoryApprover;
import dev.agentguard.core.approval.PendingApproval;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code approvals approve} and {@code approvals deny}: sign a decision on one pending request
 * with the operator's key and hand it to the waiting agent. The guard checks everything again
 * (signature, request, action, expiry, self-approval, groups); the checks here only spare an
 * operator a decision the guard would refuse.
 */
abstract class DecideCommand extends ToolCommand {
    private static final Pattern SHORT_DURATION = Pattern.compile("([0-9]{1,6})([smh])");

    @Parameters(index = "0", paramLabel = "DIR", description = "The approvals directory.")
    Path directory;

    @Parameters(index = "1", paramLabel = "ID", description = "The request id, as 'agentguard approvals list' shows it.")
    String requestId;

    @Option(names = "--key", paramLabel = "KEYFILE", required = true,
            description = "Your signing key file (PRIVATE KEY and PUBLIC KEY PEM blocks, Ed25519 or EC), e.g. "
                    + "checkpoint-signing.pem from 'agentguard keys generate'; the agent trusts its public key.")
    Path key;

    @Option(names = "--as", paramLabel = "NAME", required = true,
            description = "Who decides: your identity, journaled as the approver.")
    String approver;

    @Option(names = "--reason", paramLabel = "TEXT", required = true,
            description = "Why: the justification of an approval or the reason for a refusal; journaled.")
    String reason;

    @Option(names = "--group", paramLabel = "GROUP",
            description = "A group you decide as a member of (repeatable); rules with approver groups count only "
                    + "their members.")
    List<String> groups;

    @Option(names = "--valid-for", paramLabel = "DURATION", defaultValue = "10m",
            description = "How long the agent may take to pick the decision up: 90s, 10m, 1h (at most 24h); "
                    + "default ${DEFAULT-VALUE}.")
    String validFor;

    /** Whether this command approves (else it refuses). */
    abstract boolean approves();

    @Override
    int run() throws Exception {
        if (approver.isBlank() || approver.length() > 200) {
            throw new InputException("--as must name you in 1 to 200 characters");
        }
        if (reason.isBlank() || reason.length() > 2000) {
            throw new InputException("--reason must say why in 1 to 2000 characters");
        }
        Duration valid = duration(validFor);
        PendingApproval p = DirectoryApprover.pending(directory, requestId);
        Instant now = Clock.systemUTC().instant();
        if (p.deadline() != null && !now.isBefore(p.deadline())) {
            throw new InputException("request " + p.requestId() + " expired at " + p.deadline()
                    + ": the agent no longer waits for it");
        }
        Set<String> memberOf = new LinkedHashSet<>(groups == null ? List.of() : groups);
        if (approves()) {
            refuseWhatTheGuardWouldRefuse(p, memberOf);
        }
        DecisionSigner signer = DecisionSigner.fromPemFile(key);
        String token = signer.sign(DecisionClaims.of(approves(), p.requestId(), p.actionHash(), approver.strip(),
                reason.strip(), now, valid).withGroups(memberOf).withTokenId("dec-" + UUID.randomUUID()));
        Path file = DirectoryApprover.submitDecision(directory, p, token);
        if (json()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("requestId", p.requestId());
            o.put("decision", approves() ? "approved" : "denied");
            o.put("approver", approver.strip());
            o.put("approval", p.round());
            o.put("approvalsNeeded", p.approvalsNeeded());
            o.put("keyId", signer.keyId());
            o.put("file", file.toAbsolutePath().toString());
            out().println(Json.object(o));
        } else {
            out().println((approves() ? "Approved " : "Denied ") + p.requestId() + " as " + SafeText.escape(approver.strip())
                    + (approves() ? " (approval " + p.round() + " of " + p.approvalsNeeded() + ")" : "")
                    + ", signed with key " + signer.keyId());
            out().println("The agent picks the decision up from " + file.toAbsolutePath() + " at its next poll.");
        }
        return ExitCodes.OK;
    }

    private void refuseWhatTheGuardWouldRefuse(PendingApproval p, Set<String> memberOf) throws InputException {
        String me = approver.strip();
        if (me.equalsIgnoreCase(p.agentId())) {
            throw new InputException(SafeText.escape(me) + " is the agent that asks; nobody approves their own "
                    + "action, and the guard would refuse it");
        }
        if (p.onBehalfOf() != null && me.equalsIgnoreCase(p.onBehalfOf())) {
            throw new InputException(SafeText.escape(me) + " is the person the agent acts for; nobody approves their "
                    + "own action, and the guard would refuse it");
        }
        for (String earlier : p.approvedBy()) {
            if (earlier.equalsIgnoreCase(me)) {
                throw new InputException(SafeText.escape(me) + " already approved request " + p.requestId()
                        + "; it needs " + p.approvalsNeeded() + " different approvers");
            }
        }
        if (!p.approverGroups().isEmpty() && memberOf.stream().noneMatch(p.approverGroups()::contains)) {
            throw new InputException("rule " + SafeText.escape(p.ruleId()) + " counts only approvers from "
                    + SafeText.escape(String.join(", ", p.approverGroups())) + "; pass --group with the one you "
                    + "belong to");
        }
    }

    private static Duration duration(String text) throws InputException {
        Duration d;
        Matcher m = SHORT_DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        } else {
            try {
                d = Duration.parse(text.strip());
            } catch (DateTimeParseException e) {
                throw new InputException("--valid-for must be a duration such as 90s, 10m or 1h, got "
                        + SafeText.escape(text));
            }
        }
        if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofHours(24)) > 0) {
            throw new InputException("--valid-for must be more than 0 and at most 24h, got " + SafeText.escape(text));
        }
        return d;
    }

    @Override
    Path resource() {
        return directory;
    }
}
