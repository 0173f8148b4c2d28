package io.embedstream.pipeline.batching;

import org.apache.flink.api.common.state.MapState;

/** A {@link KeyValueStore} on a Flink keyed {@link MapState}. */
public record MapStateStore<K, V>(MapState<K, V> state) implements KeyValueStore<K, V> {
    @Override
    public V get(K key) throws Exception {
        return state.get(key);
    }

    @Override
    public void put(K key, V value) throws Exception {
        state.put(key, value);
    }

    @Override
    public void remove(K key) throws Exception {
        state.remove(key);
    }
}
