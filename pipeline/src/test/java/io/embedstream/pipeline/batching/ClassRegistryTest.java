package io.embedstream.pipeline.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClassRegistryTest {
    private final CountingStore<String, Integer> byName = new CountingStore<>();
    private final CountingStore<Integer, String> byIndex = new CountingStore<>();
    private final BatcherIndex index = BatcherIndex.create(1);

    private ClassRegistry registry(int capacity) {
        return new ClassRegistry(byName, byIndex, index, capacity); // a new one per record, as the operator does
    }

    @Test
    void integersKeepTheirIndexAndNamesTakeTheLowestFreeOne() throws Exception {
        assertEquals(new ClassRegistry.Resolution(2, true, null), registry(5).resolve(2, null));
        assertEquals(new ClassRegistry.Resolution(0, true, null), registry(5).resolve(-1, "cat"));
        assertEquals(new ClassRegistry.Resolution(1, true, null), registry(5).resolve(-1, "dog"));
        assertEquals(new ClassRegistry.Resolution(3, true, null), registry(5).resolve(-1, "owl")); // 2 is taken
        assertEquals(new ClassRegistry.Resolution(0, false, null), registry(5).resolve(-1, "cat"));
        assertEquals(new ClassRegistry.Resolution(2, false, null), registry(5).resolve(2, null));
        assertEquals("2", byIndex.map.get(2));
        assertEquals(4, index.registeredClasses);
    }

    @Test
    void aNewNameBeyondTheCapacityAndAnIntegerThatANameHoldsAreRefused() throws Exception {
        registry(2).resolve(-1, "cat");
        registry(2).resolve(-1, "dog");
        ClassRegistry.Resolution full = registry(2).resolve(-1, "owl");
        assertTrue(full.refused());
        assertEquals("class capacity of 2 reached: new class 'owl' not registered (raise classes.max)",
                full.refusal());
        assertFalse(registry(2).resolve(-1, "dog").refused(), "known names still resolve at capacity");
        ClassRegistry.Resolution taken = registry(2).resolve(1, null);
        assertEquals("label 1 is the index of class 'dog': a stream that names its classes cannot also give them"
                + " as integers", taken.refusal());
        assertEquals(2, index.registeredClasses);
        assertFalse(byName.map.containsKey("owl"));
    }

    @Test
    void registeringThousandsOfNamesTouchesAConstantNumberOfEntriesEach() throws Exception {
        for (int i = 0; i < 5000; i += 2) {
            registry(100_000).resolve(i, null); // every other index held by an integer label
        }
        long before = byName.operations + byIndex.operations;
        for (int i = 0; i < 10_000; i++) {
            assertFalse(registry(100_000).resolve(-1, "class-" + i).refused());
        }
        double perName = (byName.operations + byIndex.operations - before) / 10_000.0;
        assertTrue(perName < 6, "state operations per new name: " + perName);
        assertEquals(12_500, index.registeredClasses);
        assertEquals(1, byName.map.get("class-0"));
        // 2,500 names fill the odd indices below 5,000; the other 7,500 follow from 5,000 on.
        assertEquals(4999, byName.map.get("class-2499"));
        assertEquals(12_499, byName.map.get("class-9999"));
    }
}
