package dev.agentguard.junit;

import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.JournalException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;

/**
 * Gives each test a fresh, temporary {@link Journal}: opened in a new directory before the test
 * (on first use), closed after it, even when the test fails, and then deleted.
 *
 * <p>Register it with {@code @ExtendWith(AgentGuardJournalExtension.class)} or, simpler, annotate
 * a field or parameter with {@link TempJournal}. It injects, into {@code @TempJournal} fields and
 * into parameters of test, {@code @BeforeEach} and {@code @AfterEach} methods:
 * <ul>
 *   <li>{@link Journal}: the test's journal, to hand to the code under test;</li>
 *   <li>{@link JournalAssert}: assertions over that journal, reading it afresh each time.</li>
 * </ul>
 * All of one test's injections share one journal.
 *
 * <p>After the test: if closing the journal fails, the test fails with that error. The journal
 * directory is then deleted, unless the test failed and the configuration parameter (or system
 * property) {@value #KEEP_JOURNALS} is {@code true}: then it is kept for inspection with the
 * {@code agentguard} tool, and its path is logged and published as the report entry
 * {@code agentguard.journal}. Journals are created under {@value #JOURNAL_DIR} if set, else
 * under {@code java.io.tmpdir}; point it at a directory that CI archives.
 */
public final class AgentGuardJournalExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
    /** Set to {@code true} to keep the journals of failed tests. */
    public static final String KEEP_JOURNALS = "agentguard.keepJournals";

    /** The directory under which test journals are created (default: {@code java.io.tmpdir}). */
    public static final String JOURNAL_DIR = "agentguard.journalDir";

    private static final Logger LOG = LoggerFactory.getLogger(AgentGuardJournalExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(AgentGuardJournalExtension.class);
    private static final String KEY = "journal";

    /** Used by JUnit; register with {@code @ExtendWith} or {@link TempJournal}. */
    public AgentGuardJournalExtension() {
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            for (Field field : AnnotationSupport.findAnnotatedFields(instance.getClass(), TempJournal.class)) {
                inject(context, instance, field);
            }
        }
    }

    private void inject(ExtensionContext context, Object instance, Field field) {
        String who = "field " + field.getDeclaringClass().getSimpleName() + "." + field.getName();
        if (Modifier.isStatic(field.getModifiers())) {
            throw new ExtensionConfigurationException("@TempJournal " + who
                    + " is static, but a temporary journal lives for one test: make it an instance field");
        }
        if (Modifier.isFinal(field.getModifiers())) {
            throw new ExtensionConfigurationException("@TempJournal " + who
                    + " is final, but it is assigned before each test: remove final");
        }
        if (!isInjectable(field.getType())) {
            throw new ExtensionConfigurationException("@TempJournal " + who + " has type "
                    + field.getType().getSimpleName() + "; use Journal or JournalAssert");
        }
        TestJournal journal = journalFor(context, field.getAnnotation(TempJournal.class), who);
        try {
            field.setAccessible(true);
            field.set(instance, valueOf(field.getType(), journal));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExtensionConfigurationException("cannot assign @TempJournal " + who + ": " + e, e);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return isInjectable(parameter.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Executable executable = parameter.getDeclaringExecutable();
        String owner = executable.getDeclaringClass().getSimpleName();
        String who = "parameter " + (parameter.getIndex() + 1) + " of "
                + (executable instanceof Constructor ? "the constructor of " + owner : owner + "." + executable.getName() + "()");
        if (context.getTestMethod().isEmpty()) {
            throw new ParameterResolutionException("A temporary journal lives for one test, so it cannot be given to "
                    + who + "; take it in the test method, a @BeforeEach or @AfterEach method, or a @TempJournal field");
        }
        try {
            TestJournal journal = journalFor(context, parameter.findAnnotation(TempJournal.class).orElse(null), who);
            return valueOf(parameter.getParameter().getType(), journal);
        } catch (ExtensionConfigurationException e) {
            throw e.getCause() == null ? new ParameterResolutionException(e.getMessage())
                    : new ParameterResolutionException(e.getMessage(), e.getCause());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws JournalException {
        TestJournal journal = context.getStore(NAMESPACE).remove(KEY, TestJournal.class);
        if (journal == null) {
            return;
        }
        boolean closed = false;
        try {
            // A failure here becomes the test's failure (or is added to it), so a journal that
            // cannot be closed cleanly never goes unnoticed.
            journal.journal().close();
            closed = true;
        } finally {
            // An aborted test (a failed assumption) did not fail: nothing to inspect.
            boolean failed = !closed || context.getExecutionException()
                    .filter(e -> !(e instanceof TestAbortedException)).isPresent();
            if (failed && keepJournals(context)) {
                LOG.warn("kept the journal of failed test {} at {} ({}=true)", context.getDisplayName(),
                        journal.directory(), KEEP_JOURNALS);
                context.publishReportEntry("agentguard.journal", journal.directory().toString());
            } else {
                try {
                    journal.delete();
                } catch (IOException e) {
                    LOG.warn("could not delete the test journal {}: {}", journal.directory(), e.toString());
                }
            }
        }
    }

    private static TestJournal journalFor(ExtensionContext context, TempJournal annotation, String who) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        TestJournal journal = store.get(KEY, TestJournal.class);
        JournalSettings wanted = annotation == null ? null : JournalSettings.of(annotation);
        if (journal == null) {
            try {
                journal = TestJournal.open(root(context), directoryName(context),
                        wanted == null ? JournalSettings.defaults() : wanted, wanted == null ? null : who);
            } catch (JournalException | IllegalArgumentException e) {
                throw new ExtensionConfigurationException("@TempJournal could not open a journal for " + who + ": "
                        + e.getMessage(), e);
            }
            store.put(KEY, journal);
        } else if (wanted != null && !wanted.equals(journal.settings())) {
            throw new ExtensionConfigurationException("@TempJournal on " + who + " asks for " + wanted
                    + ", but this test's journal was already opened with " + journal.settings()
                    + (journal.configuredBy() == null ? " (the defaults, for an unannotated Journal or JournalAssert)"
                            : " for " + journal.configuredBy())
                    + "; a test has one journal: configure it with @TempJournal in one place");
        }
        return journal;
    }

    private static boolean isInjectable(Class<?> type) {
        return type == Journal.class || type == JournalAssert.class;
    }

    private static Object valueOf(Class<?> type, TestJournal journal) {
        return type == Journal.class ? journal.journal() : JournalAssertions.assertThat(journal.journal());
    }

    private static boolean keepJournals(ExtensionContext context) {
        return context.getConfigurationParameter(KEEP_JOURNALS).map(Boolean::parseBoolean).orElse(false);
    }

    private static Path root(ExtensionContext context) {
        return context.getConfigurationParameter(JOURNAL_DIR).map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** The test class and method, so that a kept journal is easy to find. */
    private static String directoryName(ExtensionContext context) {
        String name = context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName();
        name = name.replaceAll("[^A-Za-z0-9_.-]", "_");
        return name.length() > 80 ? name.substring(0, 80) : name;
    }
}
