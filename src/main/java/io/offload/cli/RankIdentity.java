package io.offload.cli;

import io.offload.topology.Topology;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A rank's identity on the command line, shared by {@code offload rank} and {@code offload cache}
 * (a picocli mixin): the options, the launcher's environment where an option is absent, and the
 * checks, with usage errors reported against the command that mixes it in.
 */
final class RankIdentity {

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--group", defaultValue = "0", description = "Group id (default: ${DEFAULT-VALUE}).")
  int group;

  @Option(names = "--rank", description = "Rank in the group.")
  Integer rank;

  @Option(names = "--size", description = "Group size.")
  Integer size;

  @Option(names = "--local-rank", description = "Rank among this host's processes.")
  Integer localRank;

  @Option(names = "--local-size", description = "Number of the group's processes on this host.")
  Integer localSize;

  @Option(names = "--host-id", description = "Id of this host: its index in the topology file. Default: SLURM_NODEID, "
      + "else with --topology the one host whose name or address is this machine's (or the only host); else 0.")
  Integer hostId;

  /** The rank JSON of the client options ({@code topology} may be null), or a usage error. */
  JsonObject resolve(LauncherEnv env, Path topology) {
    Usage.range(spec, "--group", group, 0, Integer.MAX_VALUE);
    int r = rank != null ? rank : env.rank().orElseThrow(() -> Usage.error(spec,
        "no rank identity: pass --rank (and --size), or run under a launcher that sets OMPI_COMM_WORLD_RANK, "
            + "PMI_RANK or SLURM_PROCID"));
    Usage.range(spec, rank != null ? "--rank" : "the launcher's rank", r, 0, Integer.MAX_VALUE);
    int s = size != null ? size : env.size().orElse(r + 1);
    Usage.range(spec, size != null ? "--size" : "the launcher's size", s, 1, Integer.MAX_VALUE);
    if (r >= s) {
      throw Usage.error(spec, "rank " + r + " is not in a group of size " + s + " (--rank must be < --size)");
    }
    int lr = localRank != null ? localRank : env.localRank().orElse(r);
    Usage.range(spec, "--local-rank", lr, 0, Integer.MAX_VALUE);
    int ls = localSize != null ? localSize : env.localSize().orElse(Math.max(s, lr + 1));
    Usage.range(spec, "--local-size", ls, 1, Integer.MAX_VALUE);
    if (lr >= ls) {
      throw Usage.error(spec, "local rank " + lr + " is not below the local size " + ls);
    }
    if (hostId != null) {
      Usage.range(spec, "--host-id", hostId, 0, Integer.MAX_VALUE);
    }
    return new JsonObject().put("groupId", group).put("rank", r).put("groupSize", s)
        .put("localRank", lr).put("localSize", ls).put("hostId", hostId(env, topology));
  }

  /** --host-id, else the launcher's node id, else this machine's host in the topology file, else 0. */
  private int hostId(LauncherEnv env, Path topology) {
    if (hostId != null) {
      return hostId;
    }
    if (topology == null) {
      return env.hostId().orElse(0);
    }
    Topology topo = Topology.read(topology); // fails early, with the file's own error
    if (env.hostId().isPresent()) {
      int id = env.hostId().getAsInt();
      if (id >= topo.hosts().size()) {
        throw new ConfigException(env.hostIdSource() + "=" + id + " but " + topology + " has "
            + topo.hosts().size() + " host(s)");
      }
      return id;
    }
    if (topo.hosts().size() == 1) {
      return 0;
    }
    Set<String> me = new HashSet<>();
    try {
      me.add(InetAddress.getLocalHost().getHostName());
      me.add(InetAddress.getLocalHost().getCanonicalHostName());
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        Collections.list(nif.getInetAddresses()).forEach(a -> me.add(a.getHostAddress()));
      }
    } catch (IOException e) {
      throw new ConfigException("cannot tell which host of " + topology + " this is (" + e.getMessage()
          + "): pass --host-id");
    }
    List<Integer> ids = topo.hostsMatching(me);
    if (ids.size() != 1) {
      throw new ConfigException((ids.isEmpty() ? "no" : "more than one") + " host of " + topology
          + " matches this machine's names and addresses " + ids + ": pass --host-id");
    }
    return ids.get(0);
  }
}
