package io.offload.cache;

import io.offload.topology.RankInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Every lookup's answer, as JSON, for every group of a cache, and within it every rank, host
 * and service process: what {@code offload cache --json} prints, to compare a cache with its
 * topology by eye or by script. Shape (README, "Group cache and topology"):
 * <pre>
 * {"groups": [{"groupId", "seq", "size", "known", "complete", "digest",
 *   "ranks": [{"rank", "localRank", "localSize", "host", "serviceProcess",
 *              "hostIndex", "indexOnHost", "indexOnServiceProcess"}],
 *   "hosts": [{"host", "index", "ranks": [..], "serviceProcesses": [..]}],
 *   "serviceProcesses": [{"serviceProcess", "groupIndex", "localIndex", "ranks": [..]}],
 *   "localServiceProcesses": [..]}],
 *  "handles": [service process ids this process can reach]}
 * </pre>
 * An incomplete group has its known ranks only (the by-host and by-service-process lists need
 * the whole group).
 *
 * <p>Stateless; reads the cache from any thread.
 */
public final class CacheDump {

  private CacheDump() {
  }

  /** The dump of every group of {@code cache}; {@code maxServiceProcessId} bounds the handle scan. */
  public static JsonObject of(GroupCache cache, int maxServiceProcessId) {
    JsonArray groups = new JsonArray();
    for (int g : cache.groups()) {
      groups.add(group(cache, g));
    }
    JsonArray handles = new JsonArray();
    for (int sp = 0; sp <= maxServiceProcessId; sp++) {
      if (cache.findHandle(sp).isPresent()) {
        handles.add(sp);
      }
    }
    return new JsonObject().put("groups", groups).put("handles", handles);
  }

  static JsonObject group(GroupCache c, int g) {
    boolean whole = c.isComplete(g);
    JsonObject out = new JsonObject().put("groupId", g).put("seq", c.sequence(g)).put("size", c.groupSize(g))
        .put("known", c.knownMembers(g)).put("complete", whole).put("digest", c.digest(g));
    JsonArray ranks = new JsonArray();
    for (RankInfo r : c.members(g)) {
      int sp = c.serviceProcessOf(g, r.rank());
      JsonObject e = new JsonObject().put("rank", r.rank()).put("localRank", r.localRank())
          .put("localSize", r.localSize()).put("host", c.hostOf(g, r.rank())).put("serviceProcess", sp);
      if (whole) {
        int hi = c.hostIndex(g, r.hostId());
        e.put("hostIndex", hi).put("indexOnHost", c.rankIndexOnHost(g, hi, r.rank()))
            .put("indexOnServiceProcess", c.rankIndexOnServiceProcess(g, sp, r.rank()));
      }
      ranks.add(e);
    }
    out.put("ranks", ranks);
    if (!whole) {
      return out;
    }
    JsonArray hosts = new JsonArray();
    IntView hs = c.hosts(g);
    for (int i = 0; i < hs.size(); i++) {
      hosts.add(new JsonObject().put("host", hs.get(i)).put("index", c.hostIndex(g, hs.get(i)))
          .put("ranks", array(c.ranksOnHostIndex(g, i))).put("serviceProcesses", array(c.serviceProcessesOnHostIndex(g, i))));
    }
    JsonArray sps = new JsonArray();
    IntView all = c.serviceProcesses(g);
    for (int i = 0; i < all.size(); i++) {
      int sp = all.get(i);
      sps.add(new JsonObject().put("serviceProcess", sp).put("groupIndex", c.serviceProcessGroupIndex(g, sp))
          .put("localIndex", c.serviceProcessLocalIndex(g, sp)).put("ranks", array(c.ranksServedBy(g, sp))));
    }
    return out.put("hosts", hosts).put("serviceProcesses", sps)
        .put("localServiceProcesses", array(c.localServiceProcesses(g)));
  }

  private static JsonArray array(IntView v) {
    JsonArray a = new JsonArray();
    v.stream().forEach(a::add);
    return a;
  }
}
