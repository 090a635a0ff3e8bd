package dev.agentguard.cli;

import dev.agentguard.audit.Channel;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.action.SqlStatement;
import dev.agentguard.core.action.StatementKind;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.masking.ColumnMask;
import dev.agentguard.core.masking.ColumnRule;
import dev.agentguard.core.masking.MaskStrategy;
import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.masking.MaskingRules;
import dev.agentguard.core.policy.Effect;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.core.policy.Rule;
import dev.agentguard.core.policy.Verdict;
import dev.agentguard.jdbc.sql.AnalyzedSql;
import dev.agentguard.jdbc.sql.ResultColumn;
import dev.agentguard.jdbc.sql.SqlAnalyzer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * One action decided by a policy the way a guarded channel would decide it, without touching
 * any database: what the analyser understood, the verdict, and what the result would have
 * masked. Shared by {@code policy check} and {@code policy test}.
 *
 * @param text          the action as the journal would show it: the SQL with every literal
 *                      replaced by {@code ?}, then passed through the text detectors as well; safe
 *                      to print
 * @param analysis      what the SQL analyser understood
 * @param verdict       the policy's answer
 * @param maskedColumns result columns a column rule would mask (empty when nothing would be
 *                      masked, when the action is denied, or when it returns no rows)
 * @param detectors     the text detectors that mask every text value of the result
 * @param intentRequired the approval rule that decided refuses, without asking anyone, an agent
 *                       that states no intent
 */
