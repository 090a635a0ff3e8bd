package dev.agentguard.benchmarks.jdbc;

import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.benchmarks.ForkedJvm;
import dev.agentguard.benchmarks.ScratchDirectory;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.guard.ActionRefusedException;
import dev.agentguard.core.guard.CallContext;
import dev.agentguard.core.guard.Guard;
import dev.agentguard.core.guard.OutcomeCounts;
import dev.agentguard.core.guard.Permit;
import dev.agentguard.core.guard.PreparedAction;
import dev.agentguard.core.masking.ColumnMask;
import dev.agentguard.core.masking.MaskTally;
import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.policy.Verdict;
import dev.agentguard.jdbc.sql.AnalyzedSql;
import dev.agentguard.jdbc.sql.SqlAnalyzer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The steps of one guarded statement, measured one at a time through the public API, so that
 * the per-execute figures of {@link JdbcBenchmark} can be split into analysis, decision,
 * journal and masking. Same policy, agent and SQL as {@link JdbcBenchmark}.
 * <ul>
 *   <li>{@link #analyzeNewLiteral}: the plain-statement path of a known shape with a new
 *       literal: lex, redact, shape-cache hit.</li>
 *   <li>{@link #analyzeNeverSeenShape}: a shape never seen: lex and one bounded parse.</li>
 *   <li>{@link #decide}: {@code Policy.decide} for the prepared SELECT by key.</li>
 *   <li>{@link #journalIntentAndOutcome}: the two events of one statement appended to a real
 *       journal, drafts built once (the journal's own cost).</li>
 *   <li>{@link #guardCheckAndOutcome}: {@code Guard.check} of the prepared action, then
 *       {@code Permit.succeeded}: the kept verdict and intent event, the outcome draft and both
 *       appends — the whole core pipeline of one execute of a prepared statement.</li>
 *   <li>{@link #guardCheckAndOutcomeUnprepared}: the same for an action checked once
 *       ({@code Guard.check(context, action)}, as an HTTP request or SSH command is): decision,
 *       both drafts built, both appends.</li>
 *   <li>{@link #maskRow}: one 10-column row of {@code cards} through the masker as the result
 *       set does it: two cells by column rule, eight scanned by the detectors.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {ForkedJvm.OPEN_REFLECT, ForkedJvm.EXPORT_NIO, ForkedJvm.EXPORT_REF,
        ForkedJvm.NO_DISK_MONITOR, ForkedJvm.NO_BANNER, ForkedJvm.HEAP_MIN, ForkedJvm.HEAP_MAX})
@State(Scope.Thread)
public class GuardStepsBenchmark {

    private SqlAnalyzer analyzer;
    private Action byId;
    private CallContext context;
    private Masker masker;
    private ColumnMask panMask;
    private ColumnMask emailMask;
    private List<String> row;
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private ScratchDirectory journalDirectory;
    private Journal journal;
    private Guard guard;
    private PreparedAction preparedById;
    /** The counts of the prepared SELECT's outcome, handed over as the JDBC channel does: without a map. */
    private static final OutcomeCounts ROW_COUNTS = sink -> {
        sink.add("rows", 1);
        sink.add("parameters", 1);
        sink.add("masked.pan", 1);
    };
    private EventDraft intent;
    private EventDraft outcome;
    private int nextId;
    private long shapes;

    @Setup(Level.Trial)
    public void analyse() {
        analyzer = SqlAnalyzer.builder().build();
        AnalyzedSql analyzed = analyzer.analyze(JdbcBenchmark.BY_ID);
        byId = new Action(Channel.JDBC, JdbcLibrary.RESOURCE, analyzed.redactedSql(), analyzed.action());
        context = new CallContext(JdbcLibrary.AGENT, "jdbc-8f3a61c0d2b94e75", null, null);
        masker = JdbcLibrary.POLICY.masking().masker();
        panMask = masker.columnMask("PUBLIC", "CARDS", "PAN");
        emailMask = masker.columnMask("PUBLIC", "CARDS", "EMAIL");
        if (panMask == null || emailMask == null) {
            throw new IllegalStateException("the benchmark policy must mask cards.pan and cards.email by column rule");
        }
        row = CardsTable.row(42);
        counts.put("rows", 1L);
        counts.put("parameters", 1L);
        counts.put("masked.pan", 1L);
        // The two events JdbcBenchmark's prepared SELECT leaves, as Guard and Permit build them (the
        // outcome names its intent and leaves out what the intent holds).
        intent = EventDraft.of(Phase.INTENT, Channel.JDBC)
                .agent(JdbcLibrary.AGENT.agentId())
                .onBehalfOf(JdbcLibrary.AGENT.onBehalfOf())
                .session(context.sessionId())
                .resource(JdbcLibrary.RESOURCE)
                .action(analyzed.redactedSql())
                .objects(List.of("cards"))
                .decision(Decision.ALLOWED, "read-cardholder-data");
        outcome = EventDraft.of(Phase.OUTCOME, Channel.JDBC)
                .agent(JdbcLibrary.AGENT.agentId())
                .session(context.sessionId())
                .decision(Decision.MASKED, null)
                .succeeded()
                .count("rows", 1)
                .count("parameters", 1)
                .count("masked.pan", 1)
                .duration(Duration.ofNanos(4_200))
                .extension("intent-seq", 123_456L);
    }

    @Setup(Level.Iteration)
    public void openJournal() throws JournalException {
        journalDirectory = ScratchDirectory.create("agentguard-bench-steps-");
        journal = Journal.builder(journalDirectory.path()).minFreeSpace(1L << 30).open();
        guard = Guard.builder().policy(JdbcLibrary.POLICY).journal(journal).build();
        preparedById = guard.prepare(byId);
    }

    @TearDown(Level.Iteration)
    public void closeJournal() throws JournalException {
        journal.close();
        journalDirectory.close();
    }

    @Benchmark
    public AnalyzedSql analyzeNewLiteral() {
        return analyzer.analyze(JdbcBenchmark.BY_ID_TEXT + nextId());
    }

    @Benchmark
    public AnalyzedSql analyzeNeverSeenShape() {
        String alias = "c" + ++shapes;
        return analyzer.analyze("SELECT " + alias + ".id, " + alias + ".holder FROM cards " + alias + " WHERE "
                + alias + ".id = " + nextId());
    }

    @Benchmark
    public Verdict decide() {
        return JdbcLibrary.POLICY.decide(context.identity(), byId);
    }

    @Benchmark
    public long journalIntentAndOutcome() throws JournalException {
        journal.append(intent);
        return journal.append(outcome);
    }

    @Benchmark
    public long guardCheckAndOutcome() throws ActionRefusedException, JournalException {
        Permit permit = guard.check(context, preparedById);
        permit.succeeded(ROW_COUNTS);
        return permit.intentSequence();
    }

    @Benchmark
    public long guardCheckAndOutcomeUnprepared() throws ActionRefusedException, JournalException {
        Permit permit = guard.check(context, byId);
        permit.succeeded(counts);
        return permit.intentSequence();
    }

    @Benchmark
    public long maskRow() {
        MaskTally tally = new MaskTally();
        long sum = 0;
        for (int c = 0; c < row.size(); c++) {
            String value = row.get(c);
            String shown = c == 2 ? panMask.mask(value) : c == 8 ? emailMask.mask(value) : masker.maskText(value, tally);
            sum += shown == null ? 0 : shown.length();
        }
        return sum + tally.total();
    }

    private int nextId() {
        nextId = nextId % CardsTable.H2_ROWS + 1;
        return nextId;
    }
}
