package io.offload.cache.impl;

import io.offload.cache.Handle;
import io.vertx.core.Future;

import java.nio.ByteBuffer;

/** One-sided operations behind {@link Handle#put} and {@link Handle#get}. */
public interface RemoteAccess {

  Future<Void> put(Handle handle, long offset, ByteBuffer source);

  Future<Void> get(Handle handle, long offset, ByteBuffer target);
}
