package dev.agentguard.benchmarks.jdbc;

import com.p6spy.engine.logging.Category;
import com.p6spy.engine.spy.appender.FormattedLogger;

/**
 * The p6spy appender of the benchmarks (set in {@code spy.properties}): p6spy builds and formats
 * each statement's log line as with any appender, and this one drops it, so that what is
 * measured is p6spy rather than a disk or a logging framework.
 */
public final class DiscardingP6Logger extends FormattedLogger {

    /** Where the lines go, so the JIT cannot prove the formatting unused. */
    private volatile int lastLength;

    @Override
    public void logText(String text) {
        lastLength = text.length();
    }

    @Override
    public void logException(Exception e) {
        lastLength = -1;
    }

    @Override
    public boolean isCategoryEnabled(Category category) {
        return true;
    }
}
