package io.offload.bench;

import io.vertx.core.json.JsonObject;
import org.openucx.jucx.UcxCallback;
import org.openucx.jucx.UcxUtils;
import org.openucx.jucx.ucp.UcpAmData;
import org.openucx.jucx.ucp.UcpConstants;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpEndpointParams;
import org.openucx.jucx.ucp.UcpParams;
import org.openucx.jucx.ucp.UcpRequest;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;
import org.openucx.jucx.ucs.UcsConstants;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The floor: active-message ping-pong and one-way streaming written directly with JUCX, one
 * thread per side that busy-polls its worker and answers from inside the AM callback. Worker
 * addresses travel over a plain TCP socket, which stays open: its end tells the server to stop.
 * Same AM flags as the library ({@code UCP_AM_FLAG_WHOLE_MSG}); rendezvous messages are received
 * into a preallocated buffer (no allocation, no copy into Java memory).
 */
final class RawJucx {

  static final int AM_PING = 1;
  static final int AM_PONG = 2;
  static final int AM_DATA = 3;
  static final int AM_ACK = 4;
  static final int WINDOW = 64;
  static final int MAX = 1 << 20;

  private final UcpContext context = new UcpContext(params());
  private final UcpWorker worker = context.newWorker(new UcpWorkerParams());
  private final ByteBuffer out = ByteBuffer.allocateDirect(MAX);
  private final long outAddr = UcxUtils.getAddress(out);
  private final ByteBuffer in = ByteBuffer.allocateDirect(MAX);
  private final long inAddr = UcxUtils.getAddress(in);
  private final ByteBuffer header = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
  private final long headerAddr = UcxUtils.getAddress(header);
  private final ByteBuffer pingHeader = ByteBuffer.allocateDirect(64);
  private final long pingHeaderAddr = UcxUtils.getAddress(pingHeader);
  private UcpEndpoint ep;
  private volatile boolean running = true;

  // client state (progress thread = main thread)
  private boolean pong;
  private long acked;
  // server state
  private long received;

  private RawJucx() {
  }

  /** AM only; {@code BENCH_RAW_LIKE_LIB=1} asks for the library's features too (RMA, wake-up). */
  private static UcpParams params() {
    UcpParams p = new UcpParams().requestAmFeature();
    if (System.getenv("BENCH_RAW_LIKE_LIB") != null) {
      p.requestRmaFeature().requestWakeupFeature();
    }
    return p;
  }

  private byte[] address() {
    ByteBuffer a = worker.getAddress();
    byte[] b = new byte[a.remaining()];
    a.get(b);
    return b;
  }

  private void connect(byte[] peer) {
    ByteBuffer a = ByteBuffer.allocateDirect(peer.length);
    a.put(peer).flip();
    UcpEndpointParams params = new UcpEndpointParams().setUcpAddress(a);
    if (System.getenv("BENCH_RAW_ERR_HANDLER") != null) {
      params.setErrorHandler((endpoint, status, message) -> System.err.println("raw: endpoint error " + message));
    }
    ep = worker.newEndpoint(params);
  }

  private static byte[] exchange(Socket s, byte[] mine) throws Exception {
    DataOutputStream o = new DataOutputStream(s.getOutputStream());
    o.writeInt(mine.length);
    o.write(mine);
    o.flush();
    DataInputStream i = new DataInputStream(s.getInputStream());
    byte[] peer = new byte[i.readInt()];
    i.readFully(peer);
    return peer;
  }

