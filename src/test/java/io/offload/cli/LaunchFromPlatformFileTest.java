package io.offload.cli;

import io.offload.cache.CacheDigest;
import io.offload.topology.DpuList;
import io.offload.topology.PlatformFile;
import io.offload.topology.Topology;
import io.offload.topology.RankInfo;
import io.offload.testkit.Jvm;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job launched the C original's way: one platform file named by {@code OFFLOAD_CONFIG_FILE_PATH},
 * {@code DPU_OFFLOAD_LIST_DPUS} picking the job's DPUs out of it, service processes told who they
 * are by {@code DPU_OFFLOAD_SERVICE_PROCESS_*}, and ranks by Slurm's variables as {@code srun}
 * sets them; no {@code --topology}, {@code --id}, {@code --rank} or {@code --host-id} anywhere.
 * Each is its own JVM; every cache must equal the ground truth derived from the file.
 */
class LaunchFromPlatformFileTest {

  /** The job's DPUs: node-a's one (two service processes), node-b's two (one each). node-c is not the job's. */
  static final String DPUS = "bf-a,bf-b1,bf-b2";

  @TempDir
  Path dir;
  final List<Jvm> jvms = new ArrayList<>();

  @AfterEach
  void reap() {
    jvms.forEach(Jvm::close);
  }

  @Test
  void serviceProcessesFromDpuOffloadVariablesAndRanksFromSlurmVariablesVerifyTheirCaches() throws Exception {
    int[] p = freePorts(8);
    // node-c comes first: a rank or service process ignoring DPU_OFFLOAD_LIST_DPUS would number hosts differently
    String text = "# Format version: 1\n"
        + "# <host name>,<dpu host name>:<connection address>:<inter-service-process ports>:<rank ports>\n"
        + "node-c,bf-c:127.0.0.1:1:2\n"
        + "node-a,bf-a:127.0.0.1:" + p[0] + "&" + p[1] + ":" + p[2] + "&" + p[3] + "\n"
        + "# node-b has two DPUs, the second on another loopback address\n"
        + "node-b,bf-b1:127.0.0.1:" + p[4] + ":" + p[5] + ",bf-b2:127.0.0.2:" + p[6] + ":" + p[7] + "\n";
    Path file = dir.resolve("platform.cfg");
    Files.writeString(file, text);
    Topology topo = PlatformFile.parse(text, file.toString(), DpuList.parse(DPUS, DpuList.ENV)).topology();
    assertEquals(4, topo.serviceProcessCount());

    // global id, local id on its DPU, service processes of its DPU
    int[][] sps = {{0, 0, 2}, {1, 1, 2}, {2, 0, 1}, {3, 0, 1}};
    List<Jvm> services = new ArrayList<>();
    for (int[] sp : sps) {
      Map<String, String> env = jobEnv(file);
      env.put("DPU_OFFLOAD_SERVICE_PROCESS_GLOBAL_ID", Integer.toString(sp[0]));
      env.put("DPU_OFFLOAD_SERVICE_PROCESS_LOCAL_ID", Integer.toString(sp[1]));
      env.put("DPU_OFFLOAD_SERVICE_PROCS_PER_DPU", Integer.toString(sp[2]));
      services.add(start("sp" + sp[0], List.of("service"), env));
    }
    // srun -N2 -n4: two tasks per node, block distribution
    RankInfo[] truth = new RankInfo[4];
    List<Jvm> ranks = new ArrayList<>();
    for (int r = 0; r < 4; r++) {
      truth[r] = new RankInfo(0, r, 4, r % 2, 2, r / 2);
      Map<String, String> env = jobEnv(file);
      env.put("SLURM_PROCID", Integer.toString(r));
      env.put("SLURM_NTASKS", "4");
      env.put("SLURM_LOCALID", Integer.toString(r % 2));
      env.put("SLURM_NODEID", Integer.toString(r / 2));
      env.put("SLURM_STEP_TASKS_PER_NODE", "2(x2)");
      env.put("SLURM_JOB_NODELIST", "node-[a-b]");
      ranks.add(start("rank" + r, List.of("rank", "--notifications", "3", "--json"), env));
    }
    String expected = CacheDigest.expected(topo, truth);
    for (int r = 0; r < 4; r++) {
      Jvm rank = ranks.get(r);
      assertEquals(0, rank.awaitExit(120, TimeUnit.SECONDS), rank.output());
      JsonObject s = new JsonObject(rank.awaitLine(l -> l.startsWith("{"), 1, TimeUnit.SECONDS));
      assertEquals(r, s.getInteger("rank"));
      assertEquals(topo.serviceProcessOf(truth[r]), s.getInteger("serviceProcess"), rank.output());
      assertEquals(4, s.getInteger("cacheEntries"));
      assertEquals(expected, s.getString("cacheDigest"), rank.output());
    }
    // rank 3 is local rank 1 of node-b: bf-b2's service process, on 127.0.0.2
    assertEquals("127.0.0.2", topo.serviceProcess(topo.serviceProcessOf(truth[3])).address());
    for (int id = 0; id < services.size(); id++) {
      Jvm sp = services.get(id);
      String listening = sp.awaitLine(l -> l.startsWith("listening "), 1, TimeUnit.SECONDS);
      assertEquals("listening " + topo.serviceProcess(id).address() + ":" + topo.serviceProcess(id).rankPort(),
          listening);
      assertEquals("cache group 0 complete: 4 entries, digest " + expected,
          sp.awaitLine(l -> l.startsWith("cache group 0 complete"), 60, TimeUnit.SECONDS), "sp" + id);
    }
    for (Jvm sp : services) {
      sp.terminate();
    }
    for (Jvm sp : services) {
      assertEquals(0, sp.awaitExit(30, TimeUnit.SECONDS), sp.output());
    }
  }

