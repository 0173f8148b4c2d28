package io.embedstream.pipeline.batching;

import java.util.HashMap;
import java.util.Map;

/** A hash-map {@link KeyValueStore} that counts its operations, standing in for Flink's MapState. */
final class CountingStore<K, V> implements KeyValueStore<K, V> {
    final Map<K, V> map = new HashMap<>();
    long operations;

    @Override
    public V get(K key) {
        operations++;
        return map.get(key);
    }

    @Override
    public void put(K key, V value) {
        operations++;
        map.put(key, value);
    }

    @Override
    public void remove(K key) {
        operations++;
        map.remove(key);
    }
}
