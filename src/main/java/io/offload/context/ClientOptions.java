package io.offload.context;

import io.offload.topology.RankInfo;

import io.offload.json.JsonKeys;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of a client execution context (a rank connecting to its service process, or a
 * service process connecting to a higher one). Setters validate at once and return {@code this}.
 *
 * <p>JSON: {@code host, port, scope, rank} ({@link RankInfo} JSON){@code , connectTimeoutMs,
 * handshakeTimeoutMs, secret}. Durations travel as whole milliseconds. An unknown or misspelt key is
 * rejected with an {@link IllegalArgumentException} that names it. The secret is read but never written
 * by {@link #toJson()}.
 */
public final class ClientOptions {

  private static final JsonKeys KEYS = JsonKeys.of(ClientOptions.class, "host", "port", "scope", "rank",
      "connectTimeoutMs", "handshakeTimeoutMs", "secret");

  /** Server address: loopback. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** No port: {@link #validate()} fails until one is set. */
  public static final int DEFAULT_PORT = -1;
  /** Scope of a client: a rank connecting to the service process of its host. */
  public static final Scope DEFAULT_SCOPE = Scope.HOST_SERVICE;
  /** Time to keep retrying while the server is not there yet. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
  /** Time from TCP connect to BOOTSTRAP_DONE. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private Scope scope = DEFAULT_SCOPE;
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
   * Reads the keys of the class Javadoc; absent keys keep their defaults.
   *
   * @throws IllegalArgumentException on an invalid value or an unknown key
   */
  public ClientOptions(JsonObject json) {
    this();
    KEYS.check(json);
    setHost(json.getString("host", DEFAULT_HOST));
    setPort(json.getInteger("port", DEFAULT_PORT));
    setScope(Scope.valueOf(json.getString("scope", DEFAULT_SCOPE.name())));
    setConnectTimeout(Duration.ofMillis(json.getLong("connectTimeoutMs", DEFAULT_CONNECT_TIMEOUT.toMillis())));
    setHandshakeTimeout(Duration.ofMillis(json.getLong("handshakeTimeoutMs", DEFAULT_HANDSHAKE_TIMEOUT.toMillis())));
    JsonObject r = json.getJsonObject("rank");
    if (r != null) {
      setRankInfo(new RankInfo(r));
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

  /**
   * Every field but the secret, read back by {@link #ClientOptions(JsonObject)}: the secret is never
   * written by toJson (so that a logged or saved configuration does not leak it).
   */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("host", host).put("port", port).put("scope", scope.name())
        .put("connectTimeoutMs", connectTimeout.toMillis()).put("handshakeTimeoutMs", handshakeTimeout.toMillis());
    return rankInfo == null ? json : json.put("rank", rankInfo.toJson());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClientOptions c && c.host.equals(host) && c.port == port && c.scope == scope
        && Objects.equals(c.rankInfo, rankInfo) && c.connectTimeout.equals(connectTimeout)
        && c.handshakeTimeout.equals(handshakeTimeout) && Objects.equals(c.secret, secret);
  }

  @Override
  public int hashCode() {
    return Objects.hash(host, port, scope, rankInfo, connectTimeout, handshakeTimeout, secret);
  }

  /** {@link #toJson()}: without the secret. */
  @Override
  public String toString() {
    return toJson().encode();
  }
}
