package io.offload.bench.micro;

import io.offload.bootstrap.impl.OobCodec;
import io.offload.topology.RankInfo;
import io.offload.notify.impl.AmHeader;
import io.offload.notify.impl.BufferPool;
import io.vertx.core.buffer.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Micro-benchmarks of the library's per-message and per-bootstrap work. Each invocation runs
 * {@link #OPS} operations so that a sample is well above the timer's resolution; JMH reports
 * the time per operation (sample mode: median and p99 over samples).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmarks {

  static final int OPS = 100;

  private final ByteBuffer[] headers = new ByteBuffer[8];

  {
    for (int i = 0; i < headers.length; i++) {
      headers[i] = ByteBuffer.allocateDirect(AmHeader.LENGTH);
    }
  }

  private final RankInfo rank = new RankInfo(3, 17, 256, 1, 8, 2);
  /** A worker address of a typical size here (shm + tcp transports). */
  private final byte[] address = new byte[300];
  private final Buffer helloBody = body(OobCodec.hello(0, 42, rank));
  private final Buffer serverInfoBody = body(OobCodec.serverInfo(1, 2, 17, 5, rank, address));
  private final BufferPool pool = new BufferPool();
  /** A pool whose 4 KiB class already holds many buffers, as after a burst of sends. */
  private final BufferPool fullPool = new BufferPool();

  {
    java.util.List<ByteBuffer> held = new java.util.ArrayList<>();
    for (int i = 0; i < 63; i++) {
      held.add(fullPool.acquire(4096));
    }
    held.forEach(fullPool::release);
  }
  private long eventId;

  private static Buffer body(Buffer frame) {
    return frame.slice(5, frame.length());
  }

  /**
   * The header write is a few nanoseconds. Headers rotate over several buffers and each write is
   * read back, or the JIT keeps only the last of the loop's stores to one buffer.
   */
  @Benchmark
  @OperationsPerInvocation(OPS)
  public void amHeaderWrite(Blackhole bh) {
    for (int i = 0; i < OPS; i++) {
      ByteBuffer h = headers[i & (headers.length - 1)];
      AmHeader.write(h, 7, 1024, eventId++, 8, 3);
      bh.consume(h.getLong(AmHeader.EVENT_ID_OFFSET));
    }
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public void oobHelloEncode(Blackhole bh) {
    for (int i = 0; i < OPS; i++) {
      bh.consume(OobCodec.hello(0, i, rank));
    }
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public void oobHelloDecode(Blackhole bh) {
    for (int i = 0; i < OPS; i++) {
      bh.consume(OobCodec.decodeHello(helloBody));
    }
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public void oobServerInfoEncode(Blackhole bh) {
    for (int i = 0; i < OPS; i++) {
      bh.consume(OobCodec.serverInfo(1, 2, i, 5, rank, address));
    }
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public void oobServerInfoDecode(Blackhole bh) {
    for (int i = 0; i < OPS; i++) {
      bh.consume(OobCodec.decodeServerInfo(serverInfoBody, 32 * 1024));
    }
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public void bufferPoolAcquireRelease4k(Blackhole bh) {
    for (int i = 0; i < OPS; i++) {
      ByteBuffer b = pool.acquire(4096);
      bh.consume(b);
      pool.release(b);
    }
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public void bufferPoolAcquireRelease4kFullClass(Blackhole bh) {
    for (int i = 0; i < OPS; i++) {
      ByteBuffer b = fullPool.acquire(4096);
      bh.consume(b);
      fullPool.release(b);
    }
  }
}
