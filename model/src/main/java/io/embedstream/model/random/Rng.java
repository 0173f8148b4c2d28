package io.embedstream.model.random;

/**
 * A SplitMix64 generator whose whole state is one long, so that it can be checkpointed and restored
 * exactly (java.util.Random and SplittableRandom do not expose their state).
 */
public final class Rng {
    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    /** The complete state; {@code new Rng(rng.state())} continues the same sequence. */
    public long state() {
        return state;
    }

    public long nextLong() {
        return mix(state += 0x9E3779B97F4A7C15L);
    }

    /**
     * SplitMix64's output function (Stafford's "Mix13" finaliser): a bijection of the 64-bit values that spreads
     * every input bit over the output. {@link #nextLong()} is {@code mix} of a state that advances by a fixed odd
     * step; on its own it hashes seeds, indices and digests into well-mixed longs.
     */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1). */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        return (int) Math.floorMod(nextLong(), (long) bound);
    }

    /** Standard normal by Box-Muller; no cached spare value, so the state stays one long. */
    public double nextGaussian() {
        double u1 = nextDouble();
        double u2 = nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Fisher-Yates shuffle of an index permutation of length n. */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
