package dev.agentguard.core.cache;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A concurrent map that never holds more than {@code capacity} entries, for what the channels
 * work out once and reuse: SQL analyses, prepared command lines, request actions. When full, it
 * drops an eighth of its entries in the map's own order, which is effectively random: cheaper
 * than LRU bookkeeping on every hit, and good enough for the hot entries, which are re-added at
 * once. Values must be immutable; they are shared between threads. A capacity of 0 keeps nothing.
 *
 * @param <K> the key
 * @param <V> the value, immutable
 */
public final class BoundedCache<K, V> {

    private final int capacity;
    private final ConcurrentHashMap<K, V> map;

    /** A cache of at most {@code capacity} entries (0 keeps nothing). */
    public BoundedCache(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be 0 or more, got " + capacity);
        }
        this.capacity = capacity;
        this.map = new ConcurrentHashMap<>(Math.min(capacity, 1024));
    }

    /** The value kept for {@code key}, or {@code null}. */
    public V get(K key) {
        return capacity == 0 ? null : map.get(key);
    }

    /** Keeps {@code value} for {@code key}, dropping an eighth of the entries first when full. */
    public void put(K key, V value) {
        if (capacity == 0) {
            return;
        }
        if (map.size() >= capacity) {
            evict();
        }
        map.put(key, value);
    }

    /**
     * Keeps {@code value} for {@code key} unless a value is kept already, and returns the value kept
     * (so that threads that worked out the same entry at once all use one).
     */
    public V putIfAbsent(K key, V value) {
        if (capacity == 0) {
            return value;
        }
        if (map.size() >= capacity) {
            evict();
        }
        V first = map.putIfAbsent(key, value);
        return first != null ? first : value;
    }

    /** How many entries are kept. */
    public int size() {
        return map.size();
    }

    private void evict() {
        int toRemove = Math.max(1, capacity / 8);
        Iterator<K> keys = map.keySet().iterator();
        while (toRemove-- > 0 && keys.hasNext()) {
            keys.next();
            keys.remove();
        }
    }
}
