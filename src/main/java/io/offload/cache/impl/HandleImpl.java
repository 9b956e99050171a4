package io.offload.cache.impl;

import io.offload.cache.Handle;
import io.offload.cache.RemoteRegion;

import io.offload.context.ExecutionContext;
import io.offload.context.Peer;
import io.vertx.core.Future;
import org.openucx.jucx.ucp.UcpEndpoint;

import java.nio.ByteBuffer;
import java.util.Optional;

/** The one {@link Handle}: immutable; a new region makes a new handle. */
public final class HandleImpl implements Handle {

  private final int serviceProcessId;
  private final ExecutionContext context;
  private final Peer peer;
  private final RemoteRegion region;
  private final RemoteAccess access;

  /** For the library (and tests of the data structure, which pass nulls for the links). */
  public HandleImpl(int serviceProcessId, ExecutionContext context, Peer peer, RemoteRegion region, RemoteAccess access) {
    if (serviceProcessId < 0) {
      throw new IllegalArgumentException("serviceProcessId must be >= 0, got " + serviceProcessId);
    }
    this.serviceProcessId = serviceProcessId;
    this.context = context;
    this.peer = peer;
    this.region = region;
    this.access = access;
  }

  /** The same handle with {@code region} published. */
  public HandleImpl withRegion(RemoteRegion region) {
    return new HandleImpl(serviceProcessId, context, peer, region, access);
  }

  @Override
  public int serviceProcessId() {
    return serviceProcessId;
  }

  /** The execution context linking to the service process (a client, or a server of the mesh). */
  @Override
  public ExecutionContext context() {
    return context;
  }

  /** The service process's peer id within {@link #context()}. */
  @Override
  public int peerId() {
    return peer == null ? -1 : peer.id();
  }

  @Override
  public Peer peer() {
    return peer;
  }

  /**
   * The UCX endpoint to the service process. JUCX calls on it must run on the engine's UCX
   * context ({@code OffloadEngine.ucxContext()}).
   *
   * @throws IllegalStateException when the link is gone
   */
  @Override
  public UcpEndpoint endpoint() {
    if (peer == null) {
      throw new IllegalStateException("handle of service process " + serviceProcessId + " has no peer");
    }
    return peer.endpoint();
  }

  /** The region the service process published, if it did. */
  @Override
  public Optional<RemoteRegion> region() {
    return Optional.ofNullable(region);
  }

  /**
   * Writes {@code source} (a direct buffer, position to limit; untouched until the future
   * completes) at {@code offset} of the service process's region. Completes once the bytes are
   * in place remotely (put, then flush).
   */
  @Override
  public Future<Void> put(long offset, ByteBuffer source) {
    return access().put(this, offset, source);
  }

  /**
   * Reads {@code target.remaining()} bytes at {@code offset} of the region into {@code target}
   * (a direct buffer, filled from its position; untouched until the future completes).
   */
  @Override
  public Future<Void> get(long offset, ByteBuffer target) {
    return access().get(this, offset, target);
  }

  private RemoteAccess access() {
    if (region == null) {
      throw new IllegalStateException("service process " + serviceProcessId + " published no memory region");
    }
    if (access == null || peer == null) {
      throw new IllegalStateException("handle of service process " + serviceProcessId + " cannot do remote access");
    }
    return access;
  }

  @Override
  public String toString() {
    return "handle of service process " + serviceProcessId + " via " + (context == null ? "-" : context.id())
        + "/peer " + peerId() + (region == null ? "" : " (region " + region.length() + " B)");
  }
}
