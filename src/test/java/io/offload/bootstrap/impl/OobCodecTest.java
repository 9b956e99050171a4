package io.offload.bootstrap.impl;

import io.offload.bootstrap.ProtocolException;
import io.offload.topology.RankInfo;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each frame the encoders write reads back through the parser and its decoder, whatever the
 * socket's chunking; the layout is the one drawn in the codec's Javadoc. (Malformed input: the
 * fuzz test and RawSocketTest.)
 */
class OobCodecTest {

  static final RankInfo RANK = new RankInfo(2, 3, 8, 1, 4, 5);
  static final byte[] ADDRESS = {0x10, 1, 2, 3, 4, 5, 6, 7, 8, 9};

  /** Parses {@code bytes} fed in chunks of {@code chunk} bytes. */
  static List<OobCodec.Frame> parse(Buffer bytes, int chunk, int maxFrame, List<ProtocolException> errors) {
    List<OobCodec.Frame> frames = new ArrayList<>();
    var parser = OobCodec.parser(maxFrame, frames::add, errors::add);
    for (int i = 0; i < bytes.length(); i += chunk) {
      parser.handle(bytes.getBuffer(i, Math.min(bytes.length(), i + chunk)));
    }
    return frames;
  }

  static OobCodec.Frame one(Buffer frame) {
    List<ProtocolException> errors = new ArrayList<>();
    List<OobCodec.Frame> frames = parse(frame, frame.length(), 1 << 20, errors);
    assertEquals(List.of(), errors);
    assertEquals(1, frames.size());
    return frames.get(0);
  }

  @Test
  void shouldWriteTheLengthBigEndianCountingTheKindAndTheBody() {
    Buffer f = OobCodec.term("ab");
    assertArrayEquals(new byte[] {0, 0, 0, 5, OobCodec.TERM, 0, 2, 'a', 'b'}, f.getBytes());
    assertArrayEquals(new byte[] {0, 0, 0, 1, OobCodec.HEARTBEAT}, OobCodec.empty(OobCodec.HEARTBEAT).getBytes(),
        "an empty body is a frame of length 1, never 0");
  }

  @Test
  void shouldReadBackEveryFrameKind() {
    OobCodec.Hello hello = OobCodec.decodeHello(one(OobCodec.hello(1, 77, RANK)).body());
    assertEquals(new OobCodec.Hello(OobCodec.MAGIC, OobCodec.VERSION, 1, 77, RANK, 0, 1), hello);
    OobCodec.Hello shadow = OobCodec.decodeHello(one(OobCodec.hello(0, 78, RANK, 2, 3)).body());
    assertEquals(List.of(2, 3, 2), List.of(shadow.serviceIndex(), shadow.serviceCount(), shadow.index()));
    OobCodec.Hello linkOnly = OobCodec.decodeHello(one(OobCodec.hello(0, 79, RANK, -1, 1)).body());
    assertEquals(List.of(OobCodec.LINK_ONLY_INDEX, -1), List.of(linkOnly.serviceIndex(), linkOnly.index()));

    OobCodec.Frame f = one(OobCodec.serverInfo(4, 5, 6, 7, RANK, ADDRESS));
    assertEquals(OobCodec.SERVER_INFO, f.kind());
    OobCodec.ServerInfo info = OobCodec.decodeServerInfo(f.body(), 64);
    assertEquals(List.of(4, 5, 6, 7), List.of(info.serverId(), info.serviceProcessId(), info.clientId(),
        info.serverChannel()));
    assertEquals(RANK, info.rank());
    assertArrayEquals(ADDRESS, info.workerAddress());
    assertNull(OobCodec.decodeServerInfo(one(OobCodec.serverInfo(4, 5, 6, 7, null, ADDRESS)).body(), 64).rank(),
        "a server without a rank info of its own");

    assertArrayEquals(ADDRESS, OobCodec.decodeClientAddress(one(OobCodec.clientAddress(ADDRESS)).body(), 64));
    assertEquals("bye", OobCodec.decodeTerm(one(OobCodec.term("bye")).body()));
    assertEquals("", OobCodec.decodeTerm(one(OobCodec.term(null)).body()));
    assertEquals(new OobCodec.ErrorFrame(OobCodec.ERR_DUPLICATE, "taken: ü"),
        OobCodec.decodeError(one(OobCodec.error(OobCodec.ERR_DUPLICATE, "taken: ü")).body()));
    byte[] nonce = new byte[Auth.NONCE_LENGTH];
    nonce[0] = 9;
    OobCodec.Frame challenge = one(OobCodec.bytesFrame(OobCodec.CHALLENGE, nonce));
    assertEquals(OobCodec.CHALLENGE, challenge.kind());
    assertArrayEquals(nonce, OobCodec.decodeBytes(challenge.body(), "CHALLENGE", Auth.NONCE_LENGTH));
    assertEquals(0, one(OobCodec.empty(OobCodec.HEARTBEAT)).body().length());
  }

