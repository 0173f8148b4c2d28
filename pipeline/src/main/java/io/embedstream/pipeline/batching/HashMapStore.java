package io.embedstream.pipeline.batching;

import java.util.HashMap;
import java.util.Map;

/** A {@link KeyValueStore} in a hash map: for running the batcher outside Flink (experiments, benchmarks). */
public final class HashMapStore<K, V> implements KeyValueStore<K, V> {
    private final Map<K, V> map = new HashMap<>();

    @Override
    public V get(K key) {
        return map.get(key);
    }

    @Override
    public void put(K key, V value) {
        map.put(key, value);
    }

    @Override
    public void remove(K key) {
        map.remove(key);
    }

    public int size() {
        return map.size();
    }

    /** Four empty stores for one batcher. */
    public static BatcherStores stores() {
        return new BatcherStores(new HashMapStore<>(), new HashMapStore<>(), new HashMapStore<>(),
                new HashMapStore<>());
    }
}
