package io.offload.fault;

import io.offload.bootstrap.impl.OobCodec;
import io.offload.topology.RankInfo;
import io.offload.context.ServerOptions;
import io.offload.engine.EngineOptions;
import io.offload.testkit.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static io.offload.fault.RawOob.concat;
import static io.offload.fault.RawOob.frame;
import static io.offload.fault.RawOob.hello;
import static io.offload.fault.RawOob.helloBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed OOB input over a real socket to a real server: each case must be answered with a
 * clear ERROR frame (or, for input that never completes, a close) and leave the server serving:
 * a normal rank bootstraps and exchanges a notification after every case.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RawSocketTest {

  static final long HANDSHAKE_MS = 1500;
  static final AtomicInteger RANKS = new AtomicInteger();
  static ServerFixture sp;

  @BeforeAll
  static void start() throws Exception {
    sp = ServerFixture.start(new ServerOptions().setHandshakeTimeout(Duration.ofMillis(HANDSHAKE_MS)),
        new EngineOptions());
  }

  @AfterAll
  static void stop() {
    if (sp != null) {
      sp.close();
    }
  }

  static final int[] RANK = {0, 1, 4, 1, 4, 0};

  static byte[] helloOf(int magic, int version, int scope, int... rank) {
    return frame(OobCodec.HELLO, helloBody(magic, version, scope, rank));
  }

  static byte[] freshHello() {
    return hello(RankInfo.of(0, RANKS.incrementAndGet(), 1_000));
  }

  static byte[] lengthThenKind(long length, int kind) {
    return frame(length, kind, new byte[0]);
  }

  static byte[] clientAddress(long lengthField, byte[] bytes) {
    return frame(OobCodec.CLIENT_ADDRESS, ByteBuffer.allocate(4 + bytes.length).putInt((int) lengthField).put(bytes).array());
  }

  static byte[] u16Body(int n, int actual) {
    return ByteBuffer.allocate(2 + actual).putShort((short) n).array();
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new java.util.Random(seed).nextBytes(b);
    return b;
  }

  /** name, bytes to send, expected ERROR code (0: only a close), fragment of its text. */
  static Stream<Arguments> malformed() {
    int v = OobCodec.VERSION;
    int m = OobCodec.MAGIC;
    byte[] goodBody = helloBody(m, v, 0, RANK);
    List<Arguments> a = new ArrayList<>();
    a.add(Arguments.of("length prefix cut after 2 bytes, then EOF", new byte[] {0, 0}, 0, null));
    a.add(Arguments.of("frame announces 100 bytes, sends 10, then EOF",
        frame(100, OobCodec.HELLO, new byte[9]), 0, null));
    a.add(Arguments.of("HELLO body truncated", frame(OobCodec.HELLO, Arrays.copyOf(goodBody, 12)), 1, "HELLO truncated"));
    a.add(Arguments.of("HELLO with an empty body", frame(OobCodec.HELLO, new byte[0]), 1, "HELLO truncated"));
    a.add(Arguments.of("wrong magic", helloOf(0xDEADBEEF, v, 0, RANK), 1, "bad magic"));
    a.add(Arguments.of("magic byte-swapped", helloOf(Integer.reverseBytes(m), v, 0, RANK), 1, "bad magic"));
    a.add(Arguments.of("wrong version " + (v + 1), helloOf(m, v + 1, 0, RANK), 1, "protocol version " + (v + 1) + " not supported"));
    a.add(Arguments.of("version 0xFFFF", helloOf(m, 0xFFFF, 0, RANK), 1, "protocol version 65535"));
    a.add(Arguments.of("version 0", helloOf(m, 0, 0, RANK), 1, "protocol version 0"));
    a.add(Arguments.of("scope of another server (INTER_SERVICE)", helloOf(m, v, 1, RANK), 1, "scope"));
    a.add(Arguments.of("scope code 200", helloOf(m, v, 200, RANK), 1, "scope"));
    a.add(Arguments.of("rank >= group size", helloOf(m, v, 0, 0, 5, 2, 0, 1, 0), 1, "invalid rank info"));
    a.add(Arguments.of("negative group id", helloOf(m, v, 0, -1, 0, 1, 0, 1, 0), 1, "invalid rank info"));
    a.add(Arguments.of("group size 0", helloOf(m, v, 0, 0, 0, 0, 0, 1, 0), 1, "invalid rank info"));
    a.add(Arguments.of("all rank fields -1", helloOf(m, v, 0, -1, -1, -1, -1, -1, -1), 1, "invalid rank info"));
    a.add(Arguments.of("service index 2 of 2", frame(OobCodec.HELLO, helloBody(m, v, 0, RANK, 2, 2)), 1,
        "service index 2 of 2"));
    a.add(Arguments.of("service count 0", frame(OobCodec.HELLO, helloBody(m, v, 0, RANK, 0, 0)), 1,
        "service index 0 of 0"));
    a.add(Arguments.of("service count 9", frame(OobCodec.HELLO, helloBody(m, v, 0, RANK, 0xFF, 9)), 1,
        "service index 255 of 9"));
    a.add(Arguments.of("HELLO with trailing bytes", frame(OobCodec.HELLO, concat(goodBody, new byte[3])), 1, "trailing"));
    a.add(Arguments.of("length 65537 (max + 1)", lengthThenKind(EngineOptions.DEFAULT_MAX_FRAME_LENGTH + 1L, 1), 1,
        "frame length 65537"));
    a.add(Arguments.of("length 2^31 (negative as i32)", lengthThenKind(0x8000_0000L, 1), 1, "frame length 2147483648"));
    a.add(Arguments.of("length 2^32-1 (-1 as i32)", lengthThenKind(0xFFFF_FFFFL, 1), 1, "frame length 4294967295"));
    a.add(Arguments.of("length 0", new byte[] {0, 0, 0, 0}, 1, "frame length 0"));
    a.add(Arguments.of("oversized frame actually sent in full",
        frame(OobCodec.HELLO, new byte[EngineOptions.DEFAULT_MAX_FRAME_LENGTH + 100]), 1, "frame length"));
    a.add(Arguments.of("unknown kind 99", frame(99, new byte[0]), 1, "unexpected kind 99"));
    a.add(Arguments.of("kind 0", frame(0, new byte[8]), 1, "unexpected kind 0"));
    a.add(Arguments.of("kind -1", frame(-1, new byte[8]), 1, "unexpected kind -1"));
    a.add(Arguments.of("CLIENT_ADDRESS before HELLO", clientAddress(16, new byte[16]), 1, "unexpected CLIENT_ADDRESS"));
    a.add(Arguments.of("READY before HELLO", frame(OobCodec.READY, new byte[0]), 1, "READY before"));
    a.add(Arguments.of("RESPONSE without a challenge", frame(OobCodec.RESPONSE, u16Body(32, 32)), 1,
        "unexpected RESPONSE"));
    a.add(Arguments.of("SERVER_INFO sent by a client", frame(OobCodec.SERVER_INFO, new byte[40]), 1,
        "unexpected SERVER_INFO"));
    a.add(Arguments.of("CHALLENGE sent by a client", frame(OobCodec.CHALLENGE, u16Body(32, 32)), 1,
        "unexpected CHALLENGE"));
    a.add(Arguments.of("ERROR with a lying text length", frame(OobCodec.ERROR, new byte[] {0, 0, 0, 1, 0x7F, 0x7F, 'x'}), 1,
        "ERROR truncated"));
    a.add(Arguments.of("TERM with a lying text length", frame(OobCodec.TERM, u16Body(0xFFFF, 3)), 1, "TERM truncated"));
    a.add(Arguments.of("HTTP request", "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 1,
        "frame length"));
    a.add(Arguments.of("TLS ClientHello", new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03,
        0x03}, 1, "frame length"));
    a.add(Arguments.of("two HELLOs", concat(freshHello(), freshHello()), 1, "second HELLO"));
    a.add(Arguments.of("CLIENT_ADDRESS length 2^32-1", concat(freshHello(), clientAddress(0xFFFF_FFFFL, new byte[0])),
        1, "worker address of 4294967295 bytes"));
    a.add(Arguments.of("CLIENT_ADDRESS length 2^31", concat(freshHello(), clientAddress(0x8000_0000L, new byte[0])),
        1, "worker address of 2147483648 bytes"));
    a.add(Arguments.of("CLIENT_ADDRESS length over maxAddressLength",
        concat(freshHello(), clientAddress(EngineOptions.DEFAULT_MAX_ADDRESS_LENGTH + 1L, new byte[0])), 1,
        "outside [1, 32768]"));
    a.add(Arguments.of("CLIENT_ADDRESS length 0", concat(freshHello(), clientAddress(0, new byte[0])), 1,
        "worker address of 0 bytes"));
    a.add(Arguments.of("CLIENT_ADDRESS says 100 bytes, has 10", concat(freshHello(), clientAddress(100, new byte[10])),
        1, "CLIENT_ADDRESS truncated"));
    a.add(Arguments.of("CLIENT_ADDRESS of 3 bytes", concat(freshHello(), clientAddress(3, new byte[3])), 1,
        "too short"));
    a.add(Arguments.of("CLIENT_ADDRESS of 16 random bytes (aborted the JVM in UCX before the fix)",
        concat(freshHello(), clientAddress(16, withHeader(random(16, 7), 0x23))), 1, "format version 3"));
    a.add(Arguments.of("CLIENT_ADDRESS with format version 15", concat(freshHello(), clientAddress(64,
        withHeader(random(64, 8), 0x2F))), 1, "format version 15"));
    return a.stream();
  }

  static byte[] withHeader(byte[] b, int header) {
    b[0] = (byte) header;
    return b;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void shouldRefuseMalformedInputAndKeepServing(String name, byte[] bytes, int code, String fragment) throws Exception {
    RawOob.Outcome outcome;
    try (RawOob oob = RawOob.connect(sp.port())) {
      oob.write(bytes);
      if (code == 0) {
        oob.socket.shutdownOutput();
      }
      outcome = oob.drain(HANDSHAKE_MS + 3000);
    }
    assertTrue(outcome.closedByServer(), name + ": the server must close the connection; got " + outcome);
    if (code != 0) {
      RawOob.Frame error = outcome.error();
      assertNotNull(error, name + ": expected an ERROR frame, got " + outcome);
      assertEquals(code, error.errorCode(), name + ": " + error);
      assertTrue(error.errorText().contains(fragment), name + ": ERROR text '" + error.errorText() + "' lacks '"
          + fragment + "'");
      assertTrue(outcome.frames().stream().noneMatch(f -> f.kind() == OobCodec.ERROR && f != error),
          "one ERROR only: " + outcome);
    }
    sp.assertNormalRankBootstraps();
    sp.awaitNoLivePeersBut(0, 5000);
  }

  /**
   * A genuine address of a process that is gone (never random bytes behind a valid header: UCX
   * could read them as any IP address and try to connect there). Twice in one connection: the
   * second CLIENT_ADDRESS is a protocol error, or the first ends the connection.
   */
  @Test
  void shouldDropAClientWhoseWorkerAddressIsDead() throws Exception {
    byte[] stale = StaleAddress.fromChildProcess();
    try (RawOob oob = RawOob.connect(sp.port())) {
      oob.write(concat(freshHello(), OobCodec.clientAddress(stale).getBytes()));
      RawOob.Outcome outcome = oob.drain(HANDSHAKE_MS + 3000);
      assertTrue(outcome.closedByServer(), "" + outcome);
      assertNotNull(outcome.error(), "" + outcome); // UCX refused the endpoint, the probe failed, or time ran out
    }
    try (RawOob oob = RawOob.connect(sp.port())) {
      byte[] address = OobCodec.clientAddress(stale).getBytes();
      oob.write(concat(freshHello(), address, address));
      RawOob.Outcome outcome = oob.drain(HANDSHAKE_MS + 3000);
      assertTrue(outcome.closedByServer() && outcome.error() != null, "" + outcome);
    }
    sp.assertNormalRankBootstraps();
    sp.awaitNoLivePeersBut(0, 5000);
  }

  @Test
  void shouldDropASlowDripAtTheHandshakeTimeoutWhileServingOthers() throws Exception {
    byte[] hello = freshHello();
    try (RawOob oob = RawOob.connect(sp.port())) {
      long t0 = System.nanoTime();
      CompletableFuture<Void> drip = CompletableFuture.runAsync(() -> {
        try {
          for (byte b : hello) { // 1 byte every 100 ms: about 5 s for the whole HELLO
            oob.write(new byte[] {b});
            Thread.sleep(100);
          }
        } catch (Exception e) {
          // the server cut us off: expected
        }
      });
      sp.assertNormalRankBootstraps(); // while the drip goes on
      RawOob.Outcome outcome = oob.drain(HANDSHAKE_MS + 3000);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(outcome.closedByServer(), "" + outcome);
      assertEquals(OobCodec.ERR_TIMEOUT, outcome.error().errorCode(), "" + outcome);
      assertTrue(outcome.error().errorText().contains("did not finish within " + HANDSHAKE_MS + " ms"), "" + outcome);
      assertTrue(ms < hello.length * 100L, "cut after " + ms + " ms, before the drip could finish");
      drip.get(10, TimeUnit.SECONDS);
    }
    sp.assertNormalRankBootstraps();
    sp.awaitNoLivePeersBut(0, 5000);
  }

  @Test
  void shouldDropAPeerThatStallsAfterHello() throws Exception {
    try (RawOob oob = RawOob.connect(sp.port())) {
      oob.write(freshHello());
      oob.expect(OobCodec.SERVER_INFO, 5000);
      RawOob.Outcome outcome = oob.drain(HANDSHAKE_MS + 3000);
      assertTrue(outcome.closedByServer(), "" + outcome);
      assertEquals(OobCodec.ERR_TIMEOUT, outcome.error().errorCode(), "" + outcome);
      assertTrue(outcome.error().errorText().contains("stalled at CLIENT_ADDRESS"), "" + outcome);
    }
    sp.assertNormalRankBootstraps();
  }

  @Test
  void shouldDropHeartbeatsInsteadOfAHelloAtTheHandshakeTimeout() throws Exception {
    try (RawOob oob = RawOob.connect(sp.port())) {
      byte[] heartbeat = frame(OobCodec.HEARTBEAT, new byte[0]);
      byte[] many = new byte[heartbeat.length * 2000];
      for (int i = 0; i < 2000; i++) {
        System.arraycopy(heartbeat, 0, many, i * heartbeat.length, heartbeat.length);
      }
      oob.write(many);
      RawOob.Outcome outcome = oob.drain(HANDSHAKE_MS + 3000);
      assertTrue(outcome.closedByServer(), "" + outcome);
      assertEquals(OobCodec.ERR_TIMEOUT, outcome.error().errorCode(), "" + outcome);
    }
    sp.assertNormalRankBootstraps();
  }

  @Test
  void shouldSurviveAFloodOfConnections() throws Exception {
    int flood = 400;
    List<RawOob> open = new ArrayList<>();
    try {
      for (int i = 0; i < flood; i++) {
        RawOob oob = RawOob.connect(sp.port());
        switch (i % 4) {
          case 0 -> oob.close(); // connect and leave at once
          case 1 -> open.add(oob); // connect and say nothing
          case 2 -> {
            oob.write(random(64, i)); // garbage
            open.add(oob);
          }
          default -> {
            oob.write(Arrays.copyOf(freshHello(), 20)); // half a HELLO
            open.add(oob);
          }
        }
      }
      Await.until("server sees the flood", () -> sp.livePeers() >= open.size() / 2, 10, TimeUnit.SECONDS);
      sp.assertNormalRankBootstraps(); // while ~300 connections hang on
    } finally {
      open.forEach(RawOob::close);
    }
    sp.awaitNoLivePeersBut(0, 10_000);
    // Nothing of the flood is remembered: no peer record was ever admitted for it.
    assertTrue(sp.peerRecords().stream().allMatch(p -> p.rankInfo().isPresent()), "unadmitted records left: " + sp.peerRecords());
    sp.assertNormalRankBootstraps();
  }

  @Test
  void shouldRefuseConnectionsBeyondMaxPeers() throws Exception {
    try (ServerFixture small = ServerFixture.start(new ServerOptions().setMaxPeers(3)
        .setHandshakeTimeout(Duration.ofSeconds(30)))) {
      List<RawOob> idle = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          idle.add(RawOob.connect(small.port()));
        }
        Await.until("3 peers", () -> small.livePeers() == 3, 10, TimeUnit.SECONDS);
        try (RawOob fourth = RawOob.connect(small.port())) {
          RawOob.Outcome outcome = fourth.drain(5000);
          assertTrue(outcome.closedByServer(), "" + outcome);
          assertEquals(OobCodec.ERR_FULL, outcome.error().errorCode(), "" + outcome);
          assertTrue(outcome.error().errorText().contains("maxPeers"), "" + outcome);
        }
      } finally {
        idle.forEach(RawOob::close);
      }
      small.awaitNoLivePeersBut(0, 10_000);
      small.assertNormalRankBootstraps();
      assertFalse(small.server.isClosed());
    }
  }
}
