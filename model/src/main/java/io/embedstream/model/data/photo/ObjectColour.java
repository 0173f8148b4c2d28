package io.embedstream.model.data.photo;

import java.awt.Color;
import java.util.SplittableRandom;

/**
 * The eight object colours, as hues on the HSB circle. Neighbours (red, orange, yellow) are close enough that
 * lighting and tint make them hard to tell apart, which is part of what keeps the set from being trivial.
 */
public enum ObjectColour {
    RED(0.0f), ORANGE(0.075f), YELLOW(0.155f), GREEN(0.33f), CYAN(0.5f), BLUE(0.64f), PURPLE(0.76f),
    MAGENTA(0.87f);

    /** How far one object's hue may wander from its colour's hue: well under half the closest spacing (0.075). */
    static final float HUE_JITTER = 0.015f;

    private final float hue;

    ObjectColour(float hue) {
        this.hue = hue;
    }

    /** The colour's hue in [0, 1). */
    public float hue() {
        return hue;
    }

    /** One object's colour: the hue jittered, saturated (0.75..1) and bright (0.75..1). */
    Color draw(SplittableRandom rng) {
        float h = hue + (float) ((rng.nextDouble() * 2 - 1) * HUE_JITTER);
        float s = 0.75f + 0.25f * (float) rng.nextDouble();
        float b = 0.75f + 0.25f * (float) rng.nextDouble();
        return Color.getHSBColor(h, s, b);
    }
}
