package io.offload.fault;

import io.offload.bootstrap.BootstrapException;
import io.offload.bootstrap.impl.OobCodec;
import io.offload.context.BootstrapPhase;
import io.offload.context.ClientOptions;
import io.offload.context.ExecutionContext;
import io.offload.context.PhaseChange;
import io.offload.topology.RankInfo;
import io.offload.context.ServerOptions;
import io.offload.testkit.Jvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.DataInputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared-secret challenge: right secret in, wrong or missing secret out with a clear error
 * on both sides, and no UCX worker address disclosed to anyone who has not proved the secret.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AuthTest {

  static final String SECRET = "correct horse battery staple";
  static ServerFixture sp;

  @BeforeAll
  static void start() throws Exception {
    sp = ServerFixture.start(new ServerOptions().setSecret(SECRET).setHandshakeTimeout(Duration.ofSeconds(5)));
  }

  @AfterAll
  static void stop() {
    if (sp != null) {
      sp.close();
    }
  }

  /** What a client that knows the secret answers (the protocol's HMAC, computed independently). */
  static byte[] hmac(String secret, byte[] nonce) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update("offload-contexts oob v1".getBytes(StandardCharsets.UTF_8));
    return mac.doFinal(nonce);
  }

  static byte[] nonceOf(RawOob.Frame challenge) {
    ByteBuffer b = ByteBuffer.wrap(challenge.body());
    byte[] nonce = new byte[b.getShort() & 0xFFFF];
    b.get(nonce);
    return nonce;
  }

  static byte[] response(byte[] mac) {
    return RawOob.frame(OobCodec.RESPONSE, ByteBuffer.allocate(2 + mac.length).putShort((short) mac.length).put(mac).array());
  }

  PhaseChange serverLoss(String fragment) {
    return sp.await("server-side DISCONNECTED with '" + fragment + "'", c -> c.to() == BootstrapPhase.DISCONNECTED
        && c.reason() != null && c.reason().contains(fragment), 10_000);
  }

  @Test
  void shouldBootstrapWithTheRightSecret() throws Exception {
    sp.assertNormalRankBootstraps();
  }

  @Test
  void shouldRefuseAWrongSecretOnBothSides() throws Exception {
    Throwable e = Wait.failure(sp.clientEngine().connect(sp.clientOptions(RankInfo.of(0, 1, 10)).setSecret("wrong")), 20);
    assertInstanceOf(BootstrapException.class, e);
    assertTrue(e.getMessage().contains("authentication failed: the client does not know the shared secret"), e.getMessage());
    PhaseChange lost = serverLoss("authentication failed");
    assertEquals(BootstrapPhase.BOOTSTRAP_NOT_INITIATED, lost.from(), "the server never got past HELLO: " + lost);
    assertEquals(null, lost.rankInfo(), "an unauthenticated client is not even identified");
    sp.assertNormalRankBootstraps();
  }

  @Test
  void shouldRefuseAMissingSecretOnBothSides() throws Exception {
    ClientOptions noSecret = sp.clientOptions(RankInfo.of(0, 2, 10)).setSecret(null);
    Throwable e = Wait.failure(sp.clientEngine().connect(noSecret), 20);
    assertTrue(e.getMessage().contains("the server requires a shared secret and this client has none configured"),
        e.getMessage());
    serverLoss("the peer refused: the server requires a shared secret");
    sp.assertNormalRankBootstraps();
  }

  @Test
  void shouldRefuseAServerThatDoesNotAskForTheSecret() throws Exception {
    try (ServerFixture open = ServerFixture.start(new ServerOptions())) {
      ClientOptions withSecret = open.clientOptions(RankInfo.of(0, 3, 10)).setSecret(SECRET);
      Throwable e = Wait.failure(open.clientEngine().connect(withSecret), 20);
      assertTrue(e.getMessage().contains("the server did not ask for it"), e.getMessage());
      open.await("server told why", c -> c.to() == BootstrapPhase.DISCONNECTED && c.reason() != null
          && c.reason().contains("the server did not ask for it"), 10_000);
      open.assertNormalRankBootstraps();
    }
  }

  @Test
  void shouldDiscloseNothingBeforeTheProof() throws Exception {
    byte[] firstNonce;
    try (RawOob oob = RawOob.connect(sp.port())) {
      oob.write(RawOob.hello(RankInfo.of(0, 4, 10)));
      RawOob.Frame challenge = oob.read(5000);
      assertEquals(OobCodec.CHALLENGE, challenge.kind(), "" + challenge);
      firstNonce = nonceOf(challenge);
      assertEquals(32, firstNonce.length);
      oob.write(response(hmac("not the secret", firstNonce)));
      RawOob.Outcome outcome = oob.drain(5000);
      assertTrue(outcome.closedByServer(), "" + outcome);
      assertEquals(OobCodec.ERR_AUTH, outcome.error().errorCode(), "" + outcome);
      assertFalse(outcome.sawKind(OobCodec.SERVER_INFO), "worker address disclosed: " + outcome);
    }
    // A proof is bound to its nonce: replaying an answer on a new connection fails.
    byte[] replay;
    try (RawOob oob = RawOob.connect(sp.port())) {
      oob.write(RawOob.hello(RankInfo.of(0, 5, 10)));
      byte[] nonce = nonceOf(oob.expect(OobCodec.CHALLENGE, 5000));
      assertFalse(Arrays.equals(firstNonce, nonce), "nonces must be fresh");
      replay = hmac(SECRET, nonce);
      oob.write(response(replay));
      assertEquals(OobCodec.SERVER_INFO, oob.read(5000).kind(), "the right answer is accepted");
    }
    try (RawOob oob = RawOob.connect(sp.port())) {
      oob.write(RawOob.hello(RankInfo.of(0, 6, 10)));
      oob.expect(OobCodec.CHALLENGE, 5000);
      oob.write(response(replay));
      RawOob.Outcome outcome = oob.drain(5000);
      assertEquals(OobCodec.ERR_AUTH, outcome.error().errorCode(), "replayed proof accepted: " + outcome);
      assertFalse(outcome.sawKind(OobCodec.SERVER_INFO));
    }
    // Skipping the proof, or sending a short one, gets nothing either.
    for (byte[] sneaky : List.of(OobCodec.clientAddress(new byte[64]).getBytes(), response(new byte[0]),
        response(new byte[31]), RawOob.frame(OobCodec.READY, new byte[0]))) {
      try (RawOob oob = RawOob.connect(sp.port())) {
        oob.write(RawOob.concat(RawOob.hello(RankInfo.of(0, 7, 10)), sneaky));
        RawOob.Outcome outcome = oob.drain(5000);
        assertTrue(outcome.closedByServer() && outcome.error() != null, "" + outcome);
        assertFalse(outcome.sawKind(OobCodec.SERVER_INFO), "worker address disclosed: " + outcome);
      }
    }
    sp.assertNormalRankBootstraps();
  }

  @Test
  void shouldNotTellAnUnauthenticatedClientWhoIsConnected() throws Exception {
    RankInfo taken = RankInfo.of(0, 8, 10);
    ExecutionContext owner = sp.connect(taken);
    try (RawOob oob = RawOob.connect(sp.port())) {
      oob.write(RawOob.hello(taken));
      RawOob.Frame first = oob.read(5000);
      assertEquals(OobCodec.CHALLENGE, first.kind(), "a duplicate claim is judged only after the proof: " + first);
      oob.write(response(new byte[32]));
      RawOob.Outcome outcome = oob.drain(5000);
      assertEquals(OobCodec.ERR_AUTH, outcome.error().errorCode(), "" + outcome);
    }
    assertEquals(BootstrapPhase.BOOTSTRAP_DONE, owner.phase(), "the real rank is untouched");
    sp.assertEchoes(owner);
    Wait.get(owner.close(), 20);
  }

  @Test
  void shouldKeepTheClientAddressFromAServerThatSkipsTheChallenge() throws Exception {
    try (ServerSocket fake = new ServerSocket(0)) {
      CompletableFuture<List<Byte>> kindsFromClient = CompletableFuture.supplyAsync(() -> {
        try (Socket s = fake.accept()) {
          s.setSoTimeout(10_000);
          DataInputStream in = new DataInputStream(s.getInputStream());
          List<Byte> kinds = new ArrayList<>();
          int len = in.readInt();
          kinds.add(in.readByte());
          in.skipNBytes(len - 1);
          byte[] address = new byte[64];
          address[0] = 0x20;
          s.getOutputStream().write(OobCodec.serverInfo(1, 1, 0, 1, null, address).getBytes());
          while (true) {
            try {
              len = in.readInt();
            } catch (java.io.EOFException eof) {
              return kinds;
            }
            kinds.add(in.readByte());
            in.skipNBytes(len - 1);
          }
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      ClientOptions o = new ClientOptions().setPort(fake.getLocalPort()).setRankInfo(RankInfo.of(0, 0, 1))
          .setSecret(SECRET).setConnectTimeout(Duration.ofSeconds(5));
      Throwable e = Wait.failure(sp.clientEngine().connect(o), 20);
      assertTrue(e.getMessage().contains("did not ask for it"), e.getMessage());
      List<Byte> kinds = kindsFromClient.get(20, TimeUnit.SECONDS);
      assertEquals(List.of(OobCodec.HELLO, OobCodec.ERROR), kinds, "the client must send HELLO, then ERROR, and "
          + "never its worker address");
    }
  }

  @Test
  void shouldAuthenticateThroughTheCli(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), SECRET + "\n");
    Path wrong = Files.writeString(dir.resolve("wrong"), "guess\n");
    try (Jvm service = Jvm.offload("sp-auth", "service", "--port", "0", "--id", "3", "--secret-file", secret.toString())) {
      String connect = "127.0.0.1:" + service.awaitListeningPort();
      try (Jvm good = Jvm.offload("rank-good", "rank", "--connect", connect, "--rank", "0", "--size", "3",
          "--notifications", "5", "--json", "--connect-timeout", "5000", "--secret-file", secret.toString());
           Jvm bad = Jvm.offload("rank-wrong", "rank", "--connect", connect, "--rank", "1", "--size", "3",
               "--notifications", "5", "--json", "--connect-timeout", "5000", "--secret-file", wrong.toString());
           Jvm none = Jvm.offload("rank-none", "rank", "--connect", connect, "--rank", "2", "--size", "3",
               "--notifications", "5", "--json", "--connect-timeout", "5000")) {
        assertEquals(0, good.awaitExit(60, TimeUnit.SECONDS), good.output());
        assertTrue(good.output().contains("\"serviceProcess\":3"), good.output());
        assertEquals(1, bad.awaitExit(60, TimeUnit.SECONDS), bad.output());
        assertTrue(bad.output().contains("authentication failed: the client does not know the shared secret"),
            bad.output());
        assertEquals(1, none.awaitExit(60, TimeUnit.SECONDS), none.output());
        assertTrue(none.output().contains("the server requires a shared secret and this client has none"),
            none.output());
      }
      service.awaitLine(l -> l.contains("authentication failed: the client does not know the shared secret"), 10,
          TimeUnit.SECONDS);
      service.awaitLine(l -> l.contains("the server requires a shared secret and this client has none"), 10,
          TimeUnit.SECONDS);
      service.terminate();
      assertEquals(0, service.awaitExit(30, TimeUnit.SECONDS), service.output());
    }
  }
}