record CheckedAction(String text, AnalyzedSql analysis, Verdict verdict, List<MaskedColumn> maskedColumns,
                     List<String> detectors, boolean intentRequired) {

    /**
     * The resource name of actions checked by the tool. Nothing in a SQL rule matches on the
     * resource; it is needed only because every action names one.
     */
    static final String RESOURCE = "agentguard-policy-check";

    CheckedAction {
        maskedColumns = List.copyOf(maskedColumns);
        detectors = List.copyOf(detectors);
    }

    /**
     * A result column that a column rule would mask.
     *
     * @param index    1-based position in the select list
     * @param label    the column's label (alias or name)
     * @param source   the column it is computed from ({@code table.column}, or {@code table.*} for a star)
     * @param ruleId   the column rule, e.g. {@code column:*.cards.pan}
     * @param strategy how the rule masks
     */
    record MaskedColumn(int index, String label, String source, String ruleId, MaskStrategy strategy) {
    }

    /** Analyses {@code sql} and decides it for {@code identity} with {@code policy}. */
    static CheckedAction sql(Policy policy, SqlAnalyzer analyzer, AgentIdentity identity, String sql) {
        AnalyzedSql analysis = analyzer.analyze(sql);
        Action action = new Action(Channel.JDBC, RESOURCE, analysis.redactedSql(), analysis.action());
        Verdict verdict = policy.decide(identity, action);
        MaskingRules masking = policy.masking();
        // Literals are gone already; the detectors also catch what hides elsewhere (an identifier, a comment).
        String text = masking.masker().maskText(analysis.redactedSql(), null);
        boolean returnsRows = returnsRows(verdict, analysis);
        List<MaskedColumn> masked = returnsRows ? maskedColumns(analysis, masking) : List.of();
        List<String> detectors = returnsRows ? masking.masker().detectorNames() : List.of();
        boolean intentRequired = verdict.effect() == Effect.REQUIRE_APPROVAL
                && policy.rule(verdict.ruleId()).map(Rule::requireIntent).orElse(false);
        return new CheckedAction(text, analysis, verdict, masked, detectors, intentRequired);
    }

    /** Whether the action would return rows whose values get masked: it runs and holds a SELECT. */
    boolean returnsRows() {
        return returnsRows(verdict, analysis);
    }

    private static boolean returnsRows(Verdict verdict, AnalyzedSql analysis) {
        if (verdict.effect() == Effect.DENY) {
            return false;
        }
        for (SqlStatement s : analysis.action().statements()) {
            if (s.kind() == StatementKind.SELECT) {
                return true;
            }
        }
        return false;
    }

    /**
     * Every result column whose sources a column rule covers. As at run time, a column computed
     * from several sources gets the strictest of their rules, and a source whose table the
     * analyser could not name matches any table part of a rule (fail closed). A star source lists
     * every rule that could cover one of its table's columns; which columns it covers is known
     * only from the result's metadata.
     */
    private static List<MaskedColumn> maskedColumns(AnalyzedSql analysis, MaskingRules masking) {
        List<MaskedColumn> masked = new ArrayList<>();
        Masker masker = masking.masker();
        for (ResultColumn column : analysis.resultColumns()) {
            MaskedColumn strictest = null;
            for (String source : new TreeSet<>(column.sourceColumns())) {
                String[] parts = source.split("\\.", -1);
                int n = parts.length;
                String name = parts[n - 1];
                String table = n >= 2 ? parts[n - 2] : null;
                String schema = n >= 3 ? parts[n - 3] : null;
                if (name.equals("*")) {
                    for (ColumnRule rule : masking.columnRules()) {
                        if (coversSomeColumn(rule, schema, table)) {
                            masked.add(new MaskedColumn(column.index(), column.label(), source, rule.ruleId(),
                                    rule.strategy()));
                        }
                    }
                    continue;
                }
                ColumnMask mask = masker.columnMask(schema, table, name);
                if (mask != null && (strictest == null || rank(mask.strategy()) > rank(strictest.strategy()))) {
                    strictest = new MaskedColumn(column.index(), column.label(), source, mask.ruleId(), mask.strategy());
                }
            }
            if (strictest != null) {
                masked.add(strictest);
            }
        }
        return masked;
    }

    /** How much a strategy hides, as the guarded result set ranks them: NULL, REDACT, KEYED_HASH, PARTIAL. */
    private static int rank(MaskStrategy strategy) {
        return switch (strategy) {
            case NULL -> 4;
            case REDACT -> 3;
            case KEYED_HASH -> 2;
            case PARTIAL -> 1;
        };
    }

    /** Whether {@code rule} matches some column of the table: its pattern with the column left unknown. */
    private static boolean coversSomeColumn(ColumnRule rule, String schema, String table) {
        // A one-rule masker answers with the rule's own matching; REDACT needs no key to build.
        Masker probe = MaskingRules.builder().column(rule.pattern(), MaskStrategy.REDACT).build().masker();
        return probe.columnMask(schema, table, null) != null;
    }

    /** "allowed", "denied" or "approval required": the decision as the tool prints it. */
    static String decisionWord(Effect effect) {
        return switch (effect) {
            case ALLOW -> "allowed";
            case DENY -> "denied";
            case REQUIRE_APPROVAL -> "approval required";
        };
    }

    /** The exit code {@code policy check} ends with for {@code effect}. */
    static int exitCode(Effect effect) {
        return switch (effect) {
            case ALLOW -> ExitCodes.OK;
            case DENY -> ExitCodes.DENIED_BY_POLICY;
            case REQUIRE_APPROVAL -> ExitCodes.APPROVAL_REQUIRED;
        };
    }

    /** The strategy as policy files write it: {@code partial}, {@code redact}, {@code keyed-hash}, {@code null}. */
    static String strategyName(MaskStrategy strategy) {
        return strategy.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** "DELETE reads a writes b without WHERE": one statement as the tool prints it. */
    static String describe(SqlStatement s) {
        StringBuilder b = new StringBuilder(s.kind().name());
        if (!s.tablesRead().isEmpty()) {
            b.append(" reads ").append(String.join(", ", new TreeSet<>(s.tablesRead())));
        }
        if (!s.tablesWritten().isEmpty()) {
            b.append(" writes ").append(String.join(", ", new TreeSet<>(s.tablesWritten())));
        }
        if (s.whereMissing()) {
            b.append(" without WHERE");
        }
        if (!s.dangerousForms().isEmpty()) {
            b.append(" dangerous: ").append(String.join(", ", new TreeSet<>(s.dangerousForms())));
        }
        if (s.unknownReason() != null) {
            b.append(" (").append(s.unknownReason()).append(')');
        }
        return b.toString();
    }
}
