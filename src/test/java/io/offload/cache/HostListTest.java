package io.offload.cache;

import io.offload.topology.HostList;
import io.offload.topology.TopologyException;

import io.offload.topology.HostList.Host;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Launcher host files: Open MPI hostfiles, MPICH machine files, plain lists, and their edge cases. */
class HostListTest {

  @Test
  void anOpenMpiHostfileWithSlotsCommentsAndBlankLines() {
    List<Host> hosts = HostList.parse("""
        # the job's nodes
        node01 slots=4
        node02 slots=4 max_slots=8   # trailing comment

           node03\tslots=2
        """, "hosts");
    assertEquals(List.of(new Host("node01", 4), new Host("node02", 4), new Host("node03", 2)), hosts);
  }

  @Test
  void aPlainListAnMpichMachineFileAndCrlf() {
    assertEquals(List.of(new Host("a", 0), new Host("b.example.com", 0)), HostList.parse("a\r\nb.example.com\r\n", "h"));
    assertEquals(List.of(new Host("a", 2), new Host("b", 1)), HostList.parse("a:2\nb:1\n", "h"));
  }

  @Test
  void aHostListedTwiceIsOneHostWhoseSlotsAddUp() {
    assertEquals(List.of(new Host("a", 3), new Host("b", 1)), HostList.parse("a slots=1\nb slots=1\na slots=2\n", "h"));
  }

  @Test
  void badLinesNameTheFileAndLine() {
    assertError("", "h: lists no host");
    assertError("# only comments\n\n", "h: lists no host");
    assertError("a\nb slots=0\n", "h:2: slots must be a number >= 1, got '0'");
    assertError("a slots=four\n", "h:1: slots must be a number >= 1, got 'four'");
    assertError("a slots\n", "h:1: 'slots' must be key=value (slots=N, max_slots=N)");
    assertError("a color=red\n", "h:1: unknown field 'color' (known: slots, max_slots)");
    assertError("slots=4\n", "h:1: host name must come first, got 'slots=4'");
    assertError("a:x\n", "h:1: count after ':' must be a number >= 1, got 'x'");
  }

  private static void assertError(String text, String message) {
    assertEquals(message, assertThrows(TopologyException.class, () -> HostList.parse(text, "h")).getMessage());
  }
}
