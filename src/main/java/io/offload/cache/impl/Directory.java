package io.offload.cache.impl;

import io.offload.cache.ServiceProcessAddress;
import io.offload.context.Role;
import io.offload.context.Scope;
import io.offload.context.impl.PeerImpl;
import io.offload.notify.EventTypes;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The directory of service processes: for each, its global id, host and rank port. A service
 * process puts its own entry in once its rank server listens, sends it over every mesh link
 * ({@code CACHE_DIRECTORY}), and sends the whole directory to each rank that bootstraps with
 * it, then every change; so a rank can reach any service process ({@code connectHandle}).
 * Entries from a mesh peer are taken only about that peer itself.
 *
 * <p>Thread safety: changes on the engine's UCX progress thread; reads from any thread.
 */
final class Directory {

  private static final Logger LOG = LoggerFactory.getLogger(Directory.class);
  /** At most this many service processes are listed (entries from the network beyond are dropped). */
  static final int MAX_ENTRIES = 65_536;

  private final Links links;
  private volatile IntMap<ServiceProcessAddress> entries = IntMap.empty();
  private ServiceProcessAddress own;

  Directory(Links links) {
    this.links = links;
  }

  ServiceProcessAddress get(int serviceProcessId) {
    return entries.get(serviceProcessId);
  }

  /** Every entry, by id (allocates). */
  List<ServiceProcessAddress> all() {
    IntMap<ServiceProcessAddress> e = entries;
    int[] ids = e.keys();
    Arrays.sort(ids);
    List<ServiceProcessAddress> out = new ArrayList<>(ids.length);
    for (int id : ids) {
      out.add(e.get(id));
    }
    return out;
  }

  /**
   * A server context listens at {@code port}: a rank server of this service process goes into
   * the directory with its address; a server's rank info (a mesh server's says who this service
   * process is) tells this process's host.
   */
  void listening(io.offload.context.ServerOptions options, int port) {
    io.offload.topology.RankInfo self = options.getRankInfo();
    if (self != null && links.selfHost < 0) {
      links.selfHost = self.hostId();
      ownHost(self.hostId());
    }
    if (options.getScope() == Scope.HOST_SERVICE) {
      own(options.getServiceProcessId(), options.getHost(), port);
    }
  }

  /** This service process's rank server listens at {@code host:port}. */
  void own(int serviceProcessId, String host, int port) {
    own = new ServiceProcessAddress(serviceProcessId, links.selfHost, host, port);
    publishOwn();
  }

  /** This process learnt its host: its own entry says so from now on. */
  void ownHost(int hostId) {
    if (own != null && own.hostId() != hostId) {
      own = new ServiceProcessAddress(own.serviceProcessId(), hostId, own.host(), own.port());
      publishOwn();
    }
  }

  private void publishOwn() {
    entries = entries.with(own.serviceProcessId(), own);
    Buffer m = ReachMessages.directory(List.of(own));
    links.toMesh(EventTypes.CACHE_DIRECTORY, m);
    links.localRanks.forEach(p -> links.send(p, EventTypes.CACHE_DIRECTORY, m));
  }

  /** A mesh link is up: the peer gets this service process's entry (before any cache entries). */
  void sendOwn(PeerImpl meshPeer) {
    if (own != null) {
      links.send(meshPeer, EventTypes.CACHE_DIRECTORY, ReachMessages.directory(List.of(own)));
    }
  }

  /** A rank bootstrapped with us: it gets the whole directory (even empty: it tells the rank we are ready). */
  void sendAll(PeerImpl rank) {
    links.send(rank, EventTypes.CACHE_DIRECTORY, ReachMessages.directory(all()));
  }

  /**
   * CACHE_DIRECTORY from a mesh peer (its own entry; passed on to the local ranks) or from a
   * service process this process is a client of (all entries). Returns whether it was taken.
   */
  boolean onDirectory(PeerImpl from, Buffer payload, int meshPeerId) {
    boolean fromMesh = from.context().scope() == Scope.INTER_SERVICE;
    boolean fromServer = from.context().scope() == Scope.HOST_SERVICE && from.context().role() == Role.CLIENT;
    if (!fromMesh && !fromServer) {
      return false;
    }
    List<ServiceProcessAddress> changed = new ArrayList<>();
    for (ServiceProcessAddress a : ReachMessages.decodeDirectory(payload, MAX_ENTRIES)) {
      if (fromMesh && a.serviceProcessId() != meshPeerId) {
        LOG.warn("{}: dropped a directory entry of service process {} from service process {}", links.engineId,
            a.serviceProcessId(), meshPeerId);
        continue;
      }
      IntMap<ServiceProcessAddress> e = entries;
      if (a.equals(e.get(a.serviceProcessId())) || (own != null && a.serviceProcessId() == own.serviceProcessId())) {
        continue;
      }
      if (e.get(a.serviceProcessId()) == null && e.size() >= MAX_ENTRIES) {
        continue;
      }
      entries = e.with(a.serviceProcessId(), a);
      changed.add(a);
    }
    if (fromMesh && !changed.isEmpty()) {
      Buffer m = ReachMessages.directory(changed);
      links.localRanks.forEach(p -> links.send(p, EventTypes.CACHE_DIRECTORY, m));
    }
    return true;
  }
}
