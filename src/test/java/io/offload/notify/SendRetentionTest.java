package io.offload.notify;

import io.offload.context.ExecutionContext;
import io.offload.engine.EngineOptions;
import io.offload.engine.OffloadEngine;
import io.offload.testkit.EnginePair;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A completed send leaves nothing behind. JUCX 1.12.1 kept a JNI global reference, and through it
 * its {@code UcpRequest}, for every request that UCX completed at once (upstream fix 56872b5, in
 * JUCX 1.15.0): an 8-byte notification, the common case, so a service process that answered a
 * million of them held a million requests, and every GC scanned them as roots. 100,000 round trips
 * (200,000 sends), then the live {@code UcpRequest} objects are counted by the JVM's own class
 * histogram, which runs a full GC first, and the live heap must not have grown by more than 2 MiB.
 */
@ExtendWith(VertxExtension.class)
class SendRetentionTest {

  static final int TYPE = EventTypes.FIRST_USER_TYPE + 78;
  static final int N = 100_000;
  /** Far below one per send; above what flow control and the other engine parts may hold. */
  static final long BOUND = 2_000;
  /** Live heap growth allowed over the run: 20 B per round trip, so one object kept per message fails. */
  static final long HEAP_BOUND = 2L << 20;

  @Test
  void completedSendsLeaveNoRequestAlive(Vertx vertx) throws Exception {
    OffloadEngine sp = OffloadEngine.create(vertx, new EngineOptions().setName("retain-sp")).await(30, TimeUnit.SECONDS);
    OffloadEngine rank = OffloadEngine.create(vertx, new EngineOptions().setName("retain-rank")).await(30, TimeUnit.SECONDS);
    try {
      EnginePair.echo(sp, TYPE);
      ExecutionContext client = EnginePair.connect(sp, rank);
      long before = liveRequests();
      long heapBefore = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();

      Buffer payload = Buffer.buffer(new byte[8]);
      int[] pongs = {0};
      Promise<Void> done = Promise.promise();
      Promise<Void> pingReady = Promise.promise();
      rank.ucxContext().runOnContext(v -> client.consumer(TYPE, n -> {
        if (++pongs[0] == N) {
          done.tryComplete();
        } else {
          client.notify(0, TYPE, payload);
        }
      }).completion().onComplete(pingReady));
      pingReady.future().await(10, TimeUnit.SECONDS);
      rank.ucxContext().runOnContext(v -> client.notify(0, TYPE, payload));
      done.future().await(300, TimeUnit.SECONDS);

      long after = liveRequests();
      long heapAfter = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      String report = "live UcpRequest objects: " + before + " before, " + after + " after " + N
          + " round trips (" + 2 * N + " sends); live heap " + (heapAfter - heapBefore) / 1024 + " KiB more";
      System.out.println(report);
      assertTrue(after - before <= BOUND, report);
      assertTrue(heapAfter - heapBefore <= HEAP_BOUND, report);
    } finally {
      rank.close().await(30, TimeUnit.SECONDS);
      sp.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** Live instances of {@code org.openucx.jucx.ucp.UcpRequest}, after the full GC the histogram runs. */
  static long liveRequests() throws Exception {
    String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {new String[0]}, new String[] {String[].class.getName()});
    Matcher m = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+org\\.openucx\\.jucx\\.ucp\\.UcpRequest\\b",
        Pattern.MULTILINE).matcher(histogram);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }
}
