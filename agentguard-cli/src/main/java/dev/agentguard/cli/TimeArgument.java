package dev.agentguard.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Parses {@code --from} and {@code --until}: an ISO-8601 instant ({@code 2026-11-25T22:14:03Z}),
 * a date-time with an offset ({@code 2026-11-25T23:14:03+01:00}) or a date ({@code 2026-11-25},
 * a UTC day). A date-time without an offset is refused: which zone it meant cannot be guessed.
 */
final class TimeArgument {
    private TimeArgument() {
    }

    /** {@code --from}: a date means the start of that UTC day. */
    static final class From implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String text) {
            return parse(text, false);
        }
    }

    /** {@code --until} (exclusive): a date means up to the end of that UTC day, so the whole day is included. */
    static final class Until implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String text) {
            return parse(text, true);
        }
    }

    static Instant parse(String text, boolean dateIncludesWholeDay) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            // try the next form
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException notAnOffsetDateTime) {
            // try the next form
        }
        try {
            LocalDate day = LocalDate.parse(text);
            return (dateIncludesWholeDay ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException notADate) {
            throw new TypeConversionException("'" + text + "' is not a time: use an ISO-8601 instant "
                    + "(2026-11-25T22:14:03Z), a date-time with offset (2026-11-25T23:14:03+01:00) or a UTC date "
                    + "(2026-11-25)");
        }
    }
}
