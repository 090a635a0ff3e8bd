package dev.agentguard.core.policy;

import dev.agentguard.core.action.Action;
import dev.agentguard.core.action.HttpAction;
import dev.agentguard.core.action.SqlAction;
import dev.agentguard.core.action.SqlStatement;
import dev.agentguard.core.action.SshAction;
import dev.agentguard.core.shell.ShellCommand;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.masking.MaskingRules;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable, compiled policy: rules that allow, deny or send actions for approval, the
 * default for everything else, a row limit, masking rules and the expectations written beside
 * them. Build one with {@link #builder()} or read a policy file with {@link #load(Path)}.
 *
 * <h2>How an action is decided</h2>
 * Each statement of the action is decided on its own, and the action takes the strictest
 * verdict (deny over require-approval over allow). For one statement, among the rules that
 * select the agent:
 * <ol>
 *   <li>the first deny rule (in file order) that matches wins;</li>
 *   <li>else the first require-approval rule that matches;</li>
 *   <li>else the first allow rule that matches;</li>
 *   <li>else the policy default.</li>
 * </ol>
 * Fails closed: an allow rule never matches a statement that could not be understood, nor a
 * procedure call or code block (CALL, DO, EXECUTE), unless it lists that kind (UNKNOWN, CALL);
 * nor a statement with a dangerous form (such as {@code pg_read_file} or {@code COPY … PROGRAM})
 * unless it names that form; a default of allow does not apply to such statements either. An error inside the evaluation denies with rule id
 * {@value Verdict#POLICY_ERROR_RULE}. See {@link SqlCondition} for how lists match.
 *
 * <p>An HTTP request ({@link HttpAction}) is decided the same way, as one unit, by the rules with
 * an {@link HttpCondition} and the rules without a condition; no allow rule and no default of
 * allow covers a request whose path climbs above the root. See {@link HttpCondition}.
 *
 * <p>An SSH command line ({@link SshAction}) is decided like a multi-statement SQL string: each
 * simple command in it — nested ones from substitutions, sub-shells, wrappers and shell code
 * included — is decided on its own (deny, require-approval, allow, default), and the line takes
 * the strictest verdict (between equals, the first that names a rule rather than the default). So a
 * deny or require-approval rule applies to a line when any command in it matches, and the line is
 * allowed only when every command is allowed. A command that only
 * assigns ordinary shell variables needs no allow rule. A line that could not be read is denied
 * (by the first deny rule for its host and user, else with rule {@value Verdict#DEFAULT_RULE}),
 * whatever the default; a default of allow never covers an opaque command or one whose program
 * is only known when the line runs. An SFTP operation is decided as one unit, like an HTTP
 * request. See {@link SshCondition}.
 *
 * <p>{@link #decide} is thread-safe and allocates little: patterns are compiled here, once.
 */
public final class Policy {

    /** The rule id of a verdict that refuses a shared or generic agent id. */
    public static final String SHARED_AGENT_RULE = "shared-agent-id";

    private final String name;
    private final String description;
    private final Effect defaultEffect;
    private final long rowLimit;
    /** As {@link AgentIdentity#comparableName}; an agent with one of these ids is refused everything (PCI DSS 8.2.1). */
    private final Set<String> sharedAgentIds;
    private final List<Rule> rules;
    private final Map<String, Rule> rulesById;
    private final MaskingRules masking;
    private final List<PolicyExpectation> expectations;
    private final CompiledRule[] denyRules;
    private final CompiledRule[] approvalRules;
    private final CompiledRule[] allowRules;
    /** Whether some allow rule sets its own row limit; only then are all allow rules consulted. */
    private final boolean allowRowLimits;
    private final Verdict defaultAllow;
    private final String defaultDenySuffix;

    private Policy(Builder b) {
        this.name = b.name;
        this.description = b.description;
        this.defaultEffect = b.defaultEffect;
        this.rowLimit = b.rowLimit;
        this.sharedAgentIds = Set.copyOf(b.sharedAgentIds);
        this.rules = List.copyOf(b.rules);
        Map<String, Rule> byId = new LinkedHashMap<>();
        List<CompiledRule> deny = new ArrayList<>();
        List<CompiledRule> approval = new ArrayList<>();
        List<CompiledRule> allow = new ArrayList<>();
        boolean limits = false;
        for (Rule r : rules) {
            byId.put(r.id(), r);
            CompiledRule c = new CompiledRule(r, rowLimit);
            switch (r.effect()) {
                case DENY -> deny.add(c);
                case REQUIRE_APPROVAL -> approval.add(c);
                case ALLOW -> {
                    allow.add(c);
                    limits |= r.rowLimit() > 0;
                }
            }
        }
        this.rulesById = java.util.Collections.unmodifiableMap(byId);
        this.denyRules = deny.toArray(new CompiledRule[0]);
        this.approvalRules = approval.toArray(new CompiledRule[0]);
        this.allowRules = allow.toArray(new CompiledRule[0]);
        this.allowRowLimits = limits;
        this.masking = b.masking;
        this.expectations = List.copyOf(b.expectations);
        this.defaultAllow = new Verdict(Effect.ALLOW, Verdict.DEFAULT_RULE,
                "no rule matched; the policy default is allow", rowLimit);
        this.defaultDenySuffix = "; the policy default is " + defaultEffect.fileName();
    }

    /** Starts a policy in Java; the equivalent of a policy file. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads and compiles the policy file {@code file} (YAML, UTF-8; see docs/policy.md).
     *
     * @throws PolicyFileException when the file cannot be read or is not a valid policy; the
     *                             message names the file, line, column and what is wrong
     */
    public static Policy load(Path file) throws PolicyFileException {
        return PolicyFileReader.load(file, System::getenv);
    }

    /**
     * Compiles a policy from YAML text.
     *
     * @param sourceName what to call the text in messages, e.g. a file or resource name
     * @throws PolicyFileException when the text is not a valid policy
     */
    public static Policy parse(String yaml, String sourceName) throws PolicyFileException {
        return PolicyFileReader.parse(yaml, sourceName, System::getenv);
    }

    /**
     * Decides {@code action} for {@code identity}. Never throws for a problem inside the
     * evaluation: that is a denial with rule id {@value Verdict#POLICY_ERROR_RULE}.
     */
    public Verdict decide(AgentIdentity identity, Action action) {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(action, "action");
        try {
            if (!sharedAgentIds.isEmpty() && sharedAgentIds.contains(AgentIdentity.comparableName(identity.agentId()))) {
                return new Verdict(Effect.DENY, SHARED_AGENT_RULE, "agent id \"" + identity.agentId() + "\" is a shared or "
                        + "generic id, which the policy refuses: give every agent its own identity (PCI DSS 8.2.1)", 0);
            }
            if (action.detail() instanceof SqlAction sql) {
                return decideSql(identity, sql);
            }
            if (action.detail() instanceof HttpAction http) {
                return decideHttp(identity, http);
            }
            if (action.detail() instanceof SshAction ssh) {
                return decideSsh(identity, ssh);
            }
            return decideAnyChannel(identity);
        } catch (RuntimeException | StackOverflowError e) {
            // Only the exception type: a message might quote the action.
            return new Verdict(Effect.DENY, Verdict.POLICY_ERROR_RULE, "the policy could not be evaluated ("
                    + e.getClass().getSimpleName() + "); the action is refused", 0);
        }
    }

    private Verdict decideSql(AgentIdentity identity, SqlAction action) {
        List<SqlStatement> statements = action.statements();
        Verdict strictest = decideStatement(identity, statements.get(0), action);
        int n = statements.size();
        if (n == 1) {
            return strictest;
        }
        long limit = strictest.rowLimit();
        for (int i = 1; i < n; i++) {
            Verdict v = decideStatement(identity, statements.get(i), action);
            if (v.effect().strictness() > strictest.effect().strictness()) {
                strictest = v;
            }
            limit = smallestLimit(limit, v.rowLimit());
        }
        if (strictest.effect() != Effect.DENY && limit != strictest.rowLimit()) {
            return new Verdict(strictest.effect(), strictest.ruleId(), strictest.reason(), limit);
        }
        return strictest;
    }

    private Verdict decideStatement(AgentIdentity identity, SqlStatement s, SqlAction action) {
        for (CompiledRule r : denyRules) {
            if (r.selects(identity) && r.touches(s, action)) {
                return new Verdict(Effect.DENY, r.id, r.describeMatch(s, action), 0);
            }
        }
        for (CompiledRule r : approvalRules) {
            if (r.selects(identity) && r.touches(s, action)) {
                return new Verdict(Effect.REQUIRE_APPROVAL, r.id, r.describeMatch(s, action) + " needs approval",
                        allowLimit(identity, s, action));
            }
        }
        CompiledRule first = null;
        long limit = 0;
        for (CompiledRule r : allowRules) {
            if (r.selects(identity) && r.allows(s, action)) {
                if (first == null) {
                    first = r;
                    if (!allowRowLimits) {
                        break;
                    }
                }
                limit = smallestLimit(limit, r.rowLimit);
            }
        }
        if (first != null) {
            if (!allowRowLimits || limit == first.allowVerdict.rowLimit()) {
                return first.allowVerdict;
            }
            return new Verdict(Effect.ALLOW, first.id, first.allowVerdict.reason(), limit > 0 ? limit : rowLimit);
        }
        return defaultVerdict(s);
    }

    /** The row limit an approved statement runs under: as if allowed, else the policy's. */
    private long allowLimit(AgentIdentity identity, SqlStatement s, SqlAction action) {
        long limit = 0;
        for (CompiledRule r : allowRules) {
            if (r.rowLimit > 0 && r.selects(identity) && r.allows(s, action)) {
                limit = smallestLimit(limit, r.rowLimit);
            }
        }
        return limit > 0 ? limit : rowLimit;
    }

    private Verdict defaultVerdict(SqlStatement s) {
        if (defaultEffect == Effect.ALLOW) {
            if (!s.isUnderstood()) {
                return new Verdict(Effect.DENY, Verdict.DEFAULT_RULE, "the SQL could not be understood and no allow "
                        + "rule lists kind UNKNOWN; a default of allow never covers it", 0);
            }
            if (CompiledRule.needsExplicitKind(s.kind())) {
                return new Verdict(Effect.DENY, Verdict.DEFAULT_RULE, "no allow rule lists kind " + s.kind().name()
                        + " (code whose effect cannot be read from the text); a default of allow never covers it", 0);
            }
            if (!s.dangerousForms().isEmpty()) {
                return new Verdict(Effect.DENY, Verdict.DEFAULT_RULE, "no allow rule names the dangerous form of "
                        + CompiledRule.describe(s) + "; a default of allow never covers it", 0);
            }
            return defaultAllow;
        }
        if (defaultEffect == Effect.DENY) {
            return new Verdict(Effect.DENY, Verdict.DEFAULT_RULE, "no rule allows " + CompiledRule.describe(s)
                    + defaultDenySuffix, 0);
        }
        return new Verdict(Effect.REQUIRE_APPROVAL, Verdict.DEFAULT_RULE, "no rule matches "
                + CompiledRule.describe(s) + defaultDenySuffix, rowLimit);
    }

    /**
     * One HTTP request: deny, then require-approval, then allow rules, then the default. Rules with
     * a SQL condition never match; rules without a condition do. A request whose path climbs
     * above the root is never allowed, by a rule or by a default of allow.
     */
    private Verdict decideHttp(AgentIdentity identity, HttpAction a) {
        for (CompiledRule r : denyRules) {
            if (r.selects(identity) && r.touches(a)) {
                return new Verdict(Effect.DENY, r.id, r.describeMatch(a), 0);
            }
        }
        for (CompiledRule r : approvalRules) {
            if (r.selects(identity) && r.touches(a)) {
                return new Verdict(Effect.REQUIRE_APPROVAL, r.id, r.describeMatch(a) + " needs approval", rowLimit);
            }
        }
        for (CompiledRule r : allowRules) {
            if (r.selects(identity) && r.allows(a)) {
                return r.allowVerdict;
            }
        }
        return switch (defaultEffect) {
            case ALLOW -> a.pathEscapes()
                    ? new Verdict(Effect.DENY, Verdict.DEFAULT_RULE, CompiledRule.describe(a) + " has a path that "
                            + "climbs above the root; no rule allows it and a default of allow never covers it", 0)
                    : defaultAllow;
            case DENY -> new Verdict(Effect.DENY, Verdict.DEFAULT_RULE, "no rule allows " + CompiledRule.describe(a)
                    + defaultDenySuffix, 0);
            case REQUIRE_APPROVAL -> new Verdict(Effect.REQUIRE_APPROVAL, Verdict.DEFAULT_RULE, "no rule matches "
                    + CompiledRule.describe(a) + defaultDenySuffix, rowLimit);
        };
    }

    /**
     * An SSH action. A command line: each command decided on its own, the strictest verdict wins
     * (as for the statements of one SQL string). An unreadable line: denied. SFTP: one unit.
     */
    private Verdict decideSsh(AgentIdentity identity, SshAction a) {
        if (a.isUnreadable()) {
            String what = "the command line for " + (a.user() == null ? "" : a.user() + "@") + a.host()
                    + " could not be read (" + a.unreadableReason() + ")";
            for (CompiledRule r : denyRules) {
                if (r.selects(identity) && r.touchesUnreadable(a)) {
                    return new Verdict(Effect.DENY, r.id, what + "; it may run anything, so rule \"" + r.id
                            + "\" applies", 0);
                }
            }
            return new Verdict(Effect.DENY, Verdict.DEFAULT_RULE, what + "; a line the policy cannot read never runs", 0);
        }
        if (a.isSftp()) {
            return decideSftp(identity, a);
        }
        // A line that changes directory makes relative paths relative to a directory nobody knows.
        String directory = a.command().changesDirectory() ? null : a.workingDirectory();
        Verdict strictest = null;
        for (ShellCommand c : a.command().commands()) {
            Verdict v = decideCommand(identity, a, new ShellCommandFacts(c, directory));
            if (v == null) {
                continue;
            }
            // The strictest verdict wins; between equals, the first that names a rule (more telling than the default).
            if (strictest == null || v.effect().strictness() > strictest.effect().strictness()
                    || (v.effect() == strictest.effect() && strictest.ruleId().equals(Verdict.DEFAULT_RULE)
                    && !v.ruleId().equals(Verdict.DEFAULT_RULE))) {
                strictest = v;
                if (v.effect() == Effect.DENY && !v.ruleId().equals(Verdict.DEFAULT_RULE)) {
                    break;
                }
            }
        }
        if (strictest != null) {
            return strictest;
        }
        // Every command only assigns variables: nothing runs, so the default decides.
        return switch (defaultEffect) {
            case ALLOW -> defaultAllow;
            case DENY -> new Verdict(Effect.DENY, Verdict.DEFAULT_RULE, "no rule allows the line, which only assigns "
                    + "shell variables" + defaultDenySuffix, 0);
            case REQUIRE_APPROVAL -> new Verdict(Effect.REQUIRE_APPROVAL, Verdict.DEFAULT_RULE, "no rule matches the "
                    + "line, which only assigns shell variables" + defaultDenySuffix, rowLimit);
        };
    }

    /** One command of a line; {@code null} when it only assigns ordinary variables and no deny or approval rule matches. */
    private Verdict decideCommand(AgentIdentity identity, SshAction a, ShellCommandFacts c) {
        for (CompiledRule r : denyRules) {
            if (r.selects(identity) && r.touches(a, c)) {
                return new Verdict(Effect.DENY, r.id, r.describeMatch(a, c), 0);
            }
        }
        for (CompiledRule r : approvalRules) {
            if (r.selects(identity) && r.touches(a, c)) {
                return new Verdict(Effect.REQUIRE_APPROVAL, r.id, r.describeMatch(a, c) + " needs approval", rowLimit);
            }
        }
        if (c.inert) {
            return null;
        }
        for (CompiledRule r : allowRules) {
            if (r.selects(identity) && r.allows(a, c)) {
                return r.allowVerdict;
            }
        }
        return switch (defaultEffect) {
            case ALLOW -> {
                if (c.unknownProgram || c.opaque) {
                    yield new Verdict(Effect.DENY, Verdict.DEFAULT_RULE, "no allow rule names "
                            + CompiledRule.describe(a, c) + "; a default of allow never covers an opaque command or a "
                            + "program only known when the line runs", 0);
                }
                if (!c.writesNoFile()) {
                    yield new Verdict(Effect.DENY, Verdict.DEFAULT_RULE, "no allow rule's writes covers the files "
                            + CompiledRule.describe(a, c) + " writes; a default of allow never covers writing files", 0);
                }
                yield defaultAllow;
            }
            case DENY -> new Verdict(Effect.DENY, Verdict.DEFAULT_RULE, "no rule allows " + CompiledRule.describe(a, c)
                    + defaultDenySuffix, 0);
            case REQUIRE_APPROVAL -> new Verdict(Effect.REQUIRE_APPROVAL, Verdict.DEFAULT_RULE, "no rule matches "
                    + CompiledRule.describe(a, c) + defaultDenySuffix, rowLimit);
        };
    }

    /** An SFTP operation, as one unit: deny, then require-approval, then allow rules, then the default. */
    private Verdict decideSftp(AgentIdentity identity, SshAction a) {
        for (CompiledRule r : denyRules) {
            if (r.selects(identity) && r.touchesSftp(a)) {
                return new Verdict(Effect.DENY, r.id, r.describeSftpMatch(a), 0);
            }
        }
        for (CompiledRule r : approvalRules) {
            if (r.selects(identity) && r.touchesSftp(a)) {
                return new Verdict(Effect.REQUIRE_APPROVAL, r.id, r.describeSftpMatch(a) + " needs approval", rowLimit);
            }
        }
        for (CompiledRule r : allowRules) {
            if (r.selects(identity) && r.allowsSftp(a)) {
                return r.allowVerdict;
            }
        }
        return switch (defaultEffect) {
            case ALLOW -> a.sftpOperation().writes()
                    ? new Verdict(Effect.DENY, Verdict.DEFAULT_RULE, "no allow rule covers " + a.describe()
                            + "; a default of allow never covers changing files", 0)
                    : defaultAllow;
            case DENY -> new Verdict(Effect.DENY, Verdict.DEFAULT_RULE, "no rule allows " + a.describe()
                    + defaultDenySuffix, 0);
            case REQUIRE_APPROVAL -> new Verdict(Effect.REQUIRE_APPROVAL, Verdict.DEFAULT_RULE, "no rule matches "
                    + a.describe() + defaultDenySuffix, rowLimit);
        };
    }

    /** Actions of channels without conditions yet: only rules without a channel condition apply. */
    private Verdict decideAnyChannel(AgentIdentity identity) {
        for (CompiledRule[] group : new CompiledRule[][] {denyRules, approvalRules, allowRules}) {
            for (CompiledRule r : group) {
                if (r.anyChannel() && r.selects(identity)) {
                    return switch (r.effect) {
                        case DENY -> new Verdict(Effect.DENY, r.id, "denied for every action of its agents", 0);
                        case REQUIRE_APPROVAL -> new Verdict(Effect.REQUIRE_APPROVAL, r.id,
                                "every action of its agents needs approval", rowLimit);
                        case ALLOW -> r.allowVerdict;
                    };
                }
            }
        }
        return switch (defaultEffect) {
            case ALLOW -> defaultAllow;
            case DENY -> new Verdict(Effect.DENY, Verdict.DEFAULT_RULE, "no rule allows the action" + defaultDenySuffix, 0);
            case REQUIRE_APPROVAL -> new Verdict(Effect.REQUIRE_APPROVAL, Verdict.DEFAULT_RULE,
                    "no rule matches the action" + defaultDenySuffix, rowLimit);
        };
    }

    private static long smallestLimit(long a, long b) {
        if (a == 0) {
            return b;
        }
        return b == 0 ? a : Math.min(a, b);
    }

    /** The policy's name, as journaled with policy events. */
    public String name() {
        return name;
    }

    /** What the policy is for, or {@code null}. */
    public String description() {
        return description;
    }

    /** What happens to an action no rule matches. */
    public Effect defaultEffect() {
        return defaultEffect;
    }

    /** The row limit of allowed queries whose rule sets none; 0 for no limit. */
    public long rowLimit() {
        return rowLimit;
    }

    /** Agent ids refused whatever they ask (lower case): generic or shared accounts. */
    public Set<String> sharedAgentIds() {
        return sharedAgentIds;
    }

    /** The rules in file order. */
    public List<Rule> rules() {
        return rules;
    }

    /** The rule with id {@code id}. */
    public Optional<Rule> rule(String id) {
        return Optional.ofNullable(rulesById.get(id));
    }

    /** What to mask in results, and how. */
    public MaskingRules masking() {
        return masking;
    }

    /** The expectations written beside the rules, for {@code agentguard policy test}. */
    public List<PolicyExpectation> expectations() {
        return expectations;
    }

    @Override
    public String toString() {
        return "Policy[" + name + ", default " + defaultEffect.fileName() + ", " + rules.size() + " rules"
                + (rowLimit > 0 ? ", rowLimit " + rowLimit : "") + "]";
    }

    /**
     * Builds a {@link Policy}. Name and default are required: a policy states what happens to
     * what no rule matches.
     */
    public static final class Builder {
        private String name;
        private String description;
        private Effect defaultEffect;
        private long rowLimit;
        private final Set<String> sharedAgentIds = new java.util.LinkedHashSet<>();
        private final List<Rule> rules = new ArrayList<>();
        private MaskingRules masking = MaskingRules.defaults();
        private final List<PolicyExpectation> expectations = new ArrayList<>();

        private Builder() {
        }

        /** The policy's name, e.g. {@code payments-agent}. */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank() || name.length() > 200) {
                throw new IllegalArgumentException("policy name must be 1 to 200 characters, got "
                        + name.length() + "; use a short name such as payments-agent");
            }
            this.name = name.strip();
            return this;
        }

        /** What the policy is for. */
        public Builder description(String description) {
            this.description = description == null || description.isBlank() ? null : description.strip();
            return this;
        }

        /** What happens to an action no rule matches; {@link Effect#DENY} is the safe choice. */
        public Builder defaultEffect(Effect effect) {
            this.defaultEffect = Objects.requireNonNull(effect, "defaultEffect");
            return this;
        }

        /** The row limit for allowed queries whose rule sets none; 0 (the default) for no limit. */
        public Builder rowLimit(long rowLimit) {
            if (rowLimit < 0) {
                throw new IllegalArgumentException("rowLimit must be 0 (no limit) or positive, got " + rowLimit);
            }
            this.rowLimit = rowLimit;
            return this;
        }

        /**
         * Agent ids this policy refuses outright, compared case-insensitively: generic or shared
         * accounts such as {@code admin} or {@code service}, which PCI DSS 8.2.1 rules out. The
         * verdict names the rule {@value #SHARED_AGENT_RULE}.
         */
        public Builder sharedAgentIds(String... ids) {
            for (String id : ids) {
                if (id == null || id.isBlank()) {
                    throw new IllegalArgumentException("sharedAgentIds must not contain blank entries; remove the empty entry");
                }
                sharedAgentIds.add(AgentIdentity.comparableName(id));
            }
            return this;
        }

        /** Adds a rule after those already added. */
        public Builder rule(Rule rule) {
            Objects.requireNonNull(rule, "rule");
            for (Rule r : rules) {
                if (r.id().equals(rule.id())) {
                    throw new IllegalArgumentException("duplicate rule id \"" + rule.id() + "\": every rule needs "
                            + "its own id, since verdicts and journal events name it");
                }
            }
            rules.add(rule);
            return this;
        }

        /** Adds the rule {@code rule} builds. */
        public Builder rule(Rule.Builder rule) {
            return rule(rule.build());
        }

        /** Adds rules in order. */
        public Builder rules(Collection<Rule> rules) {
            rules.forEach(this::rule);
            return this;
        }

        /** Masking rules; default {@link MaskingRules#defaults()}. */
        public Builder masking(MaskingRules masking) {
            this.masking = Objects.requireNonNull(masking, "masking");
            return this;
        }

        /** Adds an expectation for {@code agentguard policy test}. */
        public Builder expectation(PolicyExpectation expectation) {
            expectations.add(Objects.requireNonNull(expectation, "expectation"));
            return this;
        }

        /**
         * The policy.
         *
         * @throws IllegalStateException when the name or default is missing, or an expectation names
         *                               a rule the policy does not have
         */
        public Policy build() {
            if (name == null) {
                throw new IllegalStateException("policy name is not set: call name(\"payments-agent\") or similar");
            }
            if (defaultEffect == null) {
                throw new IllegalStateException("policy \"" + name + "\" has no default: call defaultEffect(Effect.DENY) "
                        + "(recommended) or another effect, so that what no rule matches is decided on purpose");
            }
            for (PolicyExpectation e : expectations) {
                String problem = expectationProblem(e, rules);
                if (problem != null) {
                    throw new IllegalStateException(problem);
                }
            }
            return new Policy(this);
        }
    }

    /** What is inconsistent about {@code e} against {@code rules}, or {@code null}. */
    static String expectationProblem(PolicyExpectation e, List<Rule> rules) {
        if (e.ruleId() == null || e.ruleId().equals(Verdict.DEFAULT_RULE)) {
            return null;
        }
        for (Rule r : rules) {
            if (r.id().equals(e.ruleId())) {
                if (r.effect() != e.effect()) {
                    return e.label() + " expects " + e.effect().fileName() + " from rule \"" + r.id()
                            + "\", but that rule is " + r.effect().ruleNoun() + "; fix the effect or the rule id";
                }
                return null;
            }
        }
        return e.label() + " names rule \"" + e.ruleId() + "\", which the policy does not define; use one of its "
                + "rule ids or \"default\"";
    }
}
