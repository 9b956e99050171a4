package io.offload.bootstrap.impl;

import io.offload.bootstrap.ProtocolException;

import io.offload.topology.RankInfo;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.parsetools.RecordParser;

import java.nio.charset.StandardCharsets;

/**
 * The out-of-band protocol: frames on a Vert.x socket, big-endian.
 * <pre>
 *  +----------------+--------+-------------------------+
 *  | length (u32)   | kind   | body (length - 1 bytes) |
 *  +----------------+--------+-------------------------+
 * </pre>
 * {@code length} counts the kind byte and the body, so it is never 0 (RecordParser cannot
 * switch to a 0-byte record). Bodies, by kind:
 * <ul>
 *   <li>HELLO (client): magic u32, version u16, scope u8, client channel i32, rank info 6 x i32,
 *       service index u8 (which of the rank's service processes the server is: 0 primary, 1..7 a
 *       shadow, {@link #LINK_ONLY_INDEX} none, the link only), service count u8 (1..8)</li>
 *   <li>SERVER_INFO (server): server id, service-process id, client id, server channel (i32 each),
 *       has-rank u8 [rank info 6 x i32], worker address (u32 length + bytes)</li>
 *   <li>CLIENT_ADDRESS (client): worker address (u32 length + bytes)</li>
 *   <li>READY (both): the payload of the UCX probe that reached me (u16 length + bytes): "your
 *       UCX probe reached me", proof that I receive UCX messages at the address I sent</li>
 *   <li>HEARTBEAT (both): empty</li>
 *   <li>TERM (both): reason (u16 length + UTF-8)</li>
 *   <li>ERROR (both): code i32, text (u16 length + UTF-8)</li>
 *   <li>CHALLENGE (server): nonce (u16 length + bytes); RESPONSE (client): HMAC (u16 length + bytes)</li>
 * </ul>
 * Every length is checked against the configured limits before anything is allocated.
 */
public final class OobCodec {

  public static final int MAGIC = 0x4F464C44; // "OFLD"
  /**
   * 2: READY echoes the peer's UCX probe payload (proof that the peer owns its worker address).
   * 3: HELLO says which of the rank's service processes the server is, and how many it has.
   */
  public static final int VERSION = 3;
  /** HELLO's service index of a link that serves nothing ({@code ClientOptions.LINK_ONLY}). */
  public static final int LINK_ONLY_INDEX = 0xFF;
  private static final int MAX_SERVICE_COUNT = 8;

  public static final byte HELLO = 1;
  public static final byte SERVER_INFO = 2;
  public static final byte CLIENT_ADDRESS = 3;
  public static final byte READY = 4;
  public static final byte HEARTBEAT = 5;
  public static final byte TERM = 6;
  public static final byte ERROR = 7;
  public static final byte CHALLENGE = 8;
  public static final byte RESPONSE = 9;

  /** Error codes of ERROR frames. */
  public static final int ERR_PROTOCOL = 1;
  public static final int ERR_AUTH = 2;
  public static final int ERR_DUPLICATE = 3;
  public static final int ERR_FULL = 4;
  public static final int ERR_TIMEOUT = 5;

  private OobCodec() {
  }

  /** A decoded frame: kind and body (positions from 0). */
  public record Frame(byte kind, Buffer body) {
  }

  /** The first message of a client. */
  public record Hello(int magic, int version, int scope, int clientChannel, RankInfo rank, int serviceIndex,
                      int serviceCount) {
    /** The index as {@code ClientOptions} has it: -1 for a link only. */
    public int index() {
      return serviceIndex == LINK_ONLY_INDEX ? -1 : serviceIndex;
    }
  }

  /** The server's answer to HELLO. */
  public record ServerInfo(int serverId, int serviceProcessId, int clientId, int serverChannel, RankInfo rank,
                           byte[] workerAddress) {
  }

  /** An ERROR frame. */
  public record ErrorFrame(int code, String text) {
  }

  // ------------------------------------------------------------------ framing

  /**
   * A parser that turns socket bytes into frames, refusing frames longer than
   * {@code maxFrameLength}. Errors go to {@code onError}; after one the parser stops.
   */
  public static Handler<Buffer> parser(int maxFrameLength, Handler<Frame> onFrame, Handler<ProtocolException> onError) {
    RecordParser parser = RecordParser.newFixed(4);
    boolean[] readingLength = {true};
    boolean[] broken = {false};
    parser.handler(record -> {
      if (broken[0]) {
        return;
      }
      if (readingLength[0]) {
        long length = record.getUnsignedInt(0);
        if (length < 1 || length > maxFrameLength) {
          broken[0] = true;
          onError.handle(new ProtocolException("frame length " + length + " outside [1, " + maxFrameLength + "]"));
          return;
        }
        readingLength[0] = false;
        parser.fixedSizeMode((int) length);
      } else {
        readingLength[0] = true;
        parser.fixedSizeMode(4);
        onFrame.handle(new Frame(record.getByte(0), record.slice(1, record.length())));
      }
    });
    return data -> {
      if (!broken[0]) {
        parser.handle(data);
      }
    };
  }

  private static Buffer frame(byte kind, Buffer body) {
    Buffer b = Buffer.buffer(5 + body.length());
    b.appendInt(1 + body.length()).appendByte(kind).appendBuffer(body);
    return b;
  }

  // ------------------------------------------------------------------ encoders

