package io.offload.fault;

import io.offload.bootstrap.BootstrapException;
import io.offload.bootstrap.impl.OobCodec;
import io.offload.bootstrap.ProtocolException;
import io.offload.context.ClientOptions;
import io.offload.topology.RankInfo;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.testkit.Jvm;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.DataInputStream;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzing of the OOB protocol with jqwik, bounded in tries so that CI time is bounded:
 * <ul>
 *   <li>every body decoder with random and mutated bodies: only {@link ProtocolException} may
 *       escape, and the allocation per call is bounded by the input, never by a length field;</li>
 *   <li>the frame parser with random and mutated byte streams cut into random chunks: frames
 *       within the limit, at most one error, allocation bounded by the input;</li>
 *   <li>random and mutated frame sequences over a real socket to a real service process (a
 *       child JVM, so that a crash shows as a failure, not as a lost test JVM): it answers or
 *       closes, never dies, and a normal rank bootstraps afterwards;</li>
 *   <li>a real client against a fake server answering with random frames: it fails with
 *       {@link BootstrapException}, in bounded time.</li>
 * </ul>
 * Worker addresses handed to UCX are never random bytes behind a valid header (UCX could read
 * them as any IP address and connect there): generated addresses carry a wrong format version,
 * which the codec refuses first, or are the real address of a process that is gone.
 */
class OobFuzzTest {

  static final AtomicLong DECODES = new AtomicLong();
  static final AtomicLong PARSED_STREAMS = new AtomicLong();
  static final AtomicLong SOCKET_SEQUENCES = new AtomicLong();
  static final AtomicLong FAKE_SERVERS = new AtomicLong();
  static final AtomicLong REFUSED = new AtomicLong();
  static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  static Jvm service;
  static int port;
  static byte[] staleAddress;
  static Vertx vertx;
  static OffloadEngine clients;

  @BeforeContainer
  static void start() throws Exception {
    staleAddress = StaleAddress.fromChildProcess();
    service = Jvm.offload("fuzz-sp", "service", "--port", "0", "--id", "6");
    port = service.awaitListeningPort();
    vertx = Vertx.vertx();
    clients = Wait.get(OffloadEngine.create(vertx, new EngineOptions().setName("fuzz-ranks")), 30);
  }

  @AfterContainer
  static void stop() throws Exception {
    try {
      if (clients != null && service != null) {
        // After all of it, the service process still bootstraps a normal rank and echoes.
        assertTrue(service.process().isAlive(), "the service process died: " + service.output());
        var c = Wait.get(clients.connect(new ClientOptions().setPort(port).setRankInfo(RankInfo.of(0, 0, 1))), 30);
        assertEquals(6, c.peer(0).orElseThrow().serviceProcessId());
        Wait.get(c.close(), 30);
        service.terminate();
        assertEquals(0, service.awaitExit(30, TimeUnit.SECONDS), service.output());
      }
      System.out.println("FUZZ decoder calls " + DECODES + ", parser streams " + PARSED_STREAMS + ", socket sequences "
          + SOCKET_SEQUENCES + " (" + REFUSED + " refused with ERROR), fake-server handshakes " + FAKE_SERVERS);
    } finally {
      if (clients != null) {
        Wait.get(clients.close(), 30);
      }
      if (vertx != null) {
        Wait.get(vertx.close(), 30);
      }
      if (service != null) {
        service.close();
      }
    }
  }

  // ------------------------------------------------------------------ generators

  static byte[] bytesOf(Buffer b) {
    return b.getBytes();
  }

  /** Valid encodings of every kind of frame (whole frames, with prefix). */
  static List<byte[]> validFrames() {
    RankInfo r = new RankInfo(2, 3, 8, 1, 4, 1);
    byte[] address = new byte[40];
    address[0] = 0x21; // format version 1: never handed to UCX by the codec
    return List.of(
        bytesOf(OobCodec.hello(0, 7, r)),
        bytesOf(OobCodec.serverInfo(1, 2, 3, 4, r, address)),
        bytesOf(OobCodec.serverInfo(1, 2, 3, 4, null, address)),
        bytesOf(OobCodec.clientAddress(address)),
        bytesOf(OobCodec.empty(OobCodec.READY)),
        bytesOf(OobCodec.empty(OobCodec.HEARTBEAT)),
        bytesOf(OobCodec.term("bye")),
        bytesOf(OobCodec.error(OobCodec.ERR_AUTH, "no")),
        bytesOf(OobCodec.bytesFrame(OobCodec.CHALLENGE, new byte[32])),
        bytesOf(OobCodec.bytesFrame(OobCodec.RESPONSE, new byte[32])));
  }

  static final int[] EDGE_INTS = {0, 1, -1, 2, 0x7F, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 32_768, 65_536,
      65_537};

  /** Bit flips, edge values written over 1, 2 or 4 bytes, truncation, extension, splices. */
  static Arbitrary<byte[]> mutated(Arbitrary<byte[]> seeds) {
    Arbitrary<List<Integer>> ops = Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofMinSize(1).ofMaxSize(6);
    return Combinators.combine(seeds, ops).as(OobFuzzTest::mutate);
  }

