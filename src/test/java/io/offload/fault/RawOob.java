package io.offload.fault;

import io.offload.bootstrap.impl.OobCodec;
import io.offload.topology.RankInfo;
import io.offload.context.Scope;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw OOB peer over {@link java.net.Socket}: writes arbitrary bytes and reads whatever frames
 * come back, so tests can speak the protocol wrongly on purpose. Frames it reads are capped at
 * 1 MiB (a test that receives more has found a bug).
 */
final class RawOob implements AutoCloseable {

  /** A frame read back: kind and body bytes. */
  record Frame(byte kind, byte[] body) {
    int errorCode() {
      return ByteBuffer.wrap(body).getInt(0);
    }

    String errorText() {
      int n = ByteBuffer.wrap(body).getShort(4) & 0xFFFF;
      return new String(body, 6, n, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return kind == OobCodec.ERROR ? "ERROR(" + errorCode() + ", " + errorText() + ")" : OobCodec.kindName(kind)
          + "[" + body.length + "]";
    }
  }

  /** What the server did with our bytes. */
  record Outcome(List<Frame> frames, boolean closedByServer) {
    Frame error() {
      return frames.stream().filter(f -> f.kind() == OobCodec.ERROR).findFirst().orElse(null);
    }

    boolean sawKind(byte kind) {
      return frames.stream().anyMatch(f -> f.kind() == kind);
    }
  }

  final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  RawOob(String host, int port) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress(host, port), 5000);
    socket.setTcpNoDelay(true);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  static RawOob connect(int port) throws IOException {
    return new RawOob("127.0.0.1", port);
  }

  RawOob write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** Reads one frame, waiting at most {@code timeoutMs}; null on EOF. */
  Frame read(long timeoutMs) throws IOException {
    socket.setSoTimeout((int) Math.max(1, timeoutMs));
    int length;
    try {
      length = in.readInt();
    } catch (EOFException e) {
      return null;
    }
    if (length < 1 || length > (1 << 20)) {
      throw new IOException("the server sent a frame length of " + Integer.toUnsignedLong(length));
    }
    byte kind = in.readByte();
    byte[] body = new byte[length - 1];
    in.readFully(body);
    return new Frame(kind, body);
  }

  /** Reads frames until the server closes (or resets), or {@code timeoutMs} passes. */
  Outcome drain(long timeoutMs) throws IOException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    List<Frame> frames = new ArrayList<>();
    while (true) {
      long left = (deadline - System.nanoTime()) / 1_000_000L;
      if (left <= 0) {
        return new Outcome(frames, false);
      }
      try {
        Frame f = read(left);
        if (f == null) {
          return new Outcome(frames, true);
        }
        frames.add(f);
      } catch (SocketTimeoutException e) {
        return new Outcome(frames, false);
      } catch (IOException e) {
        if (e.getMessage() != null && e.getMessage().startsWith("the server sent")) {
          throw e;
        }
        return new Outcome(frames, true); // reset by the server
      }
    }
  }

  /** Reads frames until one of {@code kind} (returned), failing on EOF, ERROR or timeout. */
  Frame expect(byte kind, long timeoutMs) throws IOException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    while (true) {
      Frame f = read(Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
      if (f == null) {
        throw new IOException("server closed while waiting for " + OobCodec.kindName(kind));
      }
      if (f.kind() == kind) {
        return f;
      }
      if (f.kind() == OobCodec.ERROR) {
        throw new IOException("server refused while waiting for " + OobCodec.kindName(kind) + ": " + f);
      }
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  // ------------------------------------------------------------------ frame bytes

  static byte[] hello(RankInfo rank) {
    return OobCodec.hello(Scope.HOST_SERVICE.ordinal(), 1, rank).getBytes();
  }

  /** A frame with an arbitrary length field (which may lie) and body. */
  static byte[] frame(long lengthField, int kind, byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(5 + body.length);
    b.putInt((int) lengthField).put((byte) kind).put(body);
    return b.array();
  }

  /** A well-formed frame of {@code kind} around {@code body}. */
  static byte[] frame(int kind, byte[] body) {
    return frame(1L + body.length, kind, body);
  }

  static byte[] helloBody(int magic, int version, int scope, int[] rank) {
    ByteBuffer b = ByteBuffer.allocate(4 + 2 + 1 + 4 + 4 * rank.length);
    b.putInt(magic).putShort((short) version).put((byte) scope).putInt(1);
    for (int v : rank) {
      b.putInt(v);
    }
    return b.array();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static byte[] readAll(InputStream in) throws IOException {
    return in.readAllBytes();
  }
}
