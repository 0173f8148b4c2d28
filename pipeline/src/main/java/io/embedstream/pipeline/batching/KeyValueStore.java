package io.embedstream.pipeline.batching;

/**
 * One map of the batcher's state. In the job each is a Flink {@code MapState} (RocksDB in production), so a record
 * writes the few entries it touches rather than the whole buffer; tests use hash maps.
 */
public interface KeyValueStore<K, V> {
    /** @return the value, or null when there is none */
    V get(K key) throws Exception;

    void put(K key, V value) throws Exception;

    void remove(K key) throws Exception;
}