  static byte[] mutate(byte[] seed, List<Integer> ops) {
    byte[] b = seed.clone();
    for (int op : ops) {
      int kind = op % 6;
      int at = b.length == 0 ? 0 : (op >>> 3) % b.length;
      switch (kind) {
        case 0 -> { if (b.length > 0) b[at] ^= (byte) (1 << (op >>> 11 & 7)); }
        case 1 -> { if (b.length >= 4) ByteBuffer.wrap(b).putInt(Math.min(at, b.length - 4), EDGE_INTS[(op >>> 9) % EDGE_INTS.length]); }
        case 2 -> { if (b.length >= 2) ByteBuffer.wrap(b).putShort(Math.min(at, b.length - 2), (short) EDGE_INTS[(op >>> 9) % EDGE_INTS.length]); }
        case 3 -> b = java.util.Arrays.copyOf(b, at); // truncate
        case 4 -> { // extend with junk
          byte[] longer = java.util.Arrays.copyOf(b, b.length + 1 + (op >>> 20) % 64);
          for (int i = b.length; i < longer.length; i++) longer[i] = (byte) (op * 31 + i);
          b = longer;
        }
        default -> { if (b.length > 0) b[at] = (byte) (op >>> 13); }
      }
    }
    return b;
  }

  @Provide
  Arbitrary<byte[]> bodies() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<byte[]> validBodies = Arbitraries.of(validFrames()).map(f -> java.util.Arrays.copyOfRange(f, 5, f.length));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, random),
        net.jqwik.api.Tuple.of(1, validBodies),
        net.jqwik.api.Tuple.of(4, mutated(validBodies)));
  }

  @Provide
  Arbitrary<byte[]> streams() {
    Arbitrary<byte[]> frame = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, Arbitraries.of(validFrames())),
        net.jqwik.api.Tuple.of(3, mutated(Arbitraries.of(validFrames()))),
        net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, EDGE_INTS.length - 1).map(i -> EDGE_INTS[i]).map(n -> ByteBuffer.allocate(5).putInt(n).put((byte) 1).array())));
    return frame.list().ofMaxSize(8).map(OobFuzzTest::concat);
  }

  /** Frame sequences for a server: a valid HELLO first half of the time, to reach the later states. */
  @Provide
  Arbitrary<List<byte[]>> sequences() {
    Arbitrary<byte[]> anyHello = Combinators.combine(Arbitraries.integers().between(0, 3),
        Arbitraries.integers().between(0, 1_000_000)).as((g, r) -> bytesOf(OobCodec.hello(0, 1, RankInfo.of(g + 10, r,
        1_000_001))));
    Arbitrary<byte[]> badAddress = Combinators.combine(Arbitraries.integers().between(1, 15),
        Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(300)).as((version, junk) -> {
          byte[] a = junk.clone();
          if (a.length > 0) {
            a[0] = (byte) ((a[0] & 0xF0) | version); // never this UCX's format version 0: refused before UCX
          }
          return a;
        }).map(a -> a.length == 0 ? bytesOf(OobCodec.clientAddress(new byte[] {1})) : bytesOf(OobCodec.clientAddress(a)));
    Arbitrary<byte[]> staleClientAddress = Arbitraries.just(0).map(x -> bytesOf(OobCodec.clientAddress(staleAddress)));
    Arbitrary<byte[]> element = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, anyHello),
        net.jqwik.api.Tuple.of(2, badAddress),
        net.jqwik.api.Tuple.of(1, staleClientAddress),
        net.jqwik.api.Tuple.of(3, Arbitraries.of(validFrames()).filter(f -> f[4] != OobCodec.CLIENT_ADDRESS
            && f[4] != OobCodec.SERVER_INFO)),
        net.jqwik.api.Tuple.of(3, mutated(Arbitraries.of(validFrames()).filter(f -> f[4] != OobCodec.CLIENT_ADDRESS
            && f[4] != OobCodec.SERVER_INFO))),
        net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)));
    return Combinators.combine(Arbitraries.of(true, false), anyHello, element.list().ofMaxSize(5)).as((hello, h, rest) -> {
      List<byte[]> all = new ArrayList<>();
      if (hello) {
        all.add(h);
      }
      all.addAll(rest);
      return all;
    });
  }

  static byte[] concat(List<byte[]> parts) {
    return RawOob.concat(parts.toArray(new byte[0][]));
  }

  // ------------------------------------------------------------------ properties

  @Property(tries = 8_000)
  void decodersThrowOnlyProtocolExceptionsAndAllocateByTheInput(@ForAll("bodies") byte[] body) {
    List<Function<Buffer, Object>> decoders = List.of(
        OobCodec::decodeHello,
        b -> OobCodec.decodeServerInfo(b, EngineOptions.DEFAULT_MAX_ADDRESS_LENGTH),
        b -> OobCodec.decodeClientAddress(b, EngineOptions.DEFAULT_MAX_ADDRESS_LENGTH),
        OobCodec::decodeTerm,
        OobCodec::decodeError,
        b -> OobCodec.decodeBytes(b, "RESPONSE", 32));
    long bound = 4L * body.length + 64 * 1024;
    for (Function<Buffer, Object> decoder : decoders) {
      long allocated = decodeAndMeasure(decoder, body);
      if (allocated >= bound) {
        // A first call may load classes (String.format, charsets) on this thread; what the
        // input itself makes the decoder allocate shows again on a second, warm call.
        allocated = decodeAndMeasure(decoder, body);
      }
      assertTrue(allocated < bound, "decoding " + body.length + " bytes allocated " + allocated);
      DECODES.incrementAndGet();
    }
  }

  /** Decodes once (only ProtocolException may escape) and returns the bytes this thread allocated. */
  static long decodeAndMeasure(Function<Buffer, Object> decoder, byte[] body) {
    Buffer input = Buffer.buffer(body);
    long before = THREADS.getCurrentThreadAllocatedBytes();
    try {
      decoder.apply(input);
    } catch (ProtocolException expected) {
      // the one documented failure
    }
    return THREADS.getCurrentThreadAllocatedBytes() - before;
  }

  @Property(tries = 1_500)
  void parserYieldsBoundedFramesOrOneErrorAndAllocatesByTheInput(@ForAll("streams") byte[] stream,
      @ForAll @IntRange(min = 64, max = 4096) int maxFrame, @ForAll @Size(max = 8) List<@IntRange(min = 1, max = 97) Integer> cuts) {
    List<OobCodec.Frame> frames = new ArrayList<>();
    List<ProtocolException> errors = new ArrayList<>();
    int[] framesAtError = {-1};
    Handler<Buffer> parser = OobCodec.parser(maxFrame, frames::add, e -> {
      errors.add(e);
      framesAtError[0] = frames.size();
    });
    long before = THREADS.getCurrentThreadAllocatedBytes();
    int pos = 0;
    int cut = 0;
    while (pos < stream.length) {
      int n = cuts.isEmpty() ? stream.length : Math.min(stream.length - pos, cuts.get(cut++ % cuts.size()));
      parser.handle(Buffer.buffer(java.util.Arrays.copyOfRange(stream, pos, pos + n)));
      pos += n;
    }
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    assertTrue(allocated < 16L * stream.length + 256 * 1024, stream.length + " bytes in, " + allocated + " allocated");
    assertTrue(errors.size() <= 1, "errors: " + errors);
    if (!errors.isEmpty()) {
      assertEquals(framesAtError[0], frames.size(), "frames after the error");
    }
    long framed = 0;
    for (OobCodec.Frame f : frames) {
      assertTrue(1 + f.body().length() <= maxFrame);
      framed += 5 + f.body().length();
    }
    assertTrue(framed <= stream.length);
    PARSED_STREAMS.incrementAndGet();
  }

  @Property(tries = 100)
  void serviceProcessSurvivesRandomFrameSequences(@ForAll("sequences") List<byte[]> frames) throws Exception {
    try (RawOob oob = RawOob.connect(port)) {
      try {
        oob.write(concat(frames));
      } catch (java.io.IOException closedEarly) {
        // the server may refuse and close before we finish writing
      }
      RawOob.Outcome outcome = oob.drain(100);
      if (outcome.error() != null) {
        REFUSED.incrementAndGet();
      }
    }
    assertTrue(service.process().isAlive(), "the service process died: " + service.output());
    SOCKET_SEQUENCES.incrementAndGet();
  }

  @Property(tries = 20)
  void clientFailsCleanlyAgainstAServerSpeakingGarbage(@ForAll("streams") byte[] answer,
      @ForAll boolean challengeFirst) throws Exception {
    try (ServerSocket fake = new ServerSocket(0)) {
      CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
        try (Socket s = fake.accept()) {
          s.setSoTimeout(5000);
          DataInputStream in = new DataInputStream(s.getInputStream());
          int len = in.readInt();
          in.skipNBytes(len);
          if (challengeFirst) {
            s.getOutputStream().write(bytesOf(OobCodec.bytesFrame(OobCodec.CHALLENGE, new byte[32])));
          }
          s.getOutputStream().write(answer);
          s.getOutputStream().flush();
          in.readAllBytes(); // until the client leaves
        } catch (Exception ignored) {
          // the client went away
        }
      });
      ClientOptions o = new ClientOptions().setPort(fake.getLocalPort()).setRankInfo(RankInfo.of(0, 0, 1))
          .setConnectTimeout(Duration.ofSeconds(2)).setHandshakeTimeout(Duration.ofMillis(700)).setSecret("s");
      Throwable e = Wait.failure(clients.connect(o), 10);
      assertInstanceOf(BootstrapException.class, e, "" + e);
      server.get(10, TimeUnit.SECONDS);
    }
    FAKE_SERVERS.incrementAndGet();
  }
}
