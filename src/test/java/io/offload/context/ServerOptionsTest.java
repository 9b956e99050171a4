package io.offload.context;

import io.offload.topology.RankInfo;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static io.offload.context.RankInfoTest.assertReason;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerOptionsTest {

  /** Every field set, none to its default. */
  private static ServerOptions full() {
    return new ServerOptions().setHost("10.0.0.7").setPort(4711).setScope(Scope.INTER_SERVICE)
        .setServiceProcessId(3).setRankInfo(new RankInfo(2, 3, 8, 1, 4, 5)).setMaxPeers(17)
        .setHandshakeTimeout(Duration.ofMillis(1234)).setSecret("s3cret");
  }

  /** One change per field but the secret (which toJson never writes). */
  private static final List<Consumer<ServerOptions>> ONE_FIELD_CHANGES = List.of(
      o -> o.setHost("10.0.0.8"), o -> o.setPort(4712), o -> o.setScope(Scope.HOST_SERVICE),
      o -> o.setServiceProcessId(4), o -> o.setRankInfo(RankInfo.of(0, 0, 1)), o -> o.setRankInfo(null),
      o -> o.setMaxPeers(18), o -> o.setHandshakeTimeout(Duration.ofMillis(1235)));

  @Test
  void shouldStartWithTheDefaultConstants() {
    ServerOptions o = new ServerOptions();
    assertEquals(ServerOptions.DEFAULT_HOST, o.getHost());
    assertEquals(ServerOptions.DEFAULT_PORT, o.getPort());
    assertEquals(ServerOptions.DEFAULT_SCOPE, o.getScope());
    assertEquals(ServerOptions.DEFAULT_SERVICE_PROCESS_ID, o.getServiceProcessId());
    assertNull(o.getRankInfo());
    assertEquals(ServerOptions.DEFAULT_MAX_PEERS, o.getMaxPeers());
    assertEquals(ServerOptions.DEFAULT_HANDSHAKE_TIMEOUT, o.getHandshakeTimeout());
    assertNull(o.getSecret());
    assertEquals(o, new ServerOptions(new JsonObject()), "empty JSON: the defaults");
  }

  @Test
  void shouldReturnThisFromEverySetter() {
    ServerOptions o = new ServerOptions();
    assertSame(o, o.setHost("h"));
    assertSame(o, o.setPort(1));
    assertSame(o, o.setScope(Scope.INTER_SERVICE));
    assertSame(o, o.setServiceProcessId(1));
    assertSame(o, o.setRankInfo(RankInfo.of(0, 0, 1)));
    assertSame(o, o.setMaxPeers(1));
    assertSame(o, o.setHandshakeTimeout(Duration.ofMillis(1)));
    assertSame(o, o.setSecret("s"));
  }

  @Test
  void shouldRejectInvalidValuesWithTheReason() {
    ServerOptions o = new ServerOptions();
    assertReason("host must not be empty", () -> o.setHost(" "));
    assertReason("host must not be empty", () -> o.setHost(null));
    assertReason("port must be in [0, 65535], got 65536", () -> o.setPort(65536));
    assertReason("port must be in [0, 65535], got -1", () -> o.setPort(-1));
    assertReason("a server's scope is HOST_SERVICE or INTER_SERVICE, got SELF", () -> o.setScope(Scope.SELF));
    assertReason("serviceProcessId must be >= 0, got -1", () -> o.setServiceProcessId(-1));
    assertReason("maxPeers must be >= 1, got 0", () -> o.setMaxPeers(0));
    assertReason("handshakeTimeout must be positive", () -> o.setHandshakeTimeout(Duration.ZERO));
    assertReason("secret must not be empty", () -> o.setSecret(""));
    assertEquals(new ServerOptions(), o, "a rejected value leaves the options as they were");
    assertReason("maxPeers must be >= 1, got 0", () -> new ServerOptions(new JsonObject().put("maxPeers", 0)));
    assertReason("localRank must be in [0, localSize)",
        () -> new ServerOptions(new JsonObject().put("rankInfo", new JsonObject().put("localRank", 1))));
  }

  @Test
  void shouldCopyEveryField() {
    ServerOptions full = full();
    ServerOptions copy = new ServerOptions(full);
    assertEquals(full, copy);
    assertEquals("s3cret", copy.getSecret());
    ServerOptions otherSecret = new ServerOptions(full).setSecret("other");
    assertNotEquals(full, otherSecret, "equals sees the secret");
    assertEquals(full(), full, "changing a copy leaves the original");
    for (Consumer<ServerOptions> change : ONE_FIELD_CHANGES) {
      ServerOptions changed = new ServerOptions(full);
      change.accept(changed);
      assertEquals(full(), full, "changing a copy leaves the original");
      assertNotEquals(full, changed, "equals sees every field");
    }
  }

  @Test
  void shouldRoundTripAFullySetInstanceThroughJsonLeavingTheSecretOut() {
    ServerOptions full = full();
    JsonObject json = full.toJson();
    assertEquals(Set.of("host", "port", "scope", "serviceProcessId", "rankInfo", "maxPeers", "handshakeTimeoutMs"),
        json.fieldNames());
    assertFalse(json.encode().contains("s3cret"), json.encode());
    assertFalse(full.toString().contains("s3cret"), full.toString());
    ServerOptions back = new ServerOptions(json);
    assertNull(back.getSecret());
    assertEquals(new ServerOptions(full).setSecret(null), back, "every field but the secret");
    assertEquals(full, back.setSecret("s3cret"));
    assertEquals(full, new ServerOptions(new JsonObject(json.encode()).put("secret", "s3cret")),
        "the secret is read back when given");
    assertEquals(json, new ServerOptions(full).setSecret(null).toJson(), "toJson never writes the secret");
    for (Consumer<ServerOptions> change : ONE_FIELD_CHANGES) {
      ServerOptions changed = new ServerOptions(full).setSecret(null);
      change.accept(changed);
      assertNotEquals(json, changed.toJson(), "toJson writes every field but the secret");
      assertEquals(changed, new ServerOptions(changed.toJson()));
    }
  }

  @Test
  void shouldRejectAnUnknownKeyNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ServerOptions(new JsonObject().put("port", 1).put("maxPeer", 4)));
    assertTrue(e.getMessage().contains("ServerOptions"), e.getMessage());
    assertTrue(e.getMessage().contains("'maxPeer' (did you mean 'maxPeers'?)"), e.getMessage());
  }

  @Test
  void shouldReadTheServerOfEveryShippedVerticleConfig() throws Exception {
    int servers = 0;
    for (JsonObject conf : verticleConfigs()) {
      if (conf.containsKey("server")) {
        ServerOptions o = new ServerOptions(conf.getJsonObject("server"));
        assertEquals(o, new ServerOptions(o.toJson()), conf.encode());
        servers++;
      }
    }
    assertTrue(servers > 0, "no verticle config with a server");
  }

  static List<JsonObject> verticleConfigs() throws Exception {
    try (Stream<Path> s = Files.list(Path.of("verticles"))) {
      return s.filter(p -> p.toString().endsWith(".json")).map(p -> {
        try {
          return new JsonObject(Files.readString(p));
        } catch (Exception e) {
          throw new AssertionError(p + ": " + e, e);
        }
      }).toList();
    }
  }
}