  /** A HELLO to the rank's primary service process (one per rank). */
  public static Buffer hello(int scope, int clientChannel, RankInfo rank) {
    return hello(scope, clientChannel, rank, 0, 1);
  }

  /** A HELLO; {@code index} -1 for a link only. */
  public static Buffer hello(int scope, int clientChannel, RankInfo rank, int index, int count) {
    Buffer body = Buffer.buffer().appendInt(MAGIC).appendShort((short) VERSION).appendByte((byte) scope)
        .appendInt(clientChannel);
    appendRank(body, rank);
    body.appendByte((byte) (index < 0 ? LINK_ONLY_INDEX : index)).appendByte((byte) count);
    return frame(HELLO, body);
  }

  public static Buffer serverInfo(int serverId, int spId, int clientId, int serverChannel, RankInfo rank,
                                  byte[] address) {
    Buffer body = Buffer.buffer().appendInt(serverId).appendInt(spId).appendInt(clientId).appendInt(serverChannel);
    body.appendByte((byte) (rank == null ? 0 : 1));
    if (rank != null) {
      appendRank(body, rank);
    }
    body.appendInt(address.length).appendBytes(address);
    return frame(SERVER_INFO, body);
  }

  public static Buffer clientAddress(byte[] address) {
    return frame(CLIENT_ADDRESS, Buffer.buffer().appendInt(address.length).appendBytes(address));
  }

  public static Buffer empty(byte kind) {
    return frame(kind, Buffer.buffer());
  }

  public static Buffer term(String reason) {
    return frame(TERM, appendString(Buffer.buffer(), reason));
  }

  public static Buffer error(int code, String text) {
    return frame(ERROR, appendString(Buffer.buffer().appendInt(code), text));
  }

  public static Buffer bytesFrame(byte kind, byte[] bytes) {
    return frame(kind, Buffer.buffer().appendShort((short) bytes.length).appendBytes(bytes));
  }

  private static void appendRank(Buffer b, RankInfo r) {
    b.appendInt(r.groupId()).appendInt(r.rank()).appendInt(r.groupSize()).appendInt(r.localRank())
        .appendInt(r.localSize()).appendInt(r.hostId());
  }

  private static Buffer appendString(Buffer b, String s) {
    byte[] bytes = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    int n = Math.min(bytes.length, 0xFFFF);
    return b.appendShort((short) n).appendBytes(bytes, 0, n);
  }

  // ------------------------------------------------------------------ decoders (validate everything)

  public static Hello decodeHello(Buffer body) {
    FrameReader r = new FrameReader(body, "HELLO");
    int magic = r.i32();
    if (magic != MAGIC) {
      throw new ProtocolException(String.format("bad magic 0x%08x (expected 0x%08x): not an offload-contexts peer",
          magic, MAGIC));
    }
    int version = r.u16();
    if (version != VERSION) {
      throw new ProtocolException("protocol version " + version + " not supported (this side speaks " + VERSION + ")");
    }
    int scope = r.u8();
    int channel = r.i32();
    RankInfo rank = r.rank();
    int index = r.u8();
    int count = r.u8();
    if (count < 1 || count > MAX_SERVICE_COUNT || (index != LINK_ONLY_INDEX && index >= count)) {
      throw new ProtocolException("HELLO: service index " + index + " of " + count + " (count in [1, "
          + MAX_SERVICE_COUNT + "], index below it or " + LINK_ONLY_INDEX + ")");
    }
    r.end();
    return new Hello(magic, version, scope, channel, rank, index, count);
  }

  public static ServerInfo decodeServerInfo(Buffer body, int maxAddressLength) {
    FrameReader r = new FrameReader(body, "SERVER_INFO");
    int serverId = r.i32();
    int spId = r.i32();
    int clientId = r.i32();
    int channel = r.i32();
    RankInfo rank = r.u8() == 0 ? null : r.rank();
    byte[] address = r.sized(maxAddressLength, "worker address");
    r.end();
    return new ServerInfo(serverId, spId, clientId, channel, rank, address);
  }

  public static byte[] decodeClientAddress(Buffer body, int maxAddressLength) {
    FrameReader r = new FrameReader(body, "CLIENT_ADDRESS");
    byte[] address = r.sized(maxAddressLength, "worker address");
    r.end();
    return address;
  }

  public static String decodeTerm(Buffer body) {
    FrameReader r = new FrameReader(body, "TERM");
    String s = r.string();
    r.end();
    return s;
  }

  public static ErrorFrame decodeError(Buffer body) {
    FrameReader r = new FrameReader(body, "ERROR");
    ErrorFrame e = new ErrorFrame(r.i32(), r.string());
    r.end();
    return e;
  }

  public static byte[] decodeBytes(Buffer body, String what, int max) {
    FrameReader r = new FrameReader(body, what);
    int n = r.u16();
    if (n > max) {
      throw new ProtocolException(what + ": " + n + " bytes, at most " + max + " allowed");
    }
    byte[] b = r.bytes(n);
    r.end();
    return b;
  }

  public static String kindName(byte kind) {
    return switch (kind) {
      case HELLO -> "HELLO";
      case SERVER_INFO -> "SERVER_INFO";
      case CLIENT_ADDRESS -> "CLIENT_ADDRESS";
      case READY -> "READY";
      case HEARTBEAT -> "HEARTBEAT";
      case TERM -> "TERM";
      case ERROR -> "ERROR";
      case CHALLENGE -> "CHALLENGE";
      case RESPONSE -> "RESPONSE";
      default -> "kind " + kind;
    };
  }
}