  @Test
  void anIdentityTheFileContradictsIsRefusedBeforeAnythingStarts() throws Exception {
    Path file = dir.resolve("platform.cfg");
    Files.writeString(file, "# Format version: 1\nnode-a,bf-a:127.0.0.1:7010&7011:9010&9011\n");
    Map<String, String> wrongLocal = configEnv(file);
    wrongLocal.put("DPU_OFFLOAD_SERVICE_PROCESS_GLOBAL_ID", "1");
    wrongLocal.put("DPU_OFFLOAD_SERVICE_PROCESS_LOCAL_ID", "0");
    Map<String, String> wrongCount = configEnv(file);
    wrongCount.put("DPU_OFFLOAD_SERVICE_PROCESS_GLOBAL_ID", "0");
    wrongCount.put("DPU_OFFLOAD_SERVICE_PROCS_PER_DPU", "8");
    Map<String, String> noSuchId = configEnv(file);
    noSuchId.put("DPU_OFFLOAD_SERVICE_PROCESS_GLOBAL_ID", "2");
    Map<String, String> rankOnNoHost = configEnv(file);
    rankOnNoHost.put("SLURM_PROCID", "0");
    rankOnNoHost.put("SLURM_NODEID", "1");
    Jvm a = start("wrong-local", List.of("service"), wrongLocal);
    Jvm b = start("wrong-count", List.of("service"), wrongCount);
    Jvm c = start("no-such-id", List.of("service"), noSuchId);
    Jvm d = start("rank-on-no-host", List.of("rank"), rankOnNoHost);
    assertRefused(a, "DPU_OFFLOAD_SERVICE_PROCESS_LOCAL_ID=0 but service process 1 of " + file
        + " is service process 1 of DPU bf-a");
    assertRefused(b, "DPU_OFFLOAD_SERVICE_PROCS_PER_DPU=8 but DPU bf-a of " + file + " runs 2 service process(es)");
    assertRefused(c, file + ": no service process 2 (the file has 2), from DPU_OFFLOAD_SERVICE_PROCESS_GLOBAL_ID=2");
    assertRefused(d, "SLURM_NODEID=1 but " + file + " has 1 host(s)");
  }

  private static void assertRefused(Jvm jvm, String message) throws InterruptedException {
    assertEquals(OffloadCli.BAD_CONFIG, jvm.awaitExit(60, TimeUnit.SECONDS), jvm.output());
    assertTrue(jvm.output().contains("offload: " + message), jvm.output());
  }

  /** The variables every process of the job gets. */
  private static Map<String, String> jobEnv(Path file) {
    Map<String, String> env = new HashMap<>();
    env.put("OFFLOAD_CONFIG_FILE_PATH", file.toString());
    env.put("DPU_OFFLOAD_LIST_DPUS", DPUS);
    return env;
  }

  /** The same for a file holding only the job's DPUs. */
  private static Map<String, String> configEnv(Path file) {
    Map<String, String> env = new HashMap<>();
    env.put("OFFLOAD_CONFIG_FILE_PATH", file.toString());
    return env;
  }

  private Jvm start(String name, List<String> args, Map<String, String> env) {
    Jvm jvm = Jvm.start(name, "io.offload.cli.OffloadCli", args, env);
    jvms.add(jvm);
    return jvm;
  }

  private static int[] freePorts(int n) {
    return io.offload.topology.FreePorts.pick(n);
  }
}
