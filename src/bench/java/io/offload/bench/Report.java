package io.offload.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Locale;

/** Ratios, target verdicts and the Markdown table, all computed from the results JSON. */
final class Report {

  /** Round-trip series; {@code notify-busy} is the notification path with busy-polling progress threads. */
  static final String[] TRANSPORTS = {"raw", "notify", "notify-busy", "notify-el", "netsocket", "clustered-eb"};
  static final String[] NAMES = {"raw JUCX", "notification", "notification, busy-poll",
      "notification, consumer on an event loop", "NetSocket", "clustered EB"};

  private Report() {
  }

  static String machineLine(JsonObject m) {
    return String.format("machine: %s cores (%s), %s, %s, %s, UCX transports %s, UCX_TLS %s, load average %s",
        m.getValue("cores"), m.getString("cpu", "?"), m.getString("os"), m.getString("jdk"), m.getString("ucx"),
        m.getString("transports"), m.getString("UCX_TLS"), m.getString("loadAvgStart"));
  }

  static JsonObject find(JsonObject result, String transport, String kind, int size) {
    JsonArray all = result.getJsonArray("transports", new JsonArray());
    for (int i = 0; i < all.size(); i++) {
      JsonObject o = all.getJsonObject(i);
      if (transport.equals(o.getString("transport")) && kind.equals(o.getString("kind"))
          && o.getInteger("size") == size) {
        return o;
      }
    }
    return null;
  }

  private static double rtt(JsonObject result, String transport, int size) {
    JsonObject o = find(result, transport, "rtt", size);
    return o == null ? Double.NaN : o.getDouble("p50Us");
  }

  private static double rate(JsonObject result, String transport, int size) {
    JsonObject o = find(result, transport, "tput", size);
    return o == null ? Double.NaN : o.getJsonObject("msgsPerSec").getDouble("p50");
  }

  /** Adds {@code ratios} (median over median) and {@code targets} (met or not) to the result. */
  static void evaluate(JsonObject result) {
    JsonArray ratios = new JsonArray();
    for (int size : Plan.SIZES) {
      JsonObject r = new JsonObject().put("size", size);
      double raw = rtt(result, "raw", size);
      for (String t : TRANSPORTS) {
        r.put(t + "OverRaw", rtt(result, t, size) / raw);
      }
      r.put("notifyOverNetsocket", rtt(result, "notify", size) / rtt(result, "netsocket", size));
      r.put("notifyBusyOverNetsocket", rtt(result, "notify-busy", size) / rtt(result, "netsocket", size));
      r.put("notifyOverClusteredEb", rtt(result, "notify", size) / rtt(result, "clustered-eb", size));
      r.put("notifyTputOverRaw", rate(result, "notify", size) / rate(result, "raw", size));
      r.put("notifyBusyTputOverRaw", rate(result, "notify-busy", size) / rate(result, "raw", size));
      r.put("netsocketTputOverRaw", rate(result, "netsocket", size) / rate(result, "raw", size));
      ratios.add(clean(r));
    }
    result.put("ratios", ratios);
    JsonArray bringUp = result.getJsonArray("bringup");
    if (bringUp != null) {
      JsonObject lo = null;
      JsonObject hi = null;
      for (int i = 0; i < bringUp.size(); i++) {
        JsonObject o = bringUp.getJsonObject(i);
        if (o.getInteger("sps") == 1) {
          lo = lo == null || o.getInteger("ranks") < lo.getInteger("ranks") ? o : lo;
          hi = hi == null || o.getInteger("ranks") > hi.getInteger("ranks") ? o : hi;
        }
      }
      if (lo != null && hi != lo) {
        result.put("memory", new JsonObject().put("fromRanks", lo.getInteger("ranks")).put("toRanks", hi.getInteger("ranks"))
            .put("bytesPerRank", (hi.getLong("spRssAfterBytes") - lo.getLong("spRssAfterBytes"))
                / (double) (hi.getInteger("ranks") - lo.getInteger("ranks"))));
      }
    }
    JsonArray targets = new JsonArray();
    int big = Plan.SIZES[Plan.SIZES.length - 1];
    target(targets, "8 B round trip, default options, p50 <= 2x raw JUCX",
        rtt(result, "notify", 8) / rtt(result, "raw", 8), 2.0, true, "x");
    target(targets, "8 B round trip, default options, p99 <= 5x raw JUCX p99",
        p99(result, "notify", 8) / p99(result, "raw", 8), 5.0, true, "x");
    target(targets, "8 B round trip, busy-poll, p50 <= 1.5x raw JUCX",
        rtt(result, "notify-busy", 8) / rtt(result, "raw", 8), 1.5, true, "x");
    target(targets, "8 B one-way throughput >= 0.9x raw JUCX", rate(result, "notify", 8) / rate(result, "raw", 8),
        0.9, false, "x", true);
    target(targets, "64 KiB round trip <= 1.5x raw JUCX",
        rtt(result, "notify", 64 * 1024) / rtt(result, "raw", 64 * 1024), 1.5, true, "x");
    target(targets, "1 MiB round trip <= 1.2x raw JUCX", rtt(result, "notify", big) / rtt(result, "raw", big), 1.2,
        true, "x");
    target(targets, "8 B round trip, consumers on an event loop, <= 1x NetSocket",
        rtt(result, "notify-el", 8) / rtt(result, "netsocket", 8), 1.0, true, "x");
    JsonObject idle = result.getJsonObject("idle");
    target(targets, "idle engine (no traffic) < 2 % of a core",
        idle == null ? Double.NaN : idle.getDouble("percentOfCore"), 2.0, false, "%");
    JsonObject boot = result.getJsonObject("bootstrap");
    double bootP50 = boot == null ? Double.NaN : boot.getJsonObject("total").getDouble("p50Us") / 1e3;
    target(targets, "one rank start -> BOOTSTRAP_DONE p50 <= 5 ms", bootP50, 5.0, true, "ms");
    double up = Double.NaN;
    JsonArray bring = result.getJsonArray("bringup");
    if (bring != null) {
      for (int i = 0; i < bring.size(); i++) {
        JsonObject o = bring.getJsonObject(i);
        if (o.getInteger("ranks") == 256 && o.getInteger("sps") == 4) {
          up = o.getDouble("p50Ms") / 1e3;
        }
      }
    }
    target(targets, "256 ranks onto 4 SPs < 3 s", up, 3.0, false, "s");
    result.put("targets", targets);
  }

