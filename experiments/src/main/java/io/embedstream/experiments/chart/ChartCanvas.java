package io.embedstream.experiments.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The frame every chart shares, drawn with Java2D on an off-screen image (headless-safe): white background,
 * title, plot area with a y grid and numbered ticks, axis labels and a legend box. Charts map their data into
 * the plot area with {@link #x(double)} and {@link #y(double)}.
 */
final class ChartCanvas {
    static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)
    };
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;

    final BufferedImage image;
    final Graphics2D g;
    final int width;
    final int height;
    final double xMin;
    final double xMax;
    final double yMin;
    final double yMax;

    ChartCanvas(int width, int height, double xMin, double xMax, double yMin, double yMax) {
        this.width = width;
        this.height = height;
        this.xMin = xMin;
        this.xMax = xMax > xMin ? xMax : xMin + 1;
        this.yMin = yMin;
        this.yMax = yMax > yMin ? yMax : yMin + 1;
        this.image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        this.g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
    }

    int plotLeft() {
        return LEFT;
    }

    int plotRight() {
        return width - RIGHT;
    }

    int plotTop() {
        return TOP;
    }

    int plotBottom() {
        return height - BOTTOM;
    }

    int x(double v) {
        return (int) Math.round(LEFT + (v - xMin) / (xMax - xMin) * (plotRight() - LEFT));
    }

    int y(double v) {
        return (int) Math.round(plotBottom() - (v - yMin) / (yMax - yMin) * (plotBottom() - TOP));
    }

    /** Title, y grid with ticks, axes and axis labels; x ticks too unless the chart labels categories itself. */
    void frame(String title, String xLabel, String yLabel, boolean xTicks) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        centered(title, width / 2, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics fm = g.getFontMetrics();
        for (double t : ticks(yMin, yMax)) {
            int py = y(t);
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(LEFT, py, plotRight(), py);
            g.setColor(Color.DARK_GRAY);
            String s = format(t);
            g.drawString(s, LEFT - 8 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
        }
        if (xTicks) {
            for (double t : ticks(xMin, xMax)) {
                int px = x(t);
                g.setColor(Color.DARK_GRAY);
                g.drawLine(px, plotBottom(), px, plotBottom() + 5);
                centered(format(t), px, plotBottom() + 20);
            }
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1.2f));
        g.drawLine(LEFT, plotBottom(), plotRight(), plotBottom());
        g.drawLine(LEFT, TOP, LEFT, plotBottom());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        centered(xLabel, (LEFT + plotRight()) / 2, height - 18);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        centered(yLabel, -(TOP + plotBottom()) / 2, 22);
        g.setTransform(saved);
    }

    /** A legend box in the top-right corner of the plot area: a colour swatch and a name per entry. */
    void legend(List<String> names, List<Color> colors) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics fm = g.getFontMetrics();
        int w = 0;
        for (String n : names) {
            w = Math.max(w, fm.stringWidth(n));
        }
        int boxW = w + 44;
        int boxH = names.size() * 20 + 10;
        int bx = plotRight() - boxW - 10;
        int by = TOP + 10;
        g.setColor(new Color(255, 255, 255, 230));
        g.fillRect(bx, by, boxW, boxH);
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(bx, by, boxW, boxH);
        for (int i = 0; i < names.size(); i++) {
            int ly = by + 18 + i * 20;
            g.setColor(colors.get(i));
            g.setStroke(new BasicStroke(3f));
            g.drawLine(bx + 8, ly - 5, bx + 30, ly - 5);
            g.setColor(Color.BLACK);
            g.drawString(names.get(i), bx + 36, ly);
        }
    }

    void centered(String s, int cx, int baseline) {
        g.drawString(s, cx - g.getFontMetrics().stringWidth(s) / 2, baseline);
    }

    void write(Path file) throws IOException {
        g.dispose();
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer available for " + file);
        }
    }

    /** About five round tick values covering [lo, hi]. */
    static double[] ticks(double lo, double hi) {
        double span = hi - lo;
        double raw = span / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
        double first = Math.ceil(lo / step - 1e-9) * step;
        int count = (int) Math.floor((hi - first) / step + 1e-9) + 1;
        double[] t = new double[Math.max(0, count)];
        for (int i = 0; i < t.length; i++) {
            t[i] = first + i * step;
        }
        return t;
    }

    static String format(double v) {
        if (Math.abs(v) >= 1000 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return Math.abs(v) >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
