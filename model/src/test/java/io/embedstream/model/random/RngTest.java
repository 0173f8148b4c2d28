package io.embedstream.model.random;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RngTest {

    @Test
    void nextLongIsSplitMix64() {
        // The first outputs of the reference splitmix64.c (Vigna) from seed 0: seeds, digests and checkpoints
        // depend on these exact values.
        Rng rng = new Rng(0);
        assertEquals(0xE220A8397B1DCDAFL, rng.nextLong());
        assertEquals(0x6E789E6AA1B965F4L, rng.nextLong());
        assertEquals(0x06C45D188009454FL, rng.nextLong());
    }

    @Test
    void nextLongIsMixOfTheAdvancedState() {
        Rng rng = new Rng(42);
        for (int i = 1; i <= 5; i++) {
            assertEquals(Rng.mix(42 + i * 0x9E3779B97F4A7C15L), rng.nextLong());
        }
        assertEquals(0L, Rng.mix(0L));
    }
}
