package io.embedstream.model.data.photo;

import java.awt.Color;
import java.awt.Shape;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;

/**
 * What is printed on an object's surface, as a region in the object's unit frame: it is intersected with the
 * outline and posed with it, so the pattern turns and scales with the object, and is drawn as anti-aliased
 * geometry rather than a texture (a clipped texture would have jagged edges).
 */
public enum SurfacePattern {
    SOLID {
        @Override Area region() { return new Area(); }
    },
    STRIPES {
        @Override Area region() {
            Area a = new Area();
            for (double x = -0.5; x < 0.5; x += 0.25) {
                a.add(new Area(new Rectangle2D.Double(x, -0.6, 0.125, 1.2)));
            }
            return a;
        }
    },
    DOTS {
        @Override Area region() {
            Area a = new Area();
            for (double y = -0.375; y < 0.5; y += 0.25) {
                for (double x = -0.375; x < 0.5; x += 0.25) {
                    a.add(new Area(new Ellipse2D.Double(x - 0.07, y - 0.07, 0.14, 0.14)));
                }
            }
            return a;
        }
    },
    CHECKS {
        @Override Area region() {
            Area a = new Area();
            for (int row = 0; row < 4; row++) {
                for (int col = row % 2; col < 4; col += 2) {
                    a.add(new Area(new Rectangle2D.Double(-0.5 + 0.25 * col, -0.5 + 0.25 * row, 0.25, 0.25)));
                }
            }
            return a;
        }
    },
    BULLSEYE {
        @Override Area region() {
            Area a = new Area();
            for (double r = 0.42; r > 0; r -= 0.16) {
                Area band = new Area(disc(r));
                band.subtract(new Area(disc(r - 0.08)));
                a.add(band);
            }
            return a;
        }
    };

    /** The printed region in the unit frame, before intersection with an outline; empty for {@link #SOLID}. */
    abstract Area region();

    /** The print colour on an object of colour {@code base}: dark on light colours, light on dark ones. */
    static Color inkOn(Color base) {
        double luma = 0.299 * base.getRed() + 0.587 * base.getGreen() + 0.114 * base.getBlue();
        if (luma > 140) {
            return new Color((int) (base.getRed() * 0.3), (int) (base.getGreen() * 0.3), (int) (base.getBlue() * 0.3));
        }
        return new Color(mixWhite(base.getRed()), mixWhite(base.getGreen()), mixWhite(base.getBlue()));
    }

    private static int mixWhite(int v) {
        return (int) Math.round(v * 0.3 + 255 * 0.7);
    }

    private static Shape disc(double r) {
        return new Ellipse2D.Double(-r, -r, 2 * r, 2 * r);
    }
}
