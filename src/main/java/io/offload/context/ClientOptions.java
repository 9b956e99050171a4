package io.offload.context;

import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * Options of a client execution context (a rank connecting to its service process, or a
 * service process connecting to a higher one). Setters validate at once and return {@code this}.
 */
public final class ClientOptions {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  private String host = DEFAULT_HOST;
  private int port = -1;
  private Scope scope = Scope.HOST_SERVICE;
  private RankInfo rankInfo;
  private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
  private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
  private String secret;

  public ClientOptions() {
  }

  public ClientOptions(ClientOptions other) {
    this.host = other.host;
    this.port = other.port;
    this.scope = other.scope;
    this.rankInfo = other.rankInfo;
    this.connectTimeout = other.connectTimeout;
    this.handshakeTimeout = other.handshakeTimeout;
    this.secret = other.secret;
  }

  /**
   * Reads {@code host, port, scope, connectTimeoutMs, handshakeTimeoutMs, secret} and
   * {@code rank: {groupId, rank, groupSize, localRank, localSize, hostId}}.
   */
  public ClientOptions(JsonObject json) {
    this();
    setHost(json.getString("host", DEFAULT_HOST));
    setPort(json.getInteger("port", -1));
    setScope(Scope.valueOf(json.getString("scope", Scope.HOST_SERVICE.name())));
    setConnectTimeout(Duration.ofMillis(json.getLong("connectTimeoutMs", DEFAULT_CONNECT_TIMEOUT.toMillis())));
    setHandshakeTimeout(Duration.ofMillis(json.getLong("handshakeTimeoutMs", DEFAULT_HANDSHAKE_TIMEOUT.toMillis())));
    JsonObject r = json.getJsonObject("rank");
    if (r != null) {
      int rank = r.getInteger("rank", 0);
      int size = r.getInteger("groupSize", 1);
      setRankInfo(new RankInfo(r.getInteger("groupId", 0), rank, size, r.getInteger("localRank", rank),
          r.getInteger("localSize", size), r.getInteger("hostId", 0)));
    }
    if (json.getString("secret") != null) {
      setSecret(json.getString("secret"));
    }
  }

  public String getHost() {
    return host;
  }

  public ClientOptions setHost(String host) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    this.host = host;
    return this;
  }

  public int getPort() {
    return port;
  }

  public ClientOptions setPort(int port) {
    if (port != -1 && (port < 1 || port > 65535)) {
      throw new IllegalArgumentException("port must be in [1, 65535], got " + port);
    }
    this.port = port;
    return this;
  }

  public Scope getScope() {
    return scope;
  }

  public ClientOptions setScope(Scope scope) {
    if (scope == null || scope == Scope.SELF) {
      throw new IllegalArgumentException("a client's scope is HOST_SERVICE or INTER_SERVICE, got " + scope);
    }
    this.scope = scope;
    return this;
  }

  public RankInfo getRankInfo() {
    return rankInfo;
  }

  /** Who this client is; sent to the server in HELLO. Required. */
  public ClientOptions setRankInfo(RankInfo rankInfo) {
    this.rankInfo = rankInfo;
    return this;
  }

  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  /** How long to keep retrying (with backoff) while the server is not there yet. */
  public ClientOptions setConnectTimeout(Duration timeout) {
    if (timeout == null || timeout.isNegative()) {
      throw new IllegalArgumentException("connectTimeout must be >= 0, got " + timeout);
    }
    this.connectTimeout = timeout;
    return this;
  }

  public Duration getHandshakeTimeout() {
    return handshakeTimeout;
  }

  /** Time from TCP connect to BOOTSTRAP_DONE before the attempt fails. */
  public ClientOptions setHandshakeTimeout(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("handshakeTimeout must be positive, got " + timeout);
    }
    this.handshakeTimeout = timeout;
    return this;
  }

  public String getSecret() {
    return secret;
  }

  public ClientOptions setSecret(String secret) {
    if (secret != null && secret.isEmpty()) {
      throw new IllegalArgumentException("secret must not be empty (use null for none)");
    }
    this.secret = secret;
    return this;
  }

  /** Throws unless the options are complete. */
  public void validate() {
    if (port == -1) {
      throw new IllegalArgumentException("client options need a server port");
    }
    if (rankInfo == null) {
      throw new IllegalArgumentException("client options need the rank info of this process");
    }
  }
}