  private void progress() {
    try {
      worker.progress();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code BENCH_RAW_HEADER=N}: ping-pong messages carry an N-byte user header like the library's (32). */
  private static final int PING_HEADER = Integer.parseInt(System.getenv().getOrDefault("BENCH_RAW_HEADER", "0"));

  private void send(int amId, long length) {
    int h = amId == AM_PING || amId == AM_PONG ? PING_HEADER : 0;
    ep.sendAmNonBlocking(amId, h == 0 ? 0 : pingHeaderAddr, h, outAddr, length, 0, null);
  }

  /** Runs {@code then} once the message's data is here (eager: now; rendezvous: once received). */
  private void whenReceived(UcpAmData data, Runnable then) {
    if (data.isDataValid()) {
      then.run();
      return;
    }
    data.receive(inAddr, new UcxCallback() {
      @Override
      public void onSuccess(UcpRequest request) {
        then.run();
      }

      @Override
      public void onError(int status, String message) {
        System.err.println("raw: rendezvous receive failed " + status + " " + message);
      }
    });
  }

  private void close() {
    if (ep != null) {
      UcpRequest r = ep.closeNonBlockingFlush();
      long deadline = System.nanoTime() + 1_000_000_000L;
      while (!r.isCompleted() && System.nanoTime() < deadline) {
        progress();
      }
    }
    worker.close();
    context.close();
  }

  // ------------------------------------------------------------------ server

  static void server() throws Exception {
    RawJucx s = new RawJucx();
    int flags = (int) UcpConstants.UCP_AM_FLAG_WHOLE_MSG;
    s.worker.setAmRecvHandler(AM_PING, (h, hl, data, replyEp) -> {
      long length = data.getLength();
      s.whenReceived(data, () -> s.send(AM_PONG, length));
      return UcsConstants.STATUS.UCS_OK;
    }, flags);
    s.worker.setAmRecvHandler(AM_DATA, (h, hl, data, replyEp) -> {
      long ackAt = UcxUtils.getByteBufferView(h, 8).order(ByteOrder.nativeOrder()).getLong(0);
      s.whenReceived(data, () -> {
        if (++s.received == ackAt) {
          s.send(AM_ACK, 0);
        }
      });
      return UcsConstants.STATUS.UCS_OK;
    }, flags);
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      System.out.println("listening " + ss.getLocalPort());
      System.out.flush();
      Socket sock = ss.accept();
      s.connect(exchange(sock, s.address()));
      Thread watch = new Thread(() -> {
        try {
          while (sock.getInputStream().read() >= 0) {
            // nothing is sent after the addresses; EOF means the client is done
          }
        } catch (Exception ignored) {
          // closed
        }
        s.running = false;
      }, "raw-eof");
      watch.setDaemon(true);
      watch.start();
      while (s.running) {
        s.progress();
      }
      sock.close();
    }
    s.close();
  }

  // ------------------------------------------------------------------ client

  static void client(int port, Plan plan) throws Exception {
    RawJucx c = new RawJucx();
    int flags = (int) UcpConstants.UCP_AM_FLAG_WHOLE_MSG;
    c.worker.setAmRecvHandler(AM_PONG, (h, hl, data, replyEp) -> {
      c.whenReceived(data, () -> c.pong = true);
      return UcsConstants.STATUS.UCS_OK;
    }, flags);
    c.worker.setAmRecvHandler(AM_ACK, (h, hl, data, replyEp) -> {
      c.acked++;
      return UcsConstants.STATUS.UCS_OK;
    }, flags);
    try (Socket sock = new Socket(InetAddress.getLoopbackAddress(), port)) {
      c.connect(exchange(sock, c.address()));
      for (int size : System.getenv("BENCH_TPUT_ONLY") != null ? new int[0] : Plan.SIZES) {
        Sample rtt = new Sample(plan.roundTrips(size, false));
        int warm = plan.warmup(size, false);
        int total = warm + plan.roundTrips(size, false);
        for (int i = 0; i < total; i++) {
          long t0 = System.nanoTime();
          c.send(AM_PING, size);
          while (!c.pong) {
            c.progress();
          }
          c.pong = false;
          if (i >= warm) {
            rtt.add(System.nanoTime() - t0);
          }
        }
        Child.result(new JsonObject().put("transport", "raw").put("kind", "rtt").put("size", size)
            .mergeIn(rtt.toJson()));
      }
      long target = 0;
      long acks = 0;
      for (int size : Plan.SIZES) {
        int n = plan.messages(size);
        double[] rates = new double[plan.rounds()];
        for (int round = -1; round < plan.rounds(); round++) {
          int count = round < 0 ? plan.warmupMessages(size) : n;
          target += count;
          c.header.putLong(0, target);
          UcpRequest[] window = new UcpRequest[WINDOW];
          long t0 = System.nanoTime();
          int sent = 0;
          while (sent < count) {
            for (int w = 0; w < WINDOW && sent < count; w++) {
              if (window[w] == null || window[w].isCompleted()) {
                window[w] = c.ep.sendAmNonBlocking(AM_DATA, c.headerAddr, 8, c.outAddr, size, 0, null);
                sent++;
              }
            }
            c.progress();
          }
          acks++;
          while (c.acked < acks) {
            c.progress();
          }
          double seconds = (System.nanoTime() - t0) / 1e9;
          if (round >= 0) {
            rates[round] = n / seconds;
          }
        }
        Child.result(Child.throughput("raw", size, rates));
      }
    }
    c.close();
  }
}
