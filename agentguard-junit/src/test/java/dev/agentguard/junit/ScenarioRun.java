package dev.agentguard.junit;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Runs a small test class in-process on the JUnit Platform and reports how each test ended, so
 * that tests can check what the extension does after a test: close, delete, keep, fail.
 */
final class ScenarioRun {
    private static final String ENABLED = "agentguard.test.scenario";

    /** Marks a class that only runs inside {@link #run}, never on its own in the build or an IDE. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @ExtendWith(OnlyInScenarioRun.class)
    @interface Scenario {
    }

    /** Disables {@link Scenario} classes outside {@link #run}: several of them fail on purpose. */
    static final class OnlyInScenarioRun implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(ENABLED).isPresent()
                    ? ConditionEvaluationResult.enabled("inside a scenario run")
                    : ConditionEvaluationResult.disabled("a scenario for ExtensionLifecycleTest; fails on purpose");
        }
    }

    /**
     * How the run went.
     *
     * @param results       by test method name, or by class simple name for a class-level result
     * @param reportEntries the report entries published, by key
     */
    record Outcome(Map<String, TestExecutionResult> results, Map<String, String> reportEntries) {
        TestExecutionResult of(String name) {
            TestExecutionResult r = results.get(name);
            if (r == null) {
                throw new IllegalArgumentException("no result for " + name + " in " + results.keySet());
            }
            return r;
        }

        /** The failure message of {@code name}, which must have failed. */
        String failureOf(String name) {
            TestExecutionResult r = of(name);
            if (r.getStatus() != TestExecutionResult.Status.FAILED) {
                throw new AssertionError(name + " did not fail: " + r);
            }
            return r.getThrowable().orElseThrow().getMessage();
        }
    }

    private ScenarioRun() {
    }

    static Outcome run(Class<?> scenario, Map<String, String> configuration) {
        Map<String, String> config = new HashMap<>(configuration);
        config.put(ENABLED, "true");
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(scenario)).configurationParameters(config).build();
        Map<String, TestExecutionResult> results = new LinkedHashMap<>();
        Map<String, String> entries = new LinkedHashMap<>();
        TestExecutionListener listener = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                id.getSource().ifPresent(source -> {
                    if (source instanceof MethodSource m) {
                        results.put(m.getMethodName(), result);
                    } else if (source instanceof ClassSource c) {
                        results.put(c.getJavaClass().getSimpleName(), result);
                    }
                });
            }

            @Override
            public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
                entries.putAll(entry.getKeyValuePairs());
            }
        };
        LauncherFactory.create().execute(request, listener);
        return new Outcome(results, entries);
    }
}
