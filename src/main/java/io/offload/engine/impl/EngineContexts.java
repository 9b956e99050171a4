package io.offload.engine.impl;

import io.offload.bootstrap.impl.BootstrapSite;
import io.offload.context.ExecutionContext;
import io.offload.context.Role;
import io.offload.context.Scope;
import io.offload.context.impl.ContextImpl;
import io.offload.context.impl.ContextSite;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's open contexts, and the bootstrap's way to open one ({@link BootstrapSite.Contexts}).
 * Thread-safe: the bootstrap opens contexts on the event loop, the application lists them from anywhere.
 */
final class EngineContexts implements BootstrapSite.Contexts {

  private final Map<String, ContextImpl> open = new ConcurrentHashMap<>();
  private final AtomicInteger numbers = new AtomicInteger(1);
  private volatile ContextSite site;

  /** The site is made after the events, which already need this registry: bound once it exists. */
  void bind(ContextSite site) {
    this.site = site;
  }

  @Override
  public int nextNumber() {
    return numbers.getAndIncrement();
  }

  @Override
  public ContextImpl open(String contextId, Role role, Scope scope) {
    ContextImpl c = new ContextImpl(site, contextId, role, scope);
    open.put(contextId, c);
    return c;
  }

  /** A context that closed leaves the registry (only that very context, not a newer one of the same id). */
  void closed(ContextImpl context) {
    open.remove(context.id(), context);
  }

  Collection<ContextImpl> all() {
    return open.values();
  }

  List<ExecutionContext> snapshot() {
    return new ArrayList<>(open.values());
  }
}
