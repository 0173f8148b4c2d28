package io.embedstream.model.data.photo;

import java.util.SplittableRandom;

/**
 * Smooth random values on the unit square: random values on a {@code cells x cells} lattice, interpolated with a
 * smoothstep so the texture has no visible grid. The cheapest noise that gives natural-looking blotches.
 */
final class ValueNoise {
    private final int cells;
    private final double[] lattice;

    private ValueNoise(int cells, double[] lattice) {
        this.cells = cells;
        this.lattice = lattice;
    }

    static ValueNoise random(int cells, SplittableRandom rng) {
        double[] lattice = new double[(cells + 1) * (cells + 1)];
        for (int i = 0; i < lattice.length; i++) {
            lattice[i] = rng.nextDouble();
        }
        return new ValueNoise(cells, lattice);
    }

    /** The value in [0, 1] at (u, v) in [0, 1]^2. */
    double at(double u, double v) {
        double x = Math.max(0, Math.min(cells - 1e-9, u * cells));
        double y = Math.max(0, Math.min(cells - 1e-9, v * cells));
        int x0 = (int) x;
        int y0 = (int) y;
        double tx = smooth(x - x0);
        double ty = smooth(y - y0);
        int row = cells + 1;
        double top = lattice[y0 * row + x0] * (1 - tx) + lattice[y0 * row + x0 + 1] * tx;
        double bottom = lattice[(y0 + 1) * row + x0] * (1 - tx) + lattice[(y0 + 1) * row + x0 + 1] * tx;
        return top * (1 - ty) + bottom * ty;
    }

    private static double smooth(double t) {
        return t * t * (3 - 2 * t);
    }
}
