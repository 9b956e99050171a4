package io.offload;

import io.offload.examples.CallerDrivenLoop;
import io.offload.examples.HelloNotification;
import io.offload.examples.OneSidedPutThroughTheCache;
import io.offload.examples.RankMemoryExposure;
import io.offload.examples.TwoServiceProcesses;
import io.offload.examples.SelfNotifications;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The programs in examples/ are compiled with the tests and run here. */
class ExamplesTest {

  @Test
  void helloNotification() throws Exception {
    assertEquals("hello rank 3, I am your service process", HelloNotification.run());
  }

  @Test
  void selfNotifications() throws Exception {
    assertEquals(List.of("tick 1", "tick 2", "tick 3"), SelfNotifications.run());
  }

  @Test
  void oneSidedPutThroughTheCache() throws Exception {
    assertEquals("service process 0 serves rank 2; its region holds: written by rank 0 with a UCX put",
        OneSidedPutThroughTheCache.run());
  }

  @Test
  void twoServiceProcesses() throws Exception {
    assertEquals(List.of("rank 0: host 0, service process 0 (same host as rank 0)",
        "rank 1: host 0, service process 0 (same host as rank 0)",
        "rank 2: host 1, service process 1", "rank 3: host 1, service process 1"), TwoServiceProcesses.run());
  }

  @Test
  void callerDrivenLoop() throws Exception {
    assertEquals("echo: hello; region: put by a caller-driven rank", CallerDrivenLoop.run());
  }

  @Test
  void rankMemoryExposure() throws Exception {
    List<String> out = RankMemoryExposure.run();
    assertEquals("service process: ok; rank's memory now: HELLO FROM THE RANK'S MEMORY", out.get(0));
    assertEquals("after withdrawal: RegionWithdrawnException: region 1 (28 B) of server-1/peer 0 (group 0 rank 0) is gone: "
        + "withdrawn by its owner", out.get(1));
  }
}
