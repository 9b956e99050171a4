package io.offload.bench;

import io.vertx.core.json.JsonObject;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Renders latency vs payload (log-log, median solid, p99 dashed) for the four transports from the
 * results JSON, with Java2D into a PNG. No fonts or libraries beyond the JDK.
 */
final class Plot {

  private static final Color[] COLORS = {new Color(0x33, 0x33, 0x33), new Color(0xd6, 0x27, 0x28),
      new Color(0xff, 0x99, 0x33), new Color(0x94, 0x67, 0xbd), new Color(0x1f, 0x77, 0xb4), new Color(0x2c, 0xa0, 0x2c)};
  private static final int W = 900;
  private static final int H = 560;
  private static final int LEFT = 80;
  private static final int RIGHT = 240;
  private static final int TOP = 50;
  private static final int BOTTOM = 60;

  private Plot() {
  }

  static void render(JsonObject result, Path file) throws IOException {
    double min = Double.MAX_VALUE;
    double max = 0;
    for (String t : Report.TRANSPORTS) {
      for (int size : Plan.SIZES) {
        JsonObject o = Report.find(result, t, "rtt", size);
        if (o != null) {
          min = Math.min(min, o.getDouble("p50Us"));
          max = Math.max(max, o.getDouble("p99Us"));
        }
      }
    }
    if (max == 0) {
      throw new IOException("no round-trip results to plot");
    }
    double yLo = Math.floor(Math.log10(min));
    double yHi = Math.ceil(Math.log10(max));
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, W, H);
    int pw = W - LEFT - RIGHT;
    int ph = H - TOP - BOTTOM;
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.setColor(Color.BLACK);
    g.drawString("Round trip vs payload, two JVMs on loopback (median solid, p99 dashed)", LEFT, 28);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    // y grid: decades
    for (double d = yLo; d <= yHi; d++) {
      int y = TOP + (int) Math.round(ph * (yHi - d) / (yHi - yLo));
      g.setColor(new Color(0xdd, 0xdd, 0xdd));
      g.drawLine(LEFT, y, LEFT + pw, y);
      g.setColor(Color.BLACK);
      String label = d >= 3 ? String.format(Locale.ROOT, "%.0f ms", Math.pow(10, d - 3))
          : String.format(Locale.ROOT, "%s µs", trim(Math.pow(10, d)));
      g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
    }
    // x axis: the sizes, evenly on log2
    double xLo = Math.log(Plan.SIZES[0]) / Math.log(2);
    double xHi = Math.log(Plan.SIZES[Plan.SIZES.length - 1]) / Math.log(2);
    for (int size : Plan.SIZES) {
      int x = x(size, xLo, xHi, pw);
      g.setColor(new Color(0xee, 0xee, 0xee));
      g.drawLine(x, TOP, x, TOP + ph);
      g.setColor(Color.BLACK);
      String label = Plan.label(size);
      g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, TOP + ph + 18);
    }
    g.drawString("payload", LEFT + pw / 2 - 20, TOP + ph + 40);
    g.drawRect(LEFT, TOP, pw, ph);
    for (int i = 0; i < Report.TRANSPORTS.length; i++) {
      for (boolean p99 : new boolean[] {false, true}) {
        g.setColor(COLORS[i]);
        g.setStroke(p99 ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {6, 5}, 0)
            : new BasicStroke(2.5f));
        int px = -1;
        int py = -1;
        for (int size : Plan.SIZES) {
          JsonObject o = Report.find(result, Report.TRANSPORTS[i], "rtt", size);
          if (o == null) {
            continue;
          }
          double v = o.getDouble(p99 ? "p99Us" : "p50Us");
          int x = x(size, xLo, xHi, pw);
          int y = TOP + (int) Math.round(ph * (yHi - Math.log10(v)) / (yHi - yLo));
          if (px >= 0) {
            g.drawLine(px, py, x, y);
          }
          if (!p99) {
            g.fillOval(x - 4, y - 4, 8, 8);
          }
          px = x;
          py = y;
        }
      }
      int ly = TOP + 20 + i * 24;
      g.setStroke(new BasicStroke(2.5f));
      g.drawLine(LEFT + pw + 20, ly, LEFT + pw + 50, ly);
      g.setColor(Color.BLACK);
      g.drawString(Report.NAMES[i], LEFT + pw + 58, ly + 4);
    }
    JsonObject m = result.getJsonObject("machine", new JsonObject());
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    g.drawString(String.format("%s cores, %s, %s, mode %s", m.getValue("cores"), m.getString("jdk", ""),
        m.getString("ucx", ""), result.getString("mode", "")), LEFT, H - 8);
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }

  private static int x(int size, double lo, double hi, int pw) {
    return LEFT + (int) Math.round(pw * (Math.log(size) / Math.log(2) - lo) / (hi - lo));
  }

  private static String trim(double v) {
    return v >= 1 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
  }
}