  private static void target(JsonArray to, String name, double measured, double limit, boolean inclusive,
                             String unit) {
    target(to, name, measured, limit, inclusive, unit, false);
  }

  /** {@code atLeast}: the measurement must reach the limit rather than stay under it. */
  private static void target(JsonArray to, String name, double measured, double limit, boolean inclusive,
                             String unit, boolean atLeast) {
    boolean met = atLeast ? measured >= limit : inclusive ? measured <= limit : measured < limit;
    to.add(verdict(name, measured, met, unit));
  }

  private static double p99(JsonObject result, String transport, int size) {
    JsonObject o = find(result, transport, "rtt", size);
    return o == null ? Double.NaN : o.getDouble("p99Us");
  }

  private static JsonObject verdict(String name, double measured, boolean met, String unit) {
    // not measured (a partial run, or a section that failed): "met" is null, shown as "not run"
    return new JsonObject().put("target", name).put("measured", Double.isNaN(measured) ? null : measured)
        .put("unit", unit).put("met", Double.isNaN(measured) ? null : met);
  }

  private static JsonObject clean(JsonObject o) {
    for (String k : o.fieldNames().toArray(String[]::new)) {
      if (o.getValue(k) instanceof Double d && (d.isNaN() || d.isInfinite())) {
        o.putNull(k);
      }
    }
    return o;
  }

  // ------------------------------------------------------------------ Markdown

