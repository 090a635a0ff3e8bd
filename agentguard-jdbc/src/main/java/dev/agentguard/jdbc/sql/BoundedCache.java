package dev.agentguard.jdbc.sql;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A concurrent map that never holds more than {@code capacity} entries. When full, it drops
 * an eighth of its entries in the map's own order, which is effectively random: cheaper than
 * LRU bookkeeping on every hit, and good enough for SQL whose hot shapes are re-added at once.
 * Values must be immutable; they are shared between threads.
 */
final class BoundedCache<K, V> {

    private final int capacity;
    private final ConcurrentHashMap<K, V> map;

    BoundedCache(int capacity) {
        this.capacity = capacity;
        this.map = new ConcurrentHashMap<>(Math.min(capacity, 1024));
    }

    V get(K key) {
        return capacity == 0 ? null : map.get(key);
    }

    void put(K key, V value) {
        if (capacity == 0) {
            return;
        }
        if (map.size() >= capacity) {
            evict();
        }
        map.put(key, value);
    }

    int size() {
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
