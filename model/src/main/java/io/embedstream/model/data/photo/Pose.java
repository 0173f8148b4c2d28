package io.embedstream.model.data.photo;

import java.awt.geom.AffineTransform;
import java.util.SplittableRandom;

/**
 * Where and how an object sits in the frame: centre, size (of its unit frame, in pixels), rotation, and a mild
 * squash that stands in for viewing the object at an angle.
 *
 * @param centreX  centre, pixels from the left
 * @param centreY  centre, pixels from the top
 * @param size     side of the unit frame in pixels
 * @param angle    rotation in radians
 * @param squash   width over height of the posed object, around 1
 */
record Pose(double centreX, double centreY, double size, double angle, double squash) {
    /** Smallest and largest object size as a share of the shorter image side. */
    static final double MIN_SCALE = 0.45;
    static final double MAX_SCALE = 0.8;
    static final double MAX_SQUASH = 0.15;

    /** A random pose in a {@code w x h} frame: any rotation, and the object's centre kept inside the frame. */
    static Pose random(int w, int h, SplittableRandom rng) {
        double side = Math.min(w, h);
        double size = side * (MIN_SCALE + (MAX_SCALE - MIN_SCALE) * rng.nextDouble());
        // Up to a quarter of a large object may leave the frame, as in a loosely framed photo.
        double slackX = Math.max(0, (w - size) / 2 + 0.15 * size);
        double slackY = Math.max(0, (h - size) / 2 + 0.15 * size);
        double cx = w / 2.0 + (rng.nextDouble() * 2 - 1) * slackX;
        double cy = h / 2.0 + (rng.nextDouble() * 2 - 1) * slackY;
        double angle = rng.nextDouble() * 2 * Math.PI;
        double squash = 1 + (rng.nextDouble() * 2 - 1) * MAX_SQUASH;
        return new Pose(cx, cy, size, angle, squash);
    }

    /** The transform from the unit frame to pixels. */
    AffineTransform transform() {
        AffineTransform t = new AffineTransform();
        t.translate(centreX, centreY);
        t.rotate(angle);
        t.scale(size * Math.sqrt(squash), size / Math.sqrt(squash));
        return t;
    }

    /** This pose in a canvas {@code factor} times larger (for supersampled rendering). */
    Pose scaled(double factor) {
        return new Pose(centreX * factor, centreY * factor, size * factor, angle, squash);
    }
}