  static String markdown(JsonObject r) {
    StringBuilder b = new StringBuilder();
    JsonObject m = r.getJsonObject("machine");
    b.append(String.format("Machine: %s cores (%s), %s, %s, UCX %s, UCX transports: %s, UCX_TLS: %s. Load average "
            + "(1/5/15 min) %s at start, %s at end (the machine is shared). Mode: %s, %.0f s.%n%n",
        m.getValue("cores"), m.getString("cpu", "?"), m.getString("os"), m.getString("jdk"), m.getString("ucx"),
        m.getString("transports"), m.getString("UCX_TLS"), m.getString("loadAvgStart"), m.getString("loadAvgEnd", "?"),
        r.getString("mode"), r.getDouble("seconds", 0.0)));
    b.append("Round trip between two JVMs on loopback, µs, median / p99 (warm-up excluded); ×raw = ratio of medians "
        + "to raw JUCX. Raw JUCX busy-polls on both sides and answers inside the AM callback. Notification = the "
        + "library with its defaults (consumers on `engine.ucxContext()`, progress thread spins 1 ms after its last work, "
        + "then `waitForEvents()`); busy-poll = the same code with `busyPoll` (never sleeps), like raw.\n\n");
    JsonObject hops = r.getJsonObject("hops");
    if (hops != null) {
      b.append("Where the time goes (client side of the 8 B - 1 MiB ping-pongs, ns, median / p99, n):\n\n"
          + "| hop | p50 | p99 | n |\n|---|---|---|---|\n");
      for (String hop : new String[] {"callbackToHandler", "handlerToSendPosted", "sendPostedToCompleted"}) {
        JsonObject h = hops.getJsonObject(hop);
        if (h != null) {
          b.append("| ").append(hop).append(" | ").append(h.getValue("p50")).append(" | ").append(h.getValue("p99"))
              .append(" | ").append(h.getValue("n")).append(" |\n");
        }
      }
      b.append('\n');
    }
    b.append("| payload |");
    for (String n : NAMES) {
      b.append(' ').append(n).append(" |");
      if (!n.equals(NAMES[0])) {
        b.append(" ×raw |");
      }
    }
    b.append("\n|---|");
    b.append("---|".repeat(NAMES.length * 2 - 1)).append('\n');
    for (int size : Plan.SIZES) {
      b.append("| ").append(Plan.label(size)).append(" |");
      double raw = rtt(r, "raw", size);
      for (String t : TRANSPORTS) {
        JsonObject o = find(r, t, "rtt", size);
        b.append(' ').append(o == null ? "–" : fmt(o.getDouble("p50Us")) + " / " + fmt(o.getDouble("p99Us"))).append(" |");
        if (!t.equals("raw")) {
          b.append(' ').append(o == null ? "–" : String.format(Locale.ROOT, "%.2f", o.getDouble("p50Us") / raw))
              .append(" |");
        }
      }
      b.append('\n');
    }
    b.append("\nOne-way throughput, median over rounds (worst round in brackets); ×raw = ratio of medians.\n\n");
    b.append("| payload | raw JUCX msgs/s | MiB/s | notification msgs/s | MiB/s | ×raw | notification busy-poll msgs/s "
        + "| MiB/s | ×raw | NetSocket msgs/s | MiB/s | ×raw |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int size : Plan.SIZES) {
      b.append("| ").append(Plan.label(size)).append(" |");
      double raw = rate(r, "raw", size);
      for (String t : new String[] {"raw", "notify", "notify-busy", "netsocket"}) {
        JsonObject o = find(r, t, "tput", size);
        if (o == null) {
          b.append(t.equals("raw") ? " – | – |" : " – | – | – |");
          continue;
        }
        JsonObject msgs = o.getJsonObject("msgsPerSec");
        JsonObject mib = o.getJsonObject("mibPerSec");
        b.append(' ').append(count(msgs.getDouble("p50"))).append(" (").append(count(msgs.getDouble("min"))).append(") |");
        b.append(' ').append(fmt(mib.getDouble("p50"))).append(" |");
        if (!t.equals("raw")) {
          b.append(' ').append(String.format(Locale.ROOT, "%.2f", msgs.getDouble("p50") / raw)).append(" |");
        }
      }
      b.append('\n');
    }
    JsonObject boot = r.getJsonObject("bootstrap");
    if (boot != null) {
      JsonObject t = boot.getJsonObject("total");
      b.append(String.format(Locale.ROOT, "%nOne rank, start → BOOTSTRAP_DONE (fresh engine + connect to one `offload "
              + "service`, n = %d): p50 %.2f ms, p99 %.2f ms (engine creation p50 %.2f ms, connect p50 %.2f ms).%n",
          t.getInteger("n"), t.getDouble("p50Us") / 1e3, t.getDouble("p99Us") / 1e3,
          boot.getJsonObject("engine").getDouble("p50Us") / 1e3, boot.getJsonObject("connect").getDouble("p50Us") / 1e3));
      JsonObject raw = boot.getJsonObject("rawUcxCreation");
      if (raw != null) {
        b.append(String.format(Locale.ROOT, "Raw floor in the same run: a bare JUCX context + worker (the engine's "
                + "features, nothing else) p50 %.2f ms; engine creation %.2fx that.%n", raw.getDouble("p50Us") / 1e3,
            boot.getJsonObject("engine").getDouble("p50Us") / raw.getDouble("p50Us")));
      }
    }
    JsonArray bring = r.getJsonArray("bringup");
    if (bring != null && !bring.isEmpty()) {
      b.append("\nN ranks onto M service processes (ranks are engines in 1–2 rank JVMs; time from go to all at "
          + "BOOTSTRAP_DONE; SP memory = growth of the service processes' RSS / N):\n\n");
      b.append("| ranks | SPs | p50 ms | max ms | of which engines created, p50 ms | reps | SP RSS growth / rank KiB |\n"
          + "|---|---|---|---|---|---|---|\n");
      for (int i = 0; i < bring.size(); i++) {
        JsonObject o = bring.getJsonObject(i);
        b.append(String.format(Locale.ROOT, "| %d | %d | %.0f | %.0f | %.0f | %d | %.1f |%n", o.getInteger("ranks"),
            o.getInteger("sps"), o.getDouble("p50Ms"), o.getDouble("maxMs"), o.getDouble("enginesCreatedP50Ms", 0.0),
            o.getInteger("reps"), o.getDouble("spBytesPerRank") / 1024));
      }
      JsonObject mem = r.getJsonObject("memory");
      if (mem != null) {
        b.append(String.format(Locale.ROOT, "%nMarginal resident memory per connected rank on a service process "
            + "(slope of SP RSS after bring-up between %d and %d ranks, M = 1): %.1f KiB.%n", mem.getInteger("fromRanks"),
            mem.getInteger("toRanks"), mem.getDouble("bytesPerRank") / 1024));
      }
    }
    JsonArray micro = r.getJsonArray("micro");
    if (micro != null && !micro.isEmpty()) {
      b.append("\nJMH micro-benchmarks, ns per operation, median / p99 of samples of 100 operations:\n\n");
      b.append("| benchmark | p50 ns | p99 ns |\n|---|---|---|\n");
      for (int i = 0; i < micro.size(); i++) {
        JsonObject o = micro.getJsonObject(i);
        b.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f |%n", o.getString("name"), o.getDouble("p50Ns"),
            o.getDouble("p99Ns")));
      }
    }
    JsonArray targets = r.getJsonArray("targets");
    if (targets != null) {
      b.append("\n| target | measured | met |\n|---|---|---|\n");
      for (int i = 0; i < targets.size(); i++) {
        JsonObject o = targets.getJsonObject(i);
        Double v = o.getDouble("measured");
        String shown = v == null ? "–" : o.getString("unit").equals("/s") ? count(v) + "/s"
            : String.format(Locale.ROOT, "%.2f%s", v, o.getString("unit").equals("x") ? "×" : " " + o.getString("unit"));
        b.append("| ").append(o.getString("target")).append(" | ").append(shown).append(" | ")
            .append(o.getBoolean("met") == null ? "not run" : o.getBoolean("met") ? "yes" : "**no**").append(" |\n");
      }
    }
    JsonObject errors = r.getJsonObject("errors");
    if (errors != null) {
      b.append("\nFailed sections: ").append(errors.encode()).append('\n');
    }
    return b.toString();
  }

  static String fmt(double v) {
    if (v >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (v >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  static String count(double v) {
    if (v >= 1e6) {
      return String.format(Locale.ROOT, "%.2fM", v / 1e6);
    }
    if (v >= 1e3) {
      return String.format(Locale.ROOT, "%.0fk", v / 1e3);
    }
    return String.format(Locale.ROOT, "%.0f", v);
  }
}
