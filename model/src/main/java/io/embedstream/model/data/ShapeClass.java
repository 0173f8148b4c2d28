package io.embedstream.model.data;

import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;

/**
 * The ten shape classes drawn by {@link SyntheticShapes}, in label order. Geometry is given in a unit frame
 * centred on the origin (extent about [-0.5, 0.5]); the generator poses, scales and rasterises it.
 *
 * <p>Rotation is limited by the generator to a few tens of degrees, so that shapes that are rotations of each
 * other in principle (square/diamond, plus/X) never are in practice: the diamond is drawn as a tall outline and
 * there is no X class, the hourglass takes its place.
 */
public enum ShapeClass {
    DISC(true) {
        @Override Shape geometry() { return new Ellipse2D.Double(-0.5, -0.5, 1.0, 1.0); }
    },
    SQUARE(true) {
        @Override Shape geometry() { return new Rectangle2D.Double(-0.42, -0.42, 0.84, 0.84); }
    },
    TRIANGLE(true) {
        @Override Shape geometry() { return polygon(0, -0.5, 0.5, 0.45, -0.5, 0.45); }
    },
    PLUS(false) {
        @Override Shape geometry() {
            Path2D.Double p = new Path2D.Double();
            p.append(new Line2D.Double(-0.5, 0, 0.5, 0), false);
            p.append(new Line2D.Double(0, -0.5, 0, 0.5), false);
            return p;
        }
    },
    RING(false) {
        @Override Shape geometry() { return new Ellipse2D.Double(-0.42, -0.42, 0.84, 0.84); }
    },
    BAR_PAIR(false) {
        @Override Shape geometry() {
            Path2D.Double p = new Path2D.Double();
            p.append(new Line2D.Double(-0.5, -0.22, 0.5, -0.22), false);
            p.append(new Line2D.Double(-0.5, 0.22, 0.5, 0.22), false);
            return p;
        }
    },
    STAR(true) {
        @Override Shape geometry() {
            double[] xy = new double[20];
            for (int k = 0; k < 10; k++) {
                double r = (k % 2 == 0) ? 0.5 : 0.2;
                double a = -Math.PI / 2 + k * Math.PI / 5;
                xy[2 * k] = r * Math.cos(a);
                xy[2 * k + 1] = r * Math.sin(a);
            }
            return polygon(xy);
        }
    },
    ARROW(false) {
        @Override Shape geometry() {
            Path2D.Double p = new Path2D.Double();
            p.append(new Line2D.Double(-0.5, 0, 0.5, 0), false);
            p.moveTo(0.15, -0.3);
            p.lineTo(0.5, 0);
            p.lineTo(0.15, 0.3);
            return p;
        }
    },
    DIAMOND(false) {
        @Override Shape geometry() { return polygon(0, -0.5, 0.35, 0, 0, 0.5, -0.35, 0); }
    },
    HOURGLASS(true) {
        @Override Shape geometry() {
            Path2D.Double p = new Path2D.Double();
            p.append(polygon(-0.4, -0.5, 0.4, -0.5, 0, 0), false);
            p.append(polygon(-0.4, 0.5, 0.4, 0.5, 0, 0), false);
            return p;
        }
    };

    private final boolean filled;

    ShapeClass(boolean filled) {
        this.filled = filled;
    }

    /** Whether the geometry is filled (true) or drawn as a stroke of random width (false). */
    public boolean filled() {
        return filled;
    }

    /** The class label, which is the ordinal. */
    public int label() {
        return ordinal();
    }

    /** The shape in the unit frame; a fresh object each call (Java2D shapes are mutable). */
    abstract Shape geometry();

    private static Shape polygon(double... xy) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(xy[0], xy[1]);
        for (int i = 2; i < xy.length; i += 2) {
            p.lineTo(xy[i], xy[i + 1]);
        }
        p.closePath();
        return p;
    }
}
