package io.offload.context;

import io.offload.topology.RankInfo;

import io.offload.json.JsonKeys;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of a server execution context (a service process accepting ranks, or one end of the
 * inter-service-process mesh). Setters validate at once and return {@code this}.
 *
 * <p>JSON: {@code host, port, scope, serviceProcessId, rankInfo} ({@link RankInfo} JSON){@code , maxPeers,
 * handshakeTimeoutMs, secret}. Durations travel as whole milliseconds. An unknown or misspelt key is
 * rejected with an {@link IllegalArgumentException} that names it. The secret is read but never written
 * by {@link #toJson()}.
 */
public final class ServerOptions {

  private static final JsonKeys KEYS = JsonKeys.of(ServerOptions.class, "host", "port", "scope",
      "serviceProcessId", "rankInfo", "maxPeers", "handshakeTimeoutMs", "secret");

  /** Scope of a server: the ranks of its host. */
  public static final Scope DEFAULT_SCOPE = Scope.HOST_SERVICE;
  /** Id of the service process a server belongs to. */
  public static final int DEFAULT_SERVICE_PROCESS_ID = 0;
  /** Address bound: loopback, so that nothing is exposed by accident. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Port 0: a free one is picked. */
  public static final int DEFAULT_PORT = 0;
  /** Connections accepted at most. */
  public static final int DEFAULT_MAX_PEERS = 4096;
  /** Time a peer has to reach BOOTSTRAP_DONE. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private Scope scope = Scope.HOST_SERVICE;
  private int serviceProcessId = 0;
  private RankInfo rankInfo;
  private int maxPeers = DEFAULT_MAX_PEERS;
  private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
  private String secret;

  public ServerOptions() {
  }

  public ServerOptions(ServerOptions other) {
    this.host = other.host;
    this.port = other.port;
    this.scope = other.scope;
    this.serviceProcessId = other.serviceProcessId;
    this.rankInfo = other.rankInfo;
    this.maxPeers = other.maxPeers;
    this.handshakeTimeout = other.handshakeTimeout;
    this.secret = other.secret;
  }

  /**
   * Reads the keys of the class Javadoc; absent keys keep their defaults.
   *
   * @throws IllegalArgumentException on an invalid value or an unknown key
   */
  public ServerOptions(JsonObject json) {
    this();
    KEYS.check(json);
    setHost(json.getString("host", DEFAULT_HOST));
    setPort(json.getInteger("port", DEFAULT_PORT));
    setScope(Scope.valueOf(json.getString("scope", DEFAULT_SCOPE.name())));
    setServiceProcessId(json.getInteger("serviceProcessId", DEFAULT_SERVICE_PROCESS_ID));
    if (json.getJsonObject("rankInfo") != null) {
      setRankInfo(new RankInfo(json.getJsonObject("rankInfo")));
    }
    setMaxPeers(json.getInteger("maxPeers", DEFAULT_MAX_PEERS));
    setHandshakeTimeout(Duration.ofMillis(json.getLong("handshakeTimeoutMs", DEFAULT_HANDSHAKE_TIMEOUT.toMillis())));
    if (json.getString("secret") != null) {
      setSecret(json.getString("secret"));
    }
  }

  /**
   * Every field but the secret, read back by {@link #ServerOptions(JsonObject)}: the secret is never
   * written by toJson (so that a logged or saved configuration does not leak it).
   */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("host", host).put("port", port).put("scope", scope.name())
        .put("serviceProcessId", serviceProcessId).put("maxPeers", maxPeers)
        .put("handshakeTimeoutMs", handshakeTimeout.toMillis());
    return rankInfo == null ? json : json.put("rankInfo", rankInfo.toJson());
  }

  public String getHost() {
    return host;
  }

  /** Address to bind; 127.0.0.1 unless told otherwise, so nothing is exposed by accident. */
  public ServerOptions setHost(String host) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    this.host = host;
    return this;
  }

  public int getPort() {
    return port;
  }

  /** Port to listen on; 0 picks a free one (see {@code ExecutionContext.localPort()}). */
  public ServerOptions setPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
    }
    this.port = port;
    return this;
  }

  public Scope getScope() {
    return scope;
  }

  public ServerOptions setScope(Scope scope) {
    if (scope == null || scope == Scope.SELF) {
      throw new IllegalArgumentException("a server's scope is HOST_SERVICE or INTER_SERVICE, got " + scope);
    }
    this.scope = scope;
    return this;
  }

  public int getServiceProcessId() {
    return serviceProcessId;
  }

  /** Global id of the service process this server belongs to; told to every client. */
  public ServerOptions setServiceProcessId(int id) {
    if (id < 0) {
      throw new IllegalArgumentException("serviceProcessId must be >= 0, got " + id);
    }
    this.serviceProcessId = id;
    return this;
  }

  public RankInfo getRankInfo() {
    return rankInfo;
  }

  /** The server's own description sent to clients (optional). */
  public ServerOptions setRankInfo(RankInfo rankInfo) {
    this.rankInfo = rankInfo;
    return this;
  }

  public int getMaxPeers() {
    return maxPeers;
  }

  /** Connections beyond this are refused with an ERROR frame. */
  public ServerOptions setMaxPeers(int maxPeers) {
    if (maxPeers < 1) {
      throw new IllegalArgumentException("maxPeers must be >= 1, got " + maxPeers);
    }
    this.maxPeers = maxPeers;
    return this;
  }

  public Duration getHandshakeTimeout() {
    return handshakeTimeout;
  }

  /** A peer that has not reached BOOTSTRAP_DONE in this time is dropped. */
  public ServerOptions setHandshakeTimeout(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("handshakeTimeout must be positive, got " + timeout);
    }
    this.handshakeTimeout = timeout;
    return this;
  }

  public String getSecret() {
    return secret;
  }

  /**
   * Shared secret clients must prove they know (HMAC-SHA256 challenge over a fresh nonce; the
   * secret never crosses the wire); null for none. Until a client proves it, the server tells it
   * nothing (no ids, no worker address, not even whether its rank is taken). Set one whenever
   * processes you do not trust can reach the port: UCX parses a peer's worker address on trust.
   */
  public ServerOptions setSecret(String secret) {
    if (secret != null && secret.isEmpty()) {
      throw new IllegalArgumentException("secret must not be empty (use null for none)");
    }
    this.secret = secret;
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ServerOptions s && s.host.equals(host) && s.port == port && s.scope == scope
        && s.serviceProcessId == serviceProcessId && Objects.equals(s.rankInfo, rankInfo) && s.maxPeers == maxPeers
        && s.handshakeTimeout.equals(handshakeTimeout) && Objects.equals(s.secret, secret);
  }

  @Override
  public int hashCode() {
    return Objects.hash(host, port, scope, serviceProcessId, rankInfo, maxPeers, handshakeTimeout, secret);
  }

  /** {@link #toJson()}: without the secret. */
  @Override
  public String toString() {
    return toJson().encode();
  }
}
