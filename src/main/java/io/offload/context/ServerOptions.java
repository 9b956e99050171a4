package io.offload.context;

import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * Options of a server execution context (a service process accepting ranks, or one end of the
 * inter-service-process mesh). Setters validate at once and return {@code this}.
 */
public final class ServerOptions {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 0;
  public static final int DEFAULT_MAX_PEERS = 4096;
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

  /** Reads {@code host, port, scope, serviceProcessId, maxPeers, handshakeTimeoutMs, secret}. */
  public ServerOptions(JsonObject json) {
    this();
    setHost(json.getString("host", DEFAULT_HOST));
    setPort(json.getInteger("port", DEFAULT_PORT));
    setScope(Scope.valueOf(json.getString("scope", Scope.HOST_SERVICE.name())));
    setServiceProcessId(json.getInteger("serviceProcessId", 0));
    setMaxPeers(json.getInteger("maxPeers", DEFAULT_MAX_PEERS));
    setHandshakeTimeout(Duration.ofMillis(json.getLong("handshakeTimeoutMs", DEFAULT_HANDSHAKE_TIMEOUT.toMillis())));
    if (json.getString("secret") != null) {
      setSecret(json.getString("secret"));
    }
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("host", host).put("port", port).put("scope", scope.name())
        .put("serviceProcessId", serviceProcessId).put("maxPeers", maxPeers)
        .put("handshakeTimeoutMs", handshakeTimeout.toMillis());
    return secret == null ? json : json.put("secret", "***");
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
}
