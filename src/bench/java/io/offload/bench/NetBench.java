package io.offload.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What a Vert.x user would write to cross processes by hand: a {@code NetSocket} on loopback
 * (TCP_NODELAY, Vert.x defaults otherwise). Echo server for round trips; a sink that reads an
 * 8-byte byte count, swallows that many bytes and answers one byte, for the one-way stream.
 */
final class NetBench {

  private NetBench() {
  }

  static void server() throws Exception {
    Vertx vertx = Vertx.vertx();
    NetServerOptions opts = new NetServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true);
    NetServer echo = vertx.createNetServer(opts).connectHandler(so -> so.handler(so::write));
    NetServer sink = vertx.createNetServer(opts).connectHandler(NetBench::sink);
    echo.listen().await(30, TimeUnit.SECONDS);
    sink.listen().await(30, TimeUnit.SECONDS);
    System.out.println("listening " + echo.actualPort() + " " + sink.actualPort());
    System.out.flush();
    Thread.currentThread().join();
  }

  /** Per connection: [u64 count][count bytes] ... each answered by one byte. */
  private static void sink(NetSocket so) {
    long[] remaining = {-1};
    Buffer[] head = {Buffer.buffer()};
    so.handler(b -> {
      int pos = 0;
      while (pos < b.length()) {
        if (remaining[0] < 0) {
          int take = Math.min(8 - head[0].length(), b.length() - pos);
          head[0].appendBuffer(b, pos, take);
          pos += take;
          if (head[0].length() == 8) {
            remaining[0] = head[0].getLong(0);
            head[0] = Buffer.buffer();
          }
        } else {
          int take = (int) Math.min(remaining[0], b.length() - pos);
          remaining[0] -= take;
          pos += take;
        }
        if (remaining[0] == 0) {
          remaining[0] = -1;
          so.write(Buffer.buffer(new byte[] {1}));
        }
      }
    });
  }

  /** Client state; lives on one event loop. */
  private static final class Driver extends RttDriver {
    NetSocket socket;
    long got;

    @Override
    void send() {
      got = 0;
      socket.write(payload);
    }

    void data(Buffer b) {
      got += b.length();
      if (got >= size) {
        pong();
      }
    }
  }

  static void client(int echoPort, int sinkPort, Plan plan) throws Exception {
    Vertx vertx = Vertx.vertx();
    Context loop = vertx.getOrCreateContext();
    var client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
    Driver d = new Driver();
    CompletableFuture<NetSocket> connected = new CompletableFuture<>();
    loop.runOnContext(v -> client.connect(echoPort, "127.0.0.1").onComplete(ar -> {
      if (ar.succeeded()) {
        ar.result().handler(d::data);
        connected.complete(ar.result());
      } else {
        connected.completeExceptionally(ar.cause());
      }
    }));
    d.socket = connected.get(30, TimeUnit.SECONDS);
    d.measure(loop, "netsocket", plan, false);

    CompletableFuture<NetSocket> sinkConnected = new CompletableFuture<>();
    CompletableFuture<?>[] ack = {null};
    loop.runOnContext(v -> client.connect(sinkPort, "127.0.0.1").onComplete(ar -> {
      if (ar.succeeded()) {
        ar.result().handler(b -> {
          for (int i = 0; i < b.length(); i++) {
            ack[0].complete(null);
          }
        });
        sinkConnected.complete(ar.result());
      } else {
        sinkConnected.completeExceptionally(ar.cause());
      }
    }));
    NetSocket sink = sinkConnected.get(30, TimeUnit.SECONDS);
    for (int size : Plan.SIZES) {
      int n = plan.messages(size);
      double[] rates = new double[plan.rounds()];
      Buffer payload = Buffer.buffer(new byte[size]);
      for (int round = -1; round < plan.rounds(); round++) {
        int count = round < 0 ? plan.warmupMessages(size) : n;
        CompletableFuture<Void> f = new CompletableFuture<>();
        long t0 = System.nanoTime();
        loop.runOnContext(v -> {
          ack[0] = f;
          sink.write(Buffer.buffer().appendLong((long) count * size));
          stream(sink, payload, count);
        });
        f.get(10, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (round >= 0) {
          rates[round] = n / seconds;
        }
      }
      Child.result(Child.throughput("netsocket", size, rates));
    }
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  /** Writes {@code left} payloads, pausing whenever the socket's write queue is full. */
  private static void stream(NetSocket so, Buffer payload, int left) {
    int n = left;
    while (n > 0 && !so.writeQueueFull()) {
      so.write(payload);
      n--;
    }
    if (n > 0) {
      int rest = n;
      so.drainHandler(v -> {
        so.drainHandler(null);
        stream(so, payload, rest);
      });
    }
  }
}
