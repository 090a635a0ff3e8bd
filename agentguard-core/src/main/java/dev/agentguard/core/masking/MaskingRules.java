package dev.agentguard.core.masking;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What to mask and how: column rules over {@code schema.table.column}, text detectors with a
 * strategy each, JSON field rules for response bodies, the display limits of
 * {@link MaskStrategy#PARTIAL} and the key of {@link MaskStrategy#KEYED_HASH}. Immutable; its
 * {@link #masker()} is built once.
 *
 * <pre>{@code
 * MaskingRules rules = MaskingRules.builder()
 *         .column("*.cards.pan", MaskStrategy.PARTIAL)
 *         .column("*.cards.cvv", MaskStrategy.NULL)
 *         .detector("email", MaskStrategy.KEYED_HASH)
 *         .hashKey(MaskingKey.fromEnvironment("AGENTGUARD_MASKING_KEY"))
 *         .disableDetector("ssn")
 *         .build();
 * }</pre>
 */
public final class MaskingRules {
    /** Default for {@link Builder#partialKeepFirst(int)}: PCI DSS allows at most the first 6 digits. */
    public static final int MAX_KEEP_FIRST = 6;
    /** Default for {@link Builder#partialKeepLast(int)}: PCI DSS allows at most the last 4 digits. */
    public static final int MAX_KEEP_LAST = 4;
    /** Most leading digits {@link Builder#partialForBrand} may keep (8-digit BINs). */
    public static final int MAX_KEEP_FIRST_FOR_BRAND = 8;

    private static final MaskingRules DEFAULTS = builder().build();

    private final List<ColumnRule> columnRules;
    private final List<JsonFieldRule> jsonFieldRules;
    private final Map<String, MaskStrategy> detectorStrategies;
    private final List<Detector> detectors;
    private final int keepFirst;
    private final int keepLast;
    private final Map<CardBrand, int[]> keepByBrand;
    private final MaskingKey hashKey;
    private final Masker masker;

    private MaskingRules(Builder b) {
        this.columnRules = List.copyOf(b.columnRules);
        this.jsonFieldRules = List.copyOf(b.jsonFieldRules);
        List<Detector> enabled = new ArrayList<>();
        Map<String, MaskStrategy> strategies = new LinkedHashMap<>();
        for (Map.Entry<String, Detector> e : b.detectors.entrySet()) {
            MaskStrategy s = b.strategies.get(e.getKey());
            if (s != null) {
                enabled.add(e.getValue());
                strategies.put(e.getKey(), s);
            }
        }
        this.detectors = List.copyOf(enabled);
        this.detectorStrategies = Collections.unmodifiableMap(strategies);
        this.keepFirst = b.keepFirst;
        this.keepLast = b.keepLast;
        this.keepByBrand = Collections.unmodifiableMap(new java.util.EnumMap<>(b.keepByBrand));
        this.hashKey = b.hashKey;
        this.masker = new Masker(this);
    }

    /**
     * A builder that starts from {@link #defaults()}: every built-in detector on, no column rules,
     * partial display of the first 6 and last 4 digits, no hash key.
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Every built-in detector on: {@code pan} shown partially (first 6, last 4), the others
     * ({@code cvv}, {@code track}, {@code email}, {@code ssn}, {@code iban}, {@code secret})
     * redacted; no column rules.
     */
    public static MaskingRules defaults() {
        return DEFAULTS;
    }

    /** A builder holding these rules, to derive a variant. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.columnRules.addAll(columnRules);
        b.jsonFieldRules.addAll(jsonFieldRules);
        b.strategies.clear();
        for (Detector d : detectors) {
            b.detectors.put(d.name(), d);
            b.strategies.put(d.name(), detectorStrategies.get(d.name()));
        }
        b.keepFirst = keepFirst;
        b.keepLast = keepLast;
        b.keepByBrand.putAll(keepByBrand);
        b.hashKey = hashKey;
        return b;
    }

    /** The masker applying these rules; built once, thread-safe. */
    public Masker masker() {
        return masker;
    }

    /** Column rules in the order they are tried; the first match wins. */
    public List<ColumnRule> columnRules() {
        return columnRules;
    }

    /**
     * JSON field rules in the order they are tried; the first match wins, and they are tried
     * before the column rules, whose column part also matches JSON member names.
     */
    public List<JsonFieldRule> jsonFieldRules() {
        return jsonFieldRules;
    }

    /** Enabled detectors by name, with their strategies, in the order they run. */
    public Map<String, MaskStrategy> detectorStrategies() {
        return detectorStrategies;
    }

    List<Detector> detectors() {
        return detectors;
    }

    /** How many leading digits {@link MaskStrategy#PARTIAL} keeps of a card number. */
    public int partialKeepFirst() {
        return keepFirst;
    }

    /** How many trailing digits or characters {@link MaskStrategy#PARTIAL} keeps. */
    public int partialKeepLast() {
        return keepLast;
    }

    /** How many leading digits {@link MaskStrategy#PARTIAL} keeps of a card number of {@code brand}. */
    public int partialKeepFirst(CardBrand brand) {
        int[] setting = keepByBrand.get(brand);
        return setting == null ? keepFirst : setting[0];
    }

    /** How many trailing digits {@link MaskStrategy#PARTIAL} keeps of a card number of {@code brand}. */
    public int partialKeepLast(CardBrand brand) {
        int[] setting = keepByBrand.get(brand);
        return setting == null ? keepLast : setting[1];
    }

    PartialDisplay partialDisplay() {
        return new PartialDisplay(keepFirst, keepLast, keepByBrand);
    }

    /** Whether a {@link MaskingKey} is configured (the key itself is never exposed). */
    public boolean hasHashKey() {
        return hashKey != null;
    }

    MaskingKey hashKey() {
        return hashKey;
    }

    @Override
    public String toString() {
        return "MaskingRules[columns=" + columnRules.stream()
                .map(r -> r.pattern() + "=" + r.strategy()).collect(Collectors.joining(", ", "[", "]"))
                + (jsonFieldRules.isEmpty() ? "" : ", jsonFields=" + jsonFieldRules.stream()
                        .map(r -> r.pointer() + "=" + r.strategy()).collect(Collectors.joining(", ", "[", "]")))
                + ", detectors=" + detectorStrategies + ", partial=" + keepFirst + "/" + keepLast
                + keepByBrand.entrySet().stream().map(e -> " " + e.getKey() + "=" + e.getValue()[0] + "/" + e.getValue()[1])
                        .collect(Collectors.joining())
                + ", hashKey=" + (hashKey == null ? "none" : "set") + "]";
    }

    /** Builds {@link MaskingRules}; single values are checked here, cross-field rules in {@link #build()}. */
    public static final class Builder {
        private final List<ColumnRule> columnRules = new ArrayList<>();
        private final List<JsonFieldRule> jsonFieldRules = new ArrayList<>();
        /** Every known detector by name, built-in first, in run order. */
        private final Map<String, Detector> detectors = new LinkedHashMap<>();
        /** Strategy per enabled detector; a known detector missing here is disabled. */
        private final Map<String, MaskStrategy> strategies = new LinkedHashMap<>();
        private int keepFirst = MAX_KEEP_FIRST;
        private int keepLast = MAX_KEEP_LAST;
        private final Map<CardBrand, int[]> keepByBrand = new java.util.EnumMap<>(CardBrand.class);
        private MaskingKey hashKey;

        private Builder() {
            for (Detector d : BuiltInDetectors.ALL) {
                detectors.put(d.name(), d);
                strategies.put(d.name(), d instanceof PanDetector ? MaskStrategy.PARTIAL : MaskStrategy.REDACT);
            }
        }

        /**
         * Masks every column matching {@code pattern} (see {@link ColumnRule}) with {@code strategy};
         * rules are tried in the order added and the first match wins.
         *
         * @throws IllegalArgumentException when the pattern is malformed or already added
         */
        public Builder column(String pattern, MaskStrategy strategy) {
            ColumnRule rule = new ColumnRule(pattern, strategy);
            for (ColumnRule existing : columnRules) {
                if (existing.pattern().equalsIgnoreCase(rule.pattern())) {
                    throw new IllegalArgumentException("masking column pattern \"" + rule.pattern()
                            + "\" is given twice; the first matching rule wins, so the second would never apply:"
                            + " keep one");
                }
            }
            columnRules.add(rule);
            return this;
        }

        /**
         * Masks the value at the JSON pointer {@code pointer} (see {@link JsonFieldRule}) of JSON
         * response bodies with {@code strategy}; pointer rules are tried in the order added, before
         * the column rules, and the first match wins.
         *
         * @throws IllegalArgumentException when the pointer is malformed or already added
         */
        public Builder jsonField(String pointer, MaskStrategy strategy) {
            JsonFieldRule rule = new JsonFieldRule(pointer, strategy);
            for (JsonFieldRule existing : jsonFieldRules) {
                if (existing.pointer().equals(rule.pointer())) {
                    throw new IllegalArgumentException("JSON field pointer \"" + rule.pointer()
                            + "\" is given twice; the first matching rule wins, so the second would never apply:"
                            + " keep one");
                }
            }
            jsonFieldRules.add(rule);
            return this;
        }

        /**
         * Enables the built-in (or previously added) detector {@code name} with {@code strategy}.
         *
         * @throws IllegalArgumentException when no detector has that name
         */
        public Builder detector(String name, MaskStrategy strategy) {
            Objects.requireNonNull(strategy, "strategy");
            strategies.put(known(name), strategy);
            return this;
        }

        /**
         * Adds a detector of your own, run after the built-in ones, with {@code strategy}; its
         * {@link MaskStrategy#PARTIAL} masks every letter and digit but the last
         * {@link #partialKeepLast(int)} of a hit at least twice that long.
         *
         * @throws IllegalArgumentException when its name is blank, not lower case, or taken
         */
        public Builder detector(Detector detector, MaskStrategy strategy) {
            Objects.requireNonNull(detector, "detector");
            Objects.requireNonNull(strategy, "strategy");
            String name = detector.name();
            if (name == null || name.isBlank() || !name.equals(name.toLowerCase(Locale.ROOT))
                    || !name.chars().allMatch(c -> c == '-' || c == '_' || Character.isLetterOrDigit(c))) {
                throw new IllegalArgumentException("detector name \"" + name + "\" of " + detector.getClass().getName()
                        + " is not allowed: use lower-case letters, digits, '-' and '_'");
            }
            if (detectors.containsKey(name)) {
                throw new IllegalArgumentException("detector name \"" + name + "\" is already taken by "
                        + detectors.get(name).getClass().getName() + ": give " + detector.getClass().getName()
                        + " another name");
            }
            detectors.put(name, detector);
            strategies.put(name, strategy);
            return this;
        }

        /**
         * Turns detector {@code name} off.
         *
         * @throws IllegalArgumentException when no detector has that name
         */
        public Builder disableDetector(String name) {
            strategies.remove(known(name));
            return this;
        }

        private String known(String name) {
            Objects.requireNonNull(name, "name");
            String key = name.strip().toLowerCase(Locale.ROOT);
            if (!detectors.containsKey(key)) {
                throw new IllegalArgumentException("unknown detector \"" + name + "\": known detectors are "
                        + String.join(", ", detectors.keySet()));
            }
            return key;
        }

        /** The key for {@link MaskStrategy#KEYED_HASH}; required as soon as any rule uses it. */
        public Builder hashKey(MaskingKey key) {
            this.hashKey = Objects.requireNonNull(key, "key");
            return this;
        }

        /**
         * How many leading digits of a card number {@link MaskStrategy#PARTIAL} keeps, 0 to 6
         * (default 6).
         *
         * @throws IllegalArgumentException outside 0 to 6
         */
        public Builder partialKeepFirst(int digits) {
            if (digits < 0 || digits > MAX_KEEP_FIRST) {
                throw new IllegalArgumentException("partialKeepFirst is " + digits + ", allowed are 0 to "
                        + MAX_KEEP_FIRST + ": PCI DSS 3.4.1 allows showing at most the first 6 digits of a PAN");
            }
            this.keepFirst = digits;
            return this;
        }

        /**
         * Partial display for one card brand, where the brand's rules differ from the default:
         * for example the first 8 digits of 16-digit PANs with 8-digit BINs (PCI SSC FAQ 1091), or
         * only the last 4 for a brand whose acquirer asks for it. Leading digits 0 to
         * {@value #MAX_KEEP_FIRST_FOR_BRAND}, trailing 0 to {@value #MAX_KEEP_LAST}; digits beyond the
         * sixth are shown only where at least 4 stay hidden (8 + 4 of a 16-digit PAN, 6 + 4 of a
         * 13-digit one).
         *
         * @throws IllegalArgumentException outside those ranges
         */
        public Builder partialForBrand(CardBrand brand, int keepFirst, int keepLast) {
            Objects.requireNonNull(brand, "brand");
            if (keepFirst < 0 || keepFirst > MAX_KEEP_FIRST_FOR_BRAND) {
                throw new IllegalArgumentException("partial keepFirst for " + brand + " is " + keepFirst
                        + ", allowed are 0 to " + MAX_KEEP_FIRST_FOR_BRAND
                        + ": a brand's BIN rules allow showing at most the first 8 digits");
            }
            if (keepLast < 0 || keepLast > MAX_KEEP_LAST) {
                throw new IllegalArgumentException("partial keepLast for " + brand + " is " + keepLast
                        + ", allowed are 0 to " + MAX_KEEP_LAST + ": PCI DSS 3.4.1 allows showing at most the last 4 digits");
            }
            keepByBrand.put(brand, new int[] {keepFirst, keepLast});
            return this;
        }

        /**
         * How many trailing digits or characters {@link MaskStrategy#PARTIAL} keeps, 0 to 4
         * (default 4).
         *
         * @throws IllegalArgumentException outside 0 to 4
         */
        public Builder partialKeepLast(int digits) {
            if (digits < 0 || digits > MAX_KEEP_LAST) {
                throw new IllegalArgumentException("partialKeepLast is " + digits + ", allowed are 0 to "
                        + MAX_KEEP_LAST + ": PCI DSS 3.4.1 allows showing at most the last 4 digits of a PAN");
            }
            this.keepLast = digits;
            return this;
        }

        /**
         * The rules.
         *
         * @throws IllegalStateException when a rule uses {@link MaskStrategy#KEYED_HASH} and no
         *                               {@link #hashKey(MaskingKey)} is set (there is no unkeyed fallback)
         */
        public MaskingRules build() {
            if (hashKey == null) {
                List<String> users = new ArrayList<>();
                for (ColumnRule r : columnRules) {
                    if (r.strategy() == MaskStrategy.KEYED_HASH) {
                        users.add("column \"" + r.pattern() + "\"");
                    }
                }
                for (JsonFieldRule r : jsonFieldRules) {
                    if (r.strategy() == MaskStrategy.KEYED_HASH) {
                        users.add("JSON field \"" + r.pointer() + "\"");
                    }
                }
                for (Map.Entry<String, MaskStrategy> e : strategies.entrySet()) {
                    if (e.getValue() == MaskStrategy.KEYED_HASH) {
                        users.add("detector \"" + e.getKey() + "\"");
                    }
                }
                if (!users.isEmpty()) {
                    throw new IllegalStateException("masking strategy KEYED_HASH is used by " + String.join(", ", users)
                            + " but no hash key is set: set hashKey (e.g. from an environment variable holding"
                            + " `openssl rand -base64 32`) or use another strategy; there is no unkeyed hash");
                }
            }
            return new MaskingRules(this);
        }
    }
}
