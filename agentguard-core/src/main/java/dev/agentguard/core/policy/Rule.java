package dev.agentguard.core.policy;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One policy rule: which agents, which actions, and what happens to them.
 *
 * @param id            unique within the policy; journaled with every decision the rule makes
 * @param effect        allow, deny or require approval
 * @param description   why the rule exists, for reviewers; may be {@code null}
 * @param agents        the agents it applies to ({@link AgentSelector#ANY} for all)
 * @param condition     what it matches; {@code null} matches every action on every channel
 * @param rowLimit      for allow rules: the most rows a query may return (0 = the policy's limit)
 * @param requireIntent for require-approval rules: refuse without asking when the agent stated no
 *                      purpose
 * @param approval      for require-approval rules: how many approvals, from whom, how long the grant
 *                      lasts, break-glass and auto-approval; {@link ApprovalTerms#DEFAULT} for other
 *                      rules (and when {@code null} is given)
 * @param line          the line of the policy file that defines the rule, 0 when built in Java
 */
public record Rule(String id, Effect effect, String description, AgentSelector agents, ChannelCondition condition,
                   long rowLimit, boolean requireIntent, ApprovalTerms approval, int line) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}");

    public Rule {
        checkId(id);
        Objects.requireNonNull(effect, "effect");
        if (description != null && description.isBlank()) {
            description = null;
        }
        agents = agents == null ? AgentSelector.ANY : agents;
        if (rowLimit < 0) {
            throw new IllegalArgumentException("rule \"" + id + "\": rowLimit must be 0 (no limit of its own) or "
                    + "positive, got " + rowLimit);
        }
        if (rowLimit > 0 && effect != Effect.ALLOW) {
            throw new IllegalArgumentException("rule \"" + id + "\": rowLimit applies to allow rules only; this rule is "
                    + effect.ruleNoun() + ": remove rowLimit or set it on the allow rule");
        }
        if (requireIntent && effect != Effect.REQUIRE_APPROVAL) {
            throw new IllegalArgumentException("rule \"" + id + "\": requireIntent applies to require-approval rules "
                    + "only; this rule is " + effect.ruleNoun() + ": remove requireIntent");
        }
        approval = approval == null ? ApprovalTerms.DEFAULT : approval;
        if (!approval.equals(ApprovalTerms.DEFAULT) && effect != Effect.REQUIRE_APPROVAL) {
            throw new IllegalArgumentException("rule \"" + id + "\": approvals, approvers, grant, breakGlass and "
                    + "autoApprove apply to require-approval rules only; this rule is " + effect.ruleNoun()
                    + ": remove them");
        }
        if (effect == Effect.ALLOW && condition instanceof SqlCondition sql && Boolean.TRUE.equals(sql.dangerous())) {
            throw new IllegalArgumentException("rule \"" + id + "\": an allow rule cannot allow every dangerous form "
                    + "at once (dangerous: true); name the forms it allows in dangerousForms or functions");
        }
        if (effect == Effect.ALLOW && condition instanceof SshCondition ssh && Boolean.TRUE.equals(ssh.opaque())) {
            throw new IllegalArgumentException("rule \"" + id + "\": an allow rule cannot allow every opaque command "
                    + "at once (opaque: true); name the programs it allows in programs, without wildcards");
        }
        if (line < 0) {
            throw new IllegalArgumentException("rule \"" + id + "\": line must be 0 (unknown) or positive, got " + line);
        }
    }

    /** A rule with the default approval terms (as before approval terms existed). */
    public Rule(String id, Effect effect, String description, AgentSelector agents, ChannelCondition condition,
                long rowLimit, boolean requireIntent, int line) {
        this(id, effect, description, agents, condition, rowLimit, requireIntent, ApprovalTerms.DEFAULT, line);
    }

    /** Starts an allow rule. */
    public static Builder allow(String id) {
        return new Builder(id, Effect.ALLOW);
    }

    /** Starts a deny rule. */
    public static Builder deny(String id) {
        return new Builder(id, Effect.DENY);
    }

    /** Starts a rule that sends matching actions for approval. */
    public static Builder requireApproval(String id) {
        return new Builder(id, Effect.REQUIRE_APPROVAL);
    }

    /** Whether the rule matches on nothing more than its agents and channel. */
    public boolean isBroad() {
        return condition == null || condition.isEmpty();
    }

    /** Checks a rule id's form, as the constructor does. */
    static void checkId(String id) {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("rule id \"" + shown(id) + "\" is not allowed: use 1 to 100 letters, "
                    + "digits, '-', '_', '.' or ':', starting with a letter or digit");
        }
        if (id.equals(Verdict.DEFAULT_RULE) || id.equals(Verdict.POLICY_ERROR_RULE)) {
            throw new IllegalArgumentException("rule id \"" + id + "\" is reserved for verdicts the policy makes "
                    + "itself; choose another id");
        }
    }

    private static String shown(String id) {
        // Ids come from reviewed policy files, but keep messages short whatever was pasted.
        return id.length() > 40 ? id.substring(0, 40) + "…" : id;
    }

    /** Builds a {@link Rule}. */
    public static final class Builder {
        private final String id;
        private final Effect effect;
        private String description;
        private AgentSelector agents = AgentSelector.ANY;
        private ChannelCondition condition;
        private long rowLimit;
        private boolean requireIntent;
        private int approvals = 1;
        private Set<String> approverGroups = Set.of();
        private Duration grantWindow;
        private boolean breakGlass;
        private boolean autoApprove;
        private int line;

        private Builder(String id, Effect effect) {
            this.id = Objects.requireNonNull(id, "id");
            this.effect = effect;
        }

        /** Why the rule exists, shown to reviewers. */
        public Builder description(String description) {
            this.description = description;
            return this;
        }

        /** The agents the rule applies to; default every agent. */
        public Builder agents(AgentSelector agents) {
            this.agents = Objects.requireNonNull(agents, "agents");
            return this;
        }

        /** Matches SQL statements only, under {@code condition}. */
        public Builder sql(SqlCondition condition) {
            this.condition = Objects.requireNonNull(condition, "condition");
            return this;
        }

        /** Matches SQL statements only, under the condition {@code condition} builds. */
        public Builder sql(SqlCondition.Builder condition) {
            return sql(condition.build());
        }

        /** Matches HTTP requests only, under {@code condition}. */
        public Builder http(HttpCondition condition) {
            this.condition = Objects.requireNonNull(condition, "condition");
            return this;
        }

        /** Matches HTTP requests only, under the condition {@code condition} builds. */
        public Builder http(HttpCondition.Builder condition) {
            return http(condition.build());
        }

        /** Matches SSH command lines and SFTP operations only, under {@code condition}. */
        public Builder ssh(SshCondition condition) {
            this.condition = Objects.requireNonNull(condition, "condition");
            return this;
        }

        /** Matches SSH command lines and SFTP operations only, under the condition {@code condition} builds. */
        public Builder ssh(SshCondition.Builder condition) {
            return ssh(condition.build());
        }

        /** For allow rules: the most rows a query may return. */
        public Builder rowLimit(long rowLimit) {
            this.rowLimit = rowLimit;
            return this;
        }

        /** For require-approval rules: the agent must state its purpose, or the action is refused. */
        public Builder requireIntent(boolean requireIntent) {
            this.requireIntent = requireIntent;
            return this;
        }

        /**
         * For require-approval rules: how many different people must approve, 1 to
         * {@value ApprovalTerms#MAX_APPROVALS}; default 1. Any refusal refuses the action.
         */
        public Builder approvals(int approvals) {
            ApprovalTerms.checkApprovals(approvals);
            this.approvals = approvals;
            return this;
        }

        /**
         * For require-approval rules: only an approver in one of {@code groups} counts; default
         * anyone the approver accepts.
         */
        public Builder approvers(String... groups) {
            Set<String> set = new LinkedHashSet<>();
            for (String g : groups) {
                set.add(ApprovalTerms.checkGroup(g));
            }
            this.approverGroups = Collections.unmodifiableSet(set);
            return this;
        }

        /** For require-approval rules: a grant covers the one action it was given for (the default). */
        public Builder grantOnce() {
            this.grantWindow = null;
            return this;
        }

        /**
         * For require-approval rules: a grant also covers later actions of the same rule, agent
         * (acting for the same person) and resource for {@code window}, at most 24 hours.
         */
        public Builder grantWindow(Duration window) {
            Objects.requireNonNull(window, "window");
            ApprovalTerms.checkGrantWindow(window);
            this.grantWindow = window;
            return this;
        }

        /**
         * For require-approval rules: an agent may run a matching action without approval by
         * stating a justification (see {@code CallScope.breakGlass}); journaled as break-glass.
         */
        public Builder breakGlass(boolean breakGlass) {
            this.breakGlass = breakGlass;
            return this;
        }

        /**
         * For require-approval rules: the policy approves every matching action itself, journaled
         * as approved by {@value ApprovalTerms#AUTO_APPROVER}. For tests and low-risk rules.
         */
        public Builder autoApprove(boolean autoApprove) {
            this.autoApprove = autoApprove;
            return this;
        }

        /** The line of the policy file that defines the rule. */
        public Builder line(int line) {
            this.line = line;
            return this;
        }

        /**
         * The rule.
         *
         * @throws IllegalArgumentException when settings contradict each other, e.g. approval
         *                                  settings on an allow rule, or autoApprove with approvers
         */
        public Rule build() {
            ApprovalTerms terms;
            try {
                terms = new ApprovalTerms(approvals, approverGroups, grantWindow, breakGlass, autoApprove);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("rule \"" + id + "\": " + e.getMessage(), e);
            }
            return new Rule(id, effect, description, agents, condition, rowLimit, requireIntent, terms, line);
        }
    }
}
