package io.offload.cache.impl;

import io.offload.cache.CacheMissException;
import io.offload.cache.Handle;
import io.offload.cache.RemoteRegion;

import java.util.Optional;

/**
 * The handles (how to reach a service process) and published memory regions of a cache, by
 * service-process id: a map by id, so an id from the network costs one entry whatever its
 * value, and for ids below {@link #DENSE} also an array, for lookups in one load.
 *
 * <p>Thread safety: changes under this object's lock (copy-on-write); reads lock-free and
 * allocation-free (except the {@code Optional}s).
 */
public final class Handles {

  /** Ids below this are also in an array (one load per lookup); an id from the network costs at most this. */
  static final int DENSE = 1024;

  private volatile IntMap<HandleImpl> handles = IntMap.empty();
  private volatile HandleImpl[] dense = new HandleImpl[0];
  private volatile IntMap<RemoteRegion> regions = IntMap.empty();

  /** Sets the handle of a service process (keeping a region already published). */
  public synchronized void put(HandleImpl handle) {
    RemoteRegion r = regions.get(handle.serviceProcessId());
    set(handle.serviceProcessId(), r == null ? handle : handle.withRegion(r));
  }

  private void set(int id, HandleImpl h) {
    handles = h == null ? handles.without(id) : handles.with(id, h);
    if (id >= 0 && id < DENSE) {
      HandleImpl[] copy = java.util.Arrays.copyOf(dense, Math.max(dense.length, id + 1));
      copy[id] = h;
      dense = copy;
    }
  }

  private HandleImpl get(int id) {
    HandleImpl[] d = dense;
    return id >= 0 && id < d.length ? d[id] : id >= DENSE ? handles.get(id) : null;
  }

  /** Forgets the handle of a service process, if it is still {@code peer}'s link. */
  public synchronized void remove(int serviceProcessId, Object peer) {
    HandleImpl h = handles.get(serviceProcessId);
    if (h != null && h.peer() == peer) {
      set(serviceProcessId, null);
    }
  }

  /** Publishes a region (and attaches it to the handle of its service process). */
  public synchronized void putRegion(RemoteRegion region) {
    int id = region.serviceProcessId();
    regions = regions.with(id, region);
    HandleImpl h = handles.get(id);
    if (h != null) {
      set(id, h.withRegion(region));
    }
  }

  /** The handle of a service process, or null (lock-free, allocation-free). */
  HandleImpl peek(int serviceProcessId) {
    return get(serviceProcessId);
  }

  /** The miss of a service process this process has no link to and makes none to. */
  static CacheMissException noHandle(int serviceProcessId) {
    return new CacheMissException("no handle for service process " + serviceProcessId
        + " (this process is not linked to it, or not yet: GroupCache.connectHandle links it)");
  }

  public Optional<Handle> find(int serviceProcessId) {
    return Optional.ofNullable(get(serviceProcessId));
  }

  public Optional<RemoteRegion> region(int serviceProcessId) {
    return Optional.ofNullable(regions.get(serviceProcessId));
  }
}
