package io.offload.fault;

import io.offload.bootstrap.BootstrapException;
import io.offload.context.BootstrapPhase;
import io.offload.context.ExecutionContext;
import io.offload.topology.RankInfo;
import io.offload.context.ServerOptions;
import io.offload.context.Peer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One live connection per (group, rank); a rank whose connection is gone may come back. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DuplicateClaimTest {

  @Test
  void shouldRefuseASecondLiveClaimAndAcceptAReconnectAfterLoss() throws Exception {
    try (ServerFixture sp = ServerFixture.start(new ServerOptions())) {
      RankInfo rank = new RankInfo(3, 7, 8, 7, 8, 0);
      ExecutionContext first = sp.connect(rank);

      Throwable e = Wait.failure(sp.clientEngine().connect(sp.clientOptions(rank)), 20);
      assertInstanceOf(BootstrapException.class, e);
      assertTrue(e.getMessage().contains("group 3 rank 7 is already connected"), e.getMessage());
      sp.await("server refused the duplicate", c -> c.to() == BootstrapPhase.DISCONNECTED && c.reason() != null
          && c.reason().contains("already connected"), 10_000);
      assertEquals(BootstrapPhase.BOOTSTRAP_DONE, first.phase(), "the first claim is untouched");
      sp.assertEchoes(first);

      int oldPeer = first.clientId();
      Wait.get(first.close(), 20);
      sp.await("server saw the first connection end", c -> c.peerId() == oldPeer
          && c.to() == BootstrapPhase.DISCONNECTED, 10_000);

      ExecutionContext again = sp.connect(rank);
      assertEquals(BootstrapPhase.BOOTSTRAP_DONE, again.phase());
      sp.assertEchoes(again);
      List<Peer> records = sp.peerRecords().stream().filter(p -> p.rankInfo().filter(rank::equals).isPresent())
          .collect(Collectors.toList());
      assertEquals(1, records.size(), "the lost record is replaced, not piled up: " + records);
      assertEquals(again.clientId(), records.get(0).id());
      Wait.get(again.close(), 20);
    }
  }
}
