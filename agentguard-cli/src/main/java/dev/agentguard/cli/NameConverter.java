package dev.agentguard.cli;

import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Phase;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Reads an enum constant the way people type it: {@code denied}, {@code DENIED} and
 * {@code approval-required} all work.
 */
abstract class NameConverter<E extends Enum<E>> implements ITypeConverter<E> {
    private final Class<E> type;
    private final String what;

    NameConverter(Class<E> type, String what) {
        this.type = type;
        this.what = what;
    }

    @Override
    public E convert(String text) {
        String name = text.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(name)) {
                return constant;
            }
        }
        throw new TypeConversionException("'" + text + "' is not a " + what + "; use one of "
                + Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .collect(Collectors.joining(", ")));
    }

    /** {@code --channel}. */
    static final class ForChannel extends NameConverter<Channel> {
        ForChannel() {
            super(Channel.class, "channel");
        }
    }

    /** {@code --decision}. */
    static final class ForDecision extends NameConverter<Decision> {
        ForDecision() {
            super(Decision.class, "decision");
        }
    }

    /** {@code --phase}. */
    static final class ForPhase extends NameConverter<Phase> {
        ForPhase() {
            super(Phase.class, "phase");
        }
    }
}
