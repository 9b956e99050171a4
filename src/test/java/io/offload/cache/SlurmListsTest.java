package io.offload.cache;

import io.offload.topology.SlurmNodeList;
import io.offload.topology.SlurmTasksPerNode;
import io.offload.topology.TopologyException;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** SLURM_JOB_NODELIST bracket ranges and SLURM_TASKS_PER_NODE repeat syntax, with their edge cases. */
class SlurmListsTest {

  static final String NODES = "SLURM_JOB_NODELIST";
  static final String TASKS = "SLURM_TASKS_PER_NODE";

  @Test
  void bracketRangesKeepZeroPaddingAndOrder() {
    assertEquals(List.of("node01", "node02", "node03", "node04", "node07"), SlurmNodeList.expand("node[01-04,07]", NODES));
    assertEquals(List.of("n8", "n9", "n10", "n11"), SlurmNodeList.expand("n[8-11]", NODES));
    assertEquals(List.of("n098", "n099", "n100"), SlurmNodeList.expand("n[098-100]", NODES));
    assertEquals(List.of("login1"), SlurmNodeList.expand("login1", NODES));
    assertEquals(List.of("a1", "a2", "b", "c05", "c06"), SlurmNodeList.expand("a[1-2],b,c[05-06]", NODES));
    assertEquals(List.of("node1-ib", "node2-ib"), SlurmNodeList.expand("node[1-2]-ib", NODES));
    assertEquals(List.of("r1n1", "r1n2", "r2n1", "r2n2"), SlurmNodeList.expand("r[1-2]n[1-2]", NODES));
    assertEquals(List.of("a.x.org", "b.x.org"), SlurmNodeList.expand(" a.x.org , b.x.org ", NODES));
    assertEquals(List.of("n3"), SlurmNodeList.expand("n[3]", NODES));
  }

  @Test
  void badNodeListsAreRefusedWithTheVariableName() {
    assertNodesError("", "SLURM_JOB_NODELIST is empty");
    assertNodesError("node[01-04", "SLURM_JOB_NODELIST: '[' without ']' in 'node[01-04'");
    assertNodesError("node01-04]", "SLURM_JOB_NODELIST: ']' without '[' in 'node01-04]'");
    assertNodesError("n[[1-2]]", "SLURM_JOB_NODELIST: nested '[' in 'n[[1-2]]'");
    assertNodesError("n[4-2]", "SLURM_JOB_NODELIST: range '4-2' in 'n[4-2]' goes down");
    assertNodesError("n[a-b]", "SLURM_JOB_NODELIST: bad range 'a-b' in 'n[a-b]' (expected N or N-M)");
    assertNodesError("n[]", "SLURM_JOB_NODELIST: bad range '' in 'n[]' (expected N or N-M)");
    assertNodesError("n[1-2-3]", "SLURM_JOB_NODELIST: bad range '1-2-3' in 'n[1-2-3]' (expected N or N-M)");
    assertNodesError("a,,b", "SLURM_JOB_NODELIST: empty host name in 'a,,b'");
    assertNodesError("n[0-999999999]", "SLURM_JOB_NODELIST expands to more than 100000 hosts");
  }

  @Test
  void tasksPerNodeRepeatSyntax() {
    assertArrayEquals(new int[] {2, 2, 2, 1}, SlurmTasksPerNode.parse("2(x3),1", TASKS));
    assertArrayEquals(new int[] {4}, SlurmTasksPerNode.parse("4", TASKS));
    assertArrayEquals(new int[] {1, 3, 3}, SlurmTasksPerNode.parse("1,3(x2)", TASKS));
    assertArrayEquals(new int[] {16, 16}, SlurmTasksPerNode.parse(" 16(x2) ", TASKS));
  }

  @Test
  void badTasksPerNodeAreRefusedWithTheVariableName() {
    assertTasksError("", "SLURM_TASKS_PER_NODE is empty");
    assertTasksError("2(x3", "SLURM_TASKS_PER_NODE: bad item '2(x3' in '2(x3' (expected N or N(xR))");
    assertTasksError("2(3)", "SLURM_TASKS_PER_NODE: bad item '2(3)' in '2(3)' (expected N or N(xR))");
    assertTasksError("2(x0)", "SLURM_TASKS_PER_NODE: bad item '2(x0)' in '2(x0)' (expected N or N(xR), N >= 1)");
    assertTasksError("0", "SLURM_TASKS_PER_NODE: bad item '0' in '0' (expected N or N(xR), N >= 1)");
    assertTasksError("2,,1", "SLURM_TASKS_PER_NODE: bad item '' in '2,,1' (expected N or N(xR), N >= 1)");
    assertTasksError("1(x999999)", "SLURM_TASKS_PER_NODE covers more than 100000 nodes");
  }

  private static void assertNodesError(String list, String message) {
    assertEquals(message, assertThrows(TopologyException.class, () -> SlurmNodeList.expand(list, NODES)).getMessage());
  }

  private static void assertTasksError(String value, String message) {
    assertEquals(message, assertThrows(TopologyException.class, () -> SlurmTasksPerNode.parse(value, TASKS)).getMessage());
  }
}