  @Test
  void shouldParseAStreamOfFramesWhateverItsChunks() {
    Buffer stream = Buffer.buffer();
    stream.appendBuffer(OobCodec.hello(0, 1, RANK)).appendBuffer(OobCodec.empty(OobCodec.HEARTBEAT))
        .appendBuffer(OobCodec.clientAddress(ADDRESS)).appendBuffer(OobCodec.empty(OobCodec.HEARTBEAT))
        .appendBuffer(OobCodec.term("end"));
    for (int chunk = 1; chunk <= stream.length(); chunk++) {
      List<ProtocolException> errors = new ArrayList<>();
      List<OobCodec.Frame> frames = parse(stream, chunk, 1 << 16, errors);
      assertEquals(List.of(), errors, "chunk " + chunk);
      assertEquals(List.of(OobCodec.HELLO, OobCodec.HEARTBEAT, OobCodec.CLIENT_ADDRESS, OobCodec.HEARTBEAT,
          OobCodec.TERM), frames.stream().map(OobCodec.Frame::kind).toList(), "chunk " + chunk);
      assertEquals("end", OobCodec.decodeTerm(frames.get(4).body()));
    }
  }

  @Test
  void shouldAcceptAFrameOfExactlyTheLimitAndRefuseOneByteMoreBeforeBufferingIt() {
    int max = 100;
    Buffer atLimit = OobCodec.bytesFrame(OobCodec.RESPONSE, new byte[max - 3]); // kind + u16 + 97 bytes
    assertEquals(max, atLimit.getInt(0));
    List<ProtocolException> errors = new ArrayList<>();
    assertEquals(1, parse(atLimit, 7, max, errors).size());
    assertEquals(List.of(), errors);

    Buffer over = OobCodec.bytesFrame(OobCodec.RESPONSE, new byte[max - 2]);
    List<OobCodec.Frame> frames = parse(over.getBuffer(0, 4), 4, max, errors); // the length prefix alone
    assertEquals(0, frames.size());
    assertEquals(1, errors.size(), "refused on the prefix, before the body arrives");
    assertEquals("frame length 101 outside [1, 100]", errors.get(0).getMessage());
  }

  @Test
  void shouldStopAfterTheFirstError() {
    List<ProtocolException> errors = new ArrayList<>();
    List<OobCodec.Frame> frames = new ArrayList<>();
    var parser = OobCodec.parser(64, frames::add, errors::add);
    parser.handle(Buffer.buffer().appendInt(0));
    parser.handle(OobCodec.empty(OobCodec.HEARTBEAT));
    assertEquals(1, errors.size());
    assertEquals(List.of(), frames, "nothing after a broken length: the stream has lost its framing");
  }

  @Test
  void shouldCutATextLongerThanItsLengthFieldAndRefuseALengthOverTheMaximum() {
    String longText = "x".repeat(70_000);
    assertEquals(0xFFFF, OobCodec.decodeTerm(one(OobCodec.term(longText)).body()).length());
    ProtocolException e = assertThrows(ProtocolException.class, () -> OobCodec.decodeBytes(
        one(OobCodec.bytesFrame(OobCodec.RESPONSE, new byte[33])).body(), "RESPONSE", 32));
    assertEquals("RESPONSE: 33 bytes, at most 32 allowed", e.getMessage());
    ProtocolException a = assertThrows(ProtocolException.class, () -> OobCodec.decodeClientAddress(
        one(OobCodec.clientAddress(ADDRESS)).body(), 9));
    assertTrue(a.getMessage().contains("worker address of 10 bytes outside [1, 9]"), a.getMessage());
    assertEquals("READY", OobCodec.kindName(OobCodec.READY));
    assertEquals("kind 42", OobCodec.kindName((byte) 42));
  }
}
