package io.offload.ops.impl;

import io.offload.cache.GroupCache;
import io.offload.engine.OffloadEngine;
import io.offload.ops.OperationException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The {@link GroupView} of each group a collective names, once the group is whole in this
 * service process's cache: at once when it is, else when it becomes whole, or a failure after
 * the wait bound (or when the group is revoked meanwhile).
 *
 * <p>Thread safety: the UCX thread only (the cache's futures and the timer complete there).
 */
final class GroupWait {

  private record Parked(Consumer<GroupView> then, BiConsumer<OperationException.Kind, String> failed) {
  }

  private final OffloadEngine engine;
  private final long waitMs;
  private final IntSupplier me;
  private final Map<Integer, GroupView> views = new HashMap<>();
  private final Map<Integer, List<Parked>> parked = new HashMap<>();

  GroupWait(OffloadEngine engine, long waitMs, IntSupplier me) {
    this.engine = engine;
    this.waitMs = waitMs;
    this.me = me;
  }

  void with(int g, Consumer<GroupView> then, BiConsumer<OperationException.Kind, String> failed) {
    GroupView v = current(g);
    if (v != null) {
      then.accept(v);
      return;
    }
    List<Parked> waiting = parked.get(g);
    if (waiting != null) {
      waiting.add(new Parked(then, failed));
      return;
    }
    List<Parked> list = new ArrayList<>();
    list.add(new Parked(then, failed));
    parked.put(g, list);
    GroupCache cache = engine.cache();
    long timer = engine.vertx().setTimer(waitMs, id -> fail(g, list, "group " + g + " is not complete at service "
        + "process " + me.getAsInt() + " after " + waitMs + " ms (" + cache.knownMembers(g) + " of its members known)"));
    cache.whenComplete(g).onComplete(ar -> {
      engine.vertx().cancelTimer(timer);
      if (ar.failed()) {
        fail(g, list, "group " + g + " is gone at service process " + me.getAsInt() + ": " + ar.cause().getMessage());
        return;
      }
      if (parked.remove(g, list)) {
        GroupView view = current(g);
        for (Parked p : list) {
          if (view != null) {
            p.then().accept(view);
          } else {
            p.failed().accept(OperationException.Kind.FAILED, "group " + g + " changed while its collective waited");
          }
        }
      }
    });
  }

  /** What waits for group {@code g} fails now: the group broke. */
  void fail(int g, OperationException.Kind kind, String reason) {
    List<Parked> list = parked.remove(g);
    if (list != null) {
      list.forEach(p -> p.failed().accept(kind, reason));
    }
  }

  private void fail(int g, List<Parked> list, String reason) {
    if (parked.remove(g, list)) {
      list.forEach(p -> p.failed().accept(OperationException.Kind.FAILED, reason));
    }
  }

  /** The view of a group whole in the cache now (made again when the group's sequence changed), or null. */
  private GroupView current(int g) {
    GroupCache cache = engine.cache();
    if (!cache.isComplete(g)) {
      return null;
    }
    GroupView v = views.get(g);
    if (v == null || v.cacheSeq != cache.sequence(g)) {
      v = new GroupView(cache, g, me.getAsInt());
      views.put(g, v);
    }
    return v;
  }

  /** The last view taken of {@code g}, or null. */
  GroupView known(int g) {
    return views.get(g);
  }

  Collection<GroupView> views() {
    return new ArrayList<>(views.values());
  }
}
