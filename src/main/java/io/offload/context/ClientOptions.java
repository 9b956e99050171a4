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
 * handshakeTimeoutMs, secret, serviceProcessIndex, serviceProcessCount}. Durations travel as whole milliseconds. An unknown or misspelt key is
 * rejected with an {@link IllegalArgumentException} that names it. The secret is read but never written
 * by {@link #toJson()}.
 */
public final class ClientOptions {

  private static final JsonKeys KEYS = JsonKeys.of(ClientOptions.class, "host", "port", "scope", "rank",
      "connectTimeoutMs", "handshakeTimeoutMs", "secret", "serviceProcessIndex", "serviceProcessCount");

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
  /** {@link #setServiceProcessIndex}: the server serves nothing for this client, the link is all. */
  public static final int LINK_ONLY = -1;
  /** The server is the rank's primary service process. */
  public static final int DEFAULT_SERVICE_PROCESS_INDEX = 0;
  /** One service process per rank (no shadows). */
  public static final int DEFAULT_SERVICE_PROCESS_COUNT = 1;
  /** At most this many service processes per rank, as in the C original ({@code MAX_SHADOW_SERVICE_PROCS}). */
  public static final int MAX_SERVICE_PROCESS_COUNT = 8;

  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private Scope scope = DEFAULT_SCOPE;
  private RankInfo rankInfo;
  private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
  private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
  private String secret;
  private int serviceProcessIndex = DEFAULT_SERVICE_PROCESS_INDEX;
  private int serviceProcessCount = DEFAULT_SERVICE_PROCESS_COUNT;

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
    this.serviceProcessIndex = other.serviceProcessIndex;
    this.serviceProcessCount = other.serviceProcessCount;
  }

  /**
   * Reads the keys of the class Javadoc; absent keys keep their defaults.
   *
   * @throws IllegalArgumentException on an invalid value or an unknown key
   */
  public ClientOptions(JsonObject json) {
    this();
    KEYS.check(json);
    setHost(KEYS.getString(json, "host", DEFAULT_HOST));
    setPort(KEYS.getInt(json, "port", DEFAULT_PORT));
    setScope(KEYS.getEnum(json, "scope", Scope.class, DEFAULT_SCOPE));
    setConnectTimeout(Duration.ofMillis(KEYS.getLong(json, "connectTimeoutMs", DEFAULT_CONNECT_TIMEOUT.toMillis())));
    setHandshakeTimeout(Duration.ofMillis(KEYS.getLong(json, "handshakeTimeoutMs",
        DEFAULT_HANDSHAKE_TIMEOUT.toMillis())));
    JsonObject r = KEYS.getObject(json, "rank");
    if (r != null) {
      setRankInfo(new RankInfo(r));
    }
    setSecret(KEYS.getString(json, "secret", null));
    setServiceProcessIndex(KEYS.getInt(json, "serviceProcessIndex", DEFAULT_SERVICE_PROCESS_INDEX));
    setServiceProcessCount(KEYS.getInt(json, "serviceProcessCount", DEFAULT_SERVICE_PROCESS_COUNT));
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

  public int getServiceProcessIndex() {
    return serviceProcessIndex;
  }

  /**
   * Which of this rank's service processes the server is (scope {@code HOST_SERVICE}): 0 (the
   * default) its primary, {@code 1 .. count-1} a shadow (the C original's shadow service
   * processes: it serves the rank too, and the caches list it at that index), or
   * {@link #LINK_ONLY}: the server serves nothing for this client; the link only reaches it
   * (what {@code GroupCache.connectHandle} makes).
   */
  public ClientOptions setServiceProcessIndex(int index) {
    if (index < LINK_ONLY || index >= MAX_SERVICE_PROCESS_COUNT) {
      throw new IllegalArgumentException("serviceProcessIndex must be in [-1, " + (MAX_SERVICE_PROCESS_COUNT - 1)
          + "], got " + index);
    }
    this.serviceProcessIndex = index;
    return this;
  }

  public int getServiceProcessCount() {
    return serviceProcessCount;
  }

  /** How many service processes serve this rank, primary and shadows (default 1; at most 8). */
  public ClientOptions setServiceProcessCount(int count) {
    if (count < 1 || count > MAX_SERVICE_PROCESS_COUNT) {
      throw new IllegalArgumentException("serviceProcessCount must be in [1, " + MAX_SERVICE_PROCESS_COUNT + "], got "
          + count);
    }
    this.serviceProcessCount = count;
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
    if (serviceProcessIndex >= serviceProcessCount) {
      throw new IllegalArgumentException("serviceProcessIndex " + serviceProcessIndex + " must be below "
          + "serviceProcessCount " + serviceProcessCount);
    }
  }

  /**
   * Every field but the secret, read back by {@link #ClientOptions(JsonObject)}: the secret is never
   * written by toJson (so that a logged or saved configuration does not leak it).
   */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("host", host).put("port", port).put("scope", scope.name())
        .put("connectTimeoutMs", connectTimeout.toMillis()).put("handshakeTimeoutMs", handshakeTimeout.toMillis())
        .put("serviceProcessIndex", serviceProcessIndex).put("serviceProcessCount", serviceProcessCount);
    return rankInfo == null ? json : json.put("rank", rankInfo.toJson());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClientOptions c && c.host.equals(host) && c.port == port && c.scope == scope
        && Objects.equals(c.rankInfo, rankInfo) && c.connectTimeout.equals(connectTimeout)
        && c.handshakeTimeout.equals(handshakeTimeout) && Objects.equals(c.secret, secret)
        && c.serviceProcessIndex == serviceProcessIndex && c.serviceProcessCount == serviceProcessCount;
  }

  @Override
  public int hashCode() {
    return Objects.hash(host, port, scope, rankInfo, connectTimeout, handshakeTimeout, secret, serviceProcessIndex,
        serviceProcessCount);
  }

  /** {@link #toJson()}: without the secret. */
  @Override
  public String toString() {
    return toJson().encode();
  }
}
