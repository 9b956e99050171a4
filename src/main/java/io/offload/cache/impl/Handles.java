package io.offload.cache.impl;

import io.offload.cache.CacheMissException;
import io.offload.cache.Handle;
import io.offload.cache.RemoteRegion;

import java.util.Optional;

/**
 * The handles (how to reach a service process) and published memory regions of a cache, by
 * service-process id. Maps by id, not arrays indexed by id, so an id from the network costs one
 * entry whatever its value.
 *
 * <p>Thread safety: changes under this object's lock (copy-on-write); reads lock-free and
 * allocation-free (except the {@code Optional}s).
 */
public final class Handles {

  private volatile IntMap<Handle> handles = IntMap.empty();
  private volatile IntMap<RemoteRegion> regions = IntMap.empty();

  /** Sets the handle of a service process (keeping a region already published). */
  public synchronized void put(Handle handle) {
    RemoteRegion r = regions.get(handle.serviceProcessId());
    handles = handles.with(handle.serviceProcessId(), r == null ? handle : handle.withRegion(r));
  }

  /** Forgets the handle of a service process, if it is still {@code peer}'s link. */
  public synchronized void remove(int serviceProcessId, Object peer) {
    Handle h = handles.get(serviceProcessId);
    if (h != null && h.peer() == peer) {
      handles = handles.without(serviceProcessId);
    }
  }

  /** Publishes a region (and attaches it to the handle of its service process). */
  public synchronized void putRegion(RemoteRegion region) {
    int id = region.serviceProcessId();
    regions = regions.with(id, region);
    Handle h = handles.get(id);
    if (h != null) {
      handles = handles.with(id, h.withRegion(region));
    }
  }

  public Handle handle(int serviceProcessId) {
    Handle h = handles.get(serviceProcessId);
    if (h == null) {
      throw new CacheMissException("no handle for service process " + serviceProcessId
          + " (this process is not linked to it, or not yet)");
    }
    return h;
  }

  public Optional<Handle> find(int serviceProcessId) {
    return Optional.ofNullable(handles.get(serviceProcessId));
  }

  public Optional<RemoteRegion> region(int serviceProcessId) {
    return Optional.ofNullable(regions.get(serviceProcessId));
  }
}
