package io.embedstream.model.data.photo;

import java.awt.Shape;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;

/**
 * The object outlines of the photo-like set, as filled regions in a unit frame centred on the origin (extent about
 * [-0.5, 0.5]), so that a {@link SurfacePattern} can be laid over the whole surface.
 *
 * <p>Nine of them: nine, eight colours and five patterns are pairwise coprime, which lets {@link PhotoClass#of(int)}
 * map class numbers to combinations by their remainders, so the first N classes vary all three factors evenly.
 * The generator rotates objects freely, so no two outlines may be rotations of each other.
 */
public enum ObjectShape {
    DISC {
        @Override Shape outline() { return new Ellipse2D.Double(-0.5, -0.5, 1.0, 1.0); }
    },
    SQUARE {
        @Override Shape outline() { return new Rectangle2D.Double(-0.42, -0.42, 0.84, 0.84); }
    },
    TRIANGLE {
        @Override Shape outline() { return polygon(0, -0.5, 0.5, 0.4, -0.5, 0.4); }
    },
    STAR {
        @Override Shape outline() { return star(5, 0.5, 0.21); }
    },
    CROSS {
        @Override Shape outline() {
            Area a = new Area(new Rectangle2D.Double(-0.5, -0.16, 1.0, 0.32));
            a.add(new Area(new Rectangle2D.Double(-0.16, -0.5, 0.32, 1.0)));
            return a;
        }
    },
    HEXAGON {
        @Override Shape outline() { return regular(6, 0.5); }
    },
    RING {
        @Override Shape outline() {
            Area a = new Area(new Ellipse2D.Double(-0.5, -0.5, 1.0, 1.0));
            a.subtract(new Area(new Ellipse2D.Double(-0.24, -0.24, 0.48, 0.48)));
            return a;
        }
    },
    CRESCENT {
        @Override Shape outline() {
            Area a = new Area(new Ellipse2D.Double(-0.5, -0.5, 1.0, 1.0));
            a.subtract(new Area(new Ellipse2D.Double(-0.2, -0.55, 0.95, 0.95)));
            return a;
        }
    },
    PILL {
        // A long rounded bar: the one elongated outline, so that aspect ratio itself carries information.
        @Override Shape outline() { return new RoundRectangle2D.Double(-0.5, -0.2, 1.0, 0.4, 0.4, 0.4); }
    };

    /** The filled outline in the unit frame; a fresh object each call (Java2D shapes are mutable). */
    abstract Shape outline();

    private static Shape polygon(double... xy) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(xy[0], xy[1]);
        for (int i = 2; i < xy.length; i += 2) {
            p.lineTo(xy[i], xy[i + 1]);
        }
        p.closePath();
        return p;
    }

    private static Shape regular(int corners, double radius) {
        return star(corners, radius, radius * Math.cos(Math.PI / corners));
    }

    private static Shape star(int points, double outer, double inner) {
        double[] xy = new double[4 * points];
        for (int k = 0; k < 2 * points; k++) {
            double r = k % 2 == 0 ? outer : inner;
            double a = -Math.PI / 2 + k * Math.PI / points;
            xy[2 * k] = r * Math.cos(a);
            xy[2 * k + 1] = r * Math.sin(a);
        }
        return polygon(xy);
    }
}
