package io.offload.cache;

import io.offload.topology.ServiceProcessSpec;
import io.offload.topology.Topology;
import io.offload.topology.TopologyException;

import io.offload.topology.RankInfo;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopologyTest {

  @Test
  void shouldReadTheExampleFileWithGlobalAndLocalIds() {
    Topology t = Topology.read(Path.of("verticles/topology-2hosts.json"));
    assertEquals(2, t.hosts().size());
    assertEquals(4, t.serviceProcessCount());
    ServiceProcessSpec sp2 = t.serviceProcess(2);
    assertEquals(new ServiceProcessSpec(2, 0, 1, "127.0.0.1", 14110, 14210), sp2);
    assertEquals("node-b", t.host(1).name());
    // local_rank % service processes per host
    assertEquals(2, t.serviceProcessFor(1, 0).globalId());
    assertEquals(3, t.serviceProcessFor(1, 5).globalId());
    assertEquals(1, t.serviceProcessOf(new RankInfo(0, 9, 16, 7, 8, 0)));
    assertEquals(t.toJson(), Topology.fromJson(t.toJson()).toJson());
  }

  @Test
  void shouldPlaceRanksBlockWise() {
    Topology t = Topology.read(Path.of("verticles/topology-2hosts.json"));
    RankInfo[] r = t.placeBlock(0, 5); // 3 on host 0, 2 on host 1
    assertEquals(new RankInfo(0, 2, 5, 2, 3, 0), r[2]);
    assertEquals(new RankInfo(0, 4, 5, 1, 2, 1), r[4]);
  }

  @Test
  void shouldNameTheFieldAndLineOfAnInvalidPort() {
    String text = """
        {
          "hosts": [
            { "name": "a", "address": "127.0.0.1",
              "serviceProcesses": [
                { "rankPort": 14100, "meshPort": 70000 }
              ] }
          ]
        }
        """;
    TopologyException e = assertThrows(TopologyException.class, () -> Topology.parse(text, "t.json"));
    assertEquals("t.json:5: hosts[0].serviceProcesses[0].meshPort must be a port in [1, 65535], got 70000",
        e.getMessage());
  }

  @Test
  void shouldRejectMissingFieldsDuplicatesAndBrokenJsonClearly() {
    assertMessage("{}", "t.json:1: hosts is missing (a JSON array)");
    assertMessage("{\"hosts\": []}", "t.json:1: hosts must list at least one host");
    assertMessage("{\"hosts\": [{\"name\": \"a\", \"serviceProcesses\": [{\"rankPort\": 1, \"meshPort\": 2}]}]}",
        "t.json:1: hosts[0].address is missing (a string)");
    assertMessage("{\"hosts\": [{\"address\": \"h\", \"serviceProcesses\": []}]}",
        "t.json:1: hosts[0].serviceProcesses must list at least one service process");
    assertMessage("{\"hosts\": [{\"address\": \"h\", \"serviceProcesses\": [{\"rankPort\": 5, \"meshPort\": 5}]}]}",
        "t.json:1: hosts[0].serviceProcesses[0].meshPort h:5 is used twice");
    TopologyException e = assertThrows(TopologyException.class, () -> Topology.parse("{\n\"hosts\": [\n}", "t.json"));
    assertTrue(e.getMessage().startsWith("t.json:3: invalid JSON"), e.getMessage());
    assertThrows(TopologyException.class, () -> Topology.read(Path.of("does/not/exist.json")));
  }

  private static void assertMessage(String json, String expected) {
    assertEquals(expected, assertThrows(TopologyException.class, () -> Topology.parse(json, "t.json")).getMessage());
  }
}
