package dev.agentguard.core.policy;

/** What a policy rule, or the policy default, does with an action it applies to. */
public enum Effect {
    /** The action may run. */
    ALLOW,
    /** The action is refused and never reaches its target. */
    DENY,
    /** The action runs only after a human approves it. */
    REQUIRE_APPROVAL;

    /** How strict the effect is: when several statements of one action disagree, the strictest wins. */
    public int strictness() {
        return switch (this) {
            case ALLOW -> 0;
            case REQUIRE_APPROVAL -> 1;
            case DENY -> 2;
        };
    }

    /** "an allow rule", "a deny rule", "a require-approval rule", for messages. */
    String ruleNoun() {
        return (this == ALLOW ? "an " : "a ") + fileName() + " rule";
    }

    /** The spelling the policy file uses: {@code allow}, {@code deny}, {@code require-approval}. */
    public String fileName() {
        return switch (this) {
            case ALLOW -> "allow";
            case DENY -> "deny";
            case REQUIRE_APPROVAL -> "require-approval";
        };
    }
}
