package io.offload.job.impl;

import io.offload.context.Departure;
import io.offload.topology.RankInfo;
import io.offload.context.impl.PeerImpl;
import io.offload.job.impl.JobMessages.Counts;

import java.util.HashMap;
import java.util.Map;

/**
 * The numbers behind a job: this service process's own ranks ((group, rank) once each, with how
 * each left) and the counts each life of another service process last reported.
 *
 * <p>Thread safety: the engine's UCX progress thread only.
 */
final class JobCounts {

  /** Lives of other service processes remembered (a restart is a new life); a bound against floods. */
  static final int MAX_LIVES = 1024;

  private final Map<Long, Holder> mine = new HashMap<>();
  private final Map<Long, Life> lives = new HashMap<>();
  private Counts own = Counts.NONE;

  private static final class Holder {
    PeerImpl peer;
    Departure left;
  }

  private static final class Life {
    PeerImpl link;
    Counts counts = Counts.NONE;
    boolean gone;
  }

  Counts own() {
    return own;
  }

  /** One of our ranks bootstrapped (again). */
  void rankReady(PeerImpl p) {
    Holder h = mine.computeIfAbsent(claim(p.rank()), k -> new Holder());
    h.peer = p;
    h.left = null;
    recount();
  }

  /** One of our ranks left; false if that connection no longer held its claim (nothing changed). */
  boolean rankLeft(PeerImpl p, Departure how) {
    Holder h = p.rank() == null ? null : mine.get(claim(p.rank()));
    if (h == null || h.peer != p || h.left != null) {
      return false;
    }
    h.left = how;
    recount();
    return true;
  }

  /** A life of another service process, over mesh link {@code link}, reports its own counts. */
  void reported(long incarnation, PeerImpl link, Counts counts) {
    Life life = lives.get(incarnation);
    if (life == null && lives.size() < MAX_LIVES) {
      lives.put(incarnation, life = new Life());
    }
    if (life != null) {
      life.link = link;
      life.counts = counts;
      life.gone = false;
    }
  }

  /** A mesh link is down: the lives behind it take their connected ranks with them (lost). */
  void linkLost(PeerImpl link) {
    for (Life l : lives.values()) {
      if (l.link == link) {
        l.gone = true;
      }
    }
  }

  /** Our counts plus every life's. */
  Counts totals() {
    Counts t = own;
    for (Life l : lives.values()) {
      t = t.plus(l.gone ? l.counts.liveLost() : l.counts);
    }
    return t;
  }

  private void recount() {
    int live = 0;
    int finalized = 0;
    for (Holder h : mine.values()) {
      if (h.left == null) {
        live++;
      } else if (h.left == Departure.FINALIZED) {
        finalized++;
      }
    }
    own = new Counts(mine.size(), finalized, mine.size() - finalized - live, live);
  }

  private static long claim(RankInfo r) {
    return ((long) r.groupId() << 32) | (r.rank() & 0xFFFFFFFFL);
  }
}
