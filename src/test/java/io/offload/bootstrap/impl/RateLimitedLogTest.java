package io.offload.bootstrap.impl;


import io.offload.context.ExecutionContext;
import io.offload.context.ServerOptions;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Logs an attacker can grow are rate-limited, with a count of what was dropped (issue 16, fault 7). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RateLimitedLogTest {

  @Test
  void shouldWriteAtMostTheBudgetPerWindowAndSayHowManyWereDropped() {
    AtomicLong now = new AtomicLong();
    List<String> lines = new ArrayList<>();
    RateLimitedLog log = new RateLimitedLog((f, a) -> lines.add(org.slf4j.helpers.MessageFormatter.arrayFormat(f, a)
        .getMessage()), 3, Duration.ofSeconds(10), now::get);
    for (int i = 0; i < 10; i++) {
      log.warn("bad peer {}", i);
    }
    assertEquals(List.of("bad peer 0", "bad peer 1", "bad peer 2"), lines);
    assertEquals(7, log.dropped());
    now.addAndGet(TimeUnit.SECONDS.toNanos(9));
    log.warn("bad peer {}", 10);
    assertEquals(3, lines.size(), "same window");
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    log.warn("bad peer {}", 11);
    assertEquals("bad peer 11 (8 similar lines dropped before this one: at most 3 per 10 s)", lines.get(3));
    log.warn("bad peer {}", 12);
    assertEquals("bad peer 12", lines.get(4), "the count is told once");
    assertEquals(5, log.written());
    assertEquals(8, log.dropped());
  }

  @Test
  void shouldNotWriteALinePerHostileConnection() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      OffloadEngine engine = OffloadEngine.create(vertx, new EngineOptions().setName("ratelimit-sp")).await(30, TimeUnit.SECONDS);
      ExecutionContext server = engine.listen(new ServerOptions()).await(30, TimeUnit.SECONDS);
      long written0 = PeerConnection.PEER_WARNINGS.written();
      long dropped0 = PeerConnection.PEER_WARNINGS.dropped();
      long start = System.nanoTime();
      int connections = 300;
      for (int i = 0; i < connections; i++) {
        try (Socket s = new Socket("127.0.0.1", server.localPort())) {
          s.setSoTimeout(10_000);
          OutputStream out = s.getOutputStream();
          out.write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)); // a frame length of 1.2 GB
          out.flush();
          InputStream in = s.getInputStream();
          while (in.read() >= 0) {
            // the ERROR frame, then the close
          }
        }
      }
      long minutes = TimeUnit.NANOSECONDS.toMinutes(System.nanoTime() - start) + 1;
      long written = PeerConnection.PEER_WARNINGS.written() - written0;
      long dropped = PeerConnection.PEER_WARNINGS.dropped() - dropped0;
      assertEquals(connections, written + dropped, "every refusal is either written or counted");
      assertTrue(written <= 20 * (minutes + 1), written + " lines written for " + connections + " hostile connections");
      engine.close().await(30, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
