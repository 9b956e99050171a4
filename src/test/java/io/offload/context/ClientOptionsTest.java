package io.offload.context;

import io.offload.topology.RankInfo;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import static io.offload.context.RankInfoTest.assertReason;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientOptionsTest {

  /** Every field set, none to its default. */
  private static ClientOptions full() {
    return new ClientOptions().setHost("10.0.0.7").setPort(4711).setScope(Scope.INTER_SERVICE)
        .setRankInfo(new RankInfo(2, 3, 8, 1, 4, 5)).setConnectTimeout(Duration.ofMillis(4321))
        .setHandshakeTimeout(Duration.ofMillis(1234)).setSecret("s3cret");
  }

  /** One change per field but the secret (which toJson never writes). */
  private static final List<Consumer<ClientOptions>> ONE_FIELD_CHANGES = List.of(
      o -> o.setHost("10.0.0.8"), o -> o.setPort(4712), o -> o.setPort(-1), o -> o.setScope(Scope.HOST_SERVICE),
      o -> o.setRankInfo(RankInfo.of(0, 0, 1)), o -> o.setRankInfo(null),
      o -> o.setConnectTimeout(Duration.ofMillis(4322)), o -> o.setHandshakeTimeout(Duration.ofMillis(1235)));

  @Test
  void shouldStartWithTheDefaultConstants() {
    ClientOptions o = new ClientOptions();
    assertEquals(ClientOptions.DEFAULT_HOST, o.getHost());
    assertEquals(ClientOptions.DEFAULT_PORT, o.getPort());
    assertEquals(ClientOptions.DEFAULT_SCOPE, o.getScope());
    assertNull(o.getRankInfo());
    assertEquals(ClientOptions.DEFAULT_CONNECT_TIMEOUT, o.getConnectTimeout());
    assertEquals(ClientOptions.DEFAULT_HANDSHAKE_TIMEOUT, o.getHandshakeTimeout());
    assertNull(o.getSecret());
    assertEquals(o, new ClientOptions(new JsonObject()), "empty JSON: the defaults");
    assertReason("client options need a server port", o::validate);
  }

  @Test
  void shouldReturnThisFromEverySetter() {
    ClientOptions o = new ClientOptions();
    assertSame(o, o.setHost("h"));
    assertSame(o, o.setPort(1));
    assertSame(o, o.setScope(Scope.INTER_SERVICE));
    assertSame(o, o.setRankInfo(RankInfo.of(0, 0, 1)));
    assertSame(o, o.setConnectTimeout(Duration.ZERO));
    assertSame(o, o.setHandshakeTimeout(Duration.ofMillis(1)));
    assertSame(o, o.setSecret("s"));
  }

  @Test
  void shouldRejectInvalidValuesWithTheReason() {
    ClientOptions o = new ClientOptions();
    assertReason("host must not be empty", () -> o.setHost(""));
    assertReason("port must be in [1, 65535], got 0", () -> o.setPort(0));
    assertReason("port must be in [1, 65535], got 65536", () -> o.setPort(65536));
    assertReason("a client's scope is HOST_SERVICE or INTER_SERVICE, got null", () -> o.setScope(null));
    assertReason("connectTimeout must be >= 0", () -> o.setConnectTimeout(Duration.ofMillis(-1)));
    assertReason("handshakeTimeout must be positive", () -> o.setHandshakeTimeout(Duration.ZERO));
    assertReason("secret must not be empty", () -> o.setSecret(""));
    assertEquals(new ClientOptions(), o, "a rejected value leaves the options as they were");
    assertReason("client options need the rank info of this process", () -> new ClientOptions().setPort(1).validate());
    assertReason("port must be in [1, 65535], got 0", () -> new ClientOptions(new JsonObject().put("port", 0)));
    assertReason("rank must be in [0, 1), got 1",
        () -> new ClientOptions(new JsonObject().put("rank", new JsonObject().put("rank", 1))));
  }

  @Test
  void shouldCopyEveryField() {
    ClientOptions full = full();
    ClientOptions copy = new ClientOptions(full);
    assertEquals(full, copy);
    assertEquals("s3cret", copy.getSecret());
    assertNotEquals(full, new ClientOptions(full).setSecret("other"), "equals sees the secret");
    for (Consumer<ClientOptions> change : ONE_FIELD_CHANGES) {
      ClientOptions changed = new ClientOptions(full);
      change.accept(changed);
      assertEquals(full(), full, "changing a copy leaves the original");
      assertNotEquals(full, changed, "equals sees every field");
    }
  }

  @Test
  void shouldRoundTripAFullySetInstanceThroughJsonLeavingTheSecretOut() {
    ClientOptions full = full();
    JsonObject json = full.toJson();
    assertEquals(Set.of("host", "port", "scope", "rank", "connectTimeoutMs", "handshakeTimeoutMs"), json.fieldNames());
    assertFalse(json.encode().contains("s3cret"), json.encode());
    assertFalse(full.toString().contains("s3cret"), full.toString());
    ClientOptions back = new ClientOptions(json);
    assertNull(back.getSecret());
    assertEquals(new ClientOptions(full).setSecret(null), back, "every field but the secret");
    assertEquals(full, new ClientOptions(new JsonObject(json.encode()).put("secret", "s3cret")),
        "the secret is read back when given");
    assertEquals(new ClientOptions(), new ClientOptions(new ClientOptions().toJson()));
    for (Consumer<ClientOptions> change : ONE_FIELD_CHANGES) {
      ClientOptions changed = new ClientOptions(full).setSecret(null);
      change.accept(changed);
      assertNotEquals(json, changed.toJson(), "toJson writes every field but the secret");
      assertEquals(changed, new ClientOptions(changed.toJson()));
    }
  }

  @Test
  void shouldRejectAnUnknownKeyNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ClientOptions(new JsonObject().put("port", 1).put("rankInfo", new JsonObject())));
    assertTrue(e.getMessage().contains("ClientOptions"), e.getMessage());
    assertTrue(e.getMessage().contains("'rankInfo'"), e.getMessage());
    assertTrue(e.getMessage().contains("known keys: connectTimeoutMs, handshakeTimeoutMs, host, port, rank,"),
        e.getMessage());
    assertReason("'hostid' (did you mean 'hostId'?)",
        () -> new ClientOptions(new JsonObject().put("rank", new JsonObject().put("hostid", 1))));
  }

  @Test
  void shouldReadTheClientOfEveryShippedVerticleConfig() throws Exception {
    int clients = 0;
    for (JsonObject conf : ServerOptionsTest.verticleConfigs()) {
      if (conf.containsKey("client")) {
        ClientOptions o = new ClientOptions(conf.getJsonObject("client"));
        assertEquals(o, new ClientOptions(o.toJson()), conf.encode());
        clients++;
      }
    }
    assertTrue(clients > 0, "no verticle config with a client");
  }
}
