package io.offload.engine;

import io.offload.cache.CacheOptions;
import io.offload.topology.RankInfo;
import io.offload.ucx.UcxOptions;
import io.vertx.core.json.JsonObject;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpWorker;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of an {@link OffloadEngine}. Setters validate at once and return {@code this}.
 *
 * <p>JSON: {@code name, rankInfo} ({@link RankInfo} JSON){@code , maxInFlight, maxPending, maxQueued,
 * maxPendingBytes, heartbeatIntervalMs, heartbeatTimeoutMs, maxFrameLength, maxAddressLength} and, in the
 * same object, the keys of {@link UcxOptions} and {@link CacheOptions}. Durations travel as whole
 * milliseconds. An unknown or misspelt key is rejected with an {@link IllegalArgumentException} that
 * names it.
 *
 * <p>The application's UCX objects ({@link #setUcpContext}, {@link #setUcpWorker}) are copied by
 * reference and never written to JSON: they are live native objects, not configuration.
 *
 * <p>Thread safety: not thread safe; the engine takes a copy at creation.
 */
public final class EngineOptions {

  /** Notifications in flight per peer. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 32;
  /** Arrived notifications kept while no consumer is registered. */
  public static final int DEFAULT_MAX_PENDING = 10_000;
  /** Sends waiting per peer behind the in-flight ones. */
  public static final int DEFAULT_MAX_QUEUED = 65_536;
  /** Bytes of payload kept for consumers not registered yet: 64 MiB. */
  public static final long DEFAULT_MAX_PENDING_BYTES = 64L << 20;
  /** A HEARTBEAT every second on each bootstrapped peer's OOB socket. */
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
  /** A peer silent for 5 s is lost. */
  public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(5);
  /** Largest OOB frame accepted: 64 KiB. */
  public static final int DEFAULT_MAX_FRAME_LENGTH = 64 * 1024;
  /** Largest peer worker address accepted: 32 KiB. */
  public static final int DEFAULT_MAX_ADDRESS_LENGTH = 32 * 1024;

  private String name;
  private RankInfo rankInfo;
  private UcxOptions ucx = new UcxOptions();
  private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
  private int maxPending = DEFAULT_MAX_PENDING;
  private int maxQueued = DEFAULT_MAX_QUEUED;
  private long maxPendingBytes = DEFAULT_MAX_PENDING_BYTES;
  private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
  private Duration heartbeatTimeout = DEFAULT_HEARTBEAT_TIMEOUT;
  private int maxFrameLength = DEFAULT_MAX_FRAME_LENGTH;
  private int maxAddressLength = DEFAULT_MAX_ADDRESS_LENGTH;
  private CacheOptions cache = new CacheOptions();
  private UcpContext ucpContext;
  private UcpWorker ucpWorker;

  public EngineOptions() {
  }

  public EngineOptions(EngineOptions o) {
    this.name = o.name;
    this.rankInfo = o.rankInfo;
    this.ucx = new UcxOptions(o.ucx);
    this.maxInFlight = o.maxInFlight;
    this.maxPending = o.maxPending;
    this.maxQueued = o.maxQueued;
    this.maxPendingBytes = o.maxPendingBytes;
    this.heartbeatInterval = o.heartbeatInterval;
    this.heartbeatTimeout = o.heartbeatTimeout;
    this.maxFrameLength = o.maxFrameLength;
    this.maxAddressLength = o.maxAddressLength;
    this.cache = new CacheOptions(o.cache);
    this.ucpContext = o.ucpContext;
    this.ucpWorker = o.ucpWorker;
  }

  /**
   * Reads the fields of {@link #toJson()}; absent keys keep their defaults.
   *
   * @throws IllegalArgumentException on an invalid value or an unknown key
   */
  public EngineOptions(JsonObject json) {
    this();
    EngineOptionsConverter.fromJson(json, this);
  }

  /** Every field, the UCX options included (read back by {@link #EngineOptions(JsonObject)}). */
  public JsonObject toJson() {
    JsonObject j = new JsonObject();
    EngineOptionsConverter.toJson(this, j);
    return j;
  }

  public String getName() {
    return name;
  }

  /** Engine id used in event-bus addresses; letters, digits, '-' and '_' only. Generated when null. */
  public EngineOptions setName(String name) {
    if (name != null && !name.matches("[A-Za-z0-9_-]+")) {
      throw new IllegalArgumentException("engine name may only hold letters, digits, '-' and '_': '" + name + "'");
    }
    this.name = name;
    return this;
  }

  public RankInfo getRankInfo() {
    return rankInfo;
  }

  /** This process's rank info: source of its self-notifications. */
  public EngineOptions setRankInfo(RankInfo rankInfo) {
    this.rankInfo = rankInfo;
    return this;
  }

  public UcxOptions getUcx() {
    return ucx;
  }

  public EngineOptions setUcx(UcxOptions ucx) {
    if (ucx == null) {
      throw new IllegalArgumentException("ucx options must not be null");
    }
    this.ucx = ucx;
    return this;
  }

  public long getMaxPendingBytes() {
    return maxPendingBytes;
  }

  /**
   * Payload bytes kept, over all notifications that wait for a consumer; beyond it (or beyond
   * {@code maxPending} notifications) an arrival is dropped, logged and counted.
   */
  public EngineOptions setMaxPendingBytes(long bytes) {
    this.maxPendingBytes = OptionChecks.atLeast("maxPendingBytes", bytes, 0);
    return this;
  }

  public int getMaxInFlight() {
    return maxInFlight;
  }

  /** Notifications in flight per peer; more wait in order behind them. */
  public EngineOptions setMaxInFlight(int n) {
    this.maxInFlight = OptionChecks.atLeast("maxInFlight", n, 1);
    return this;
  }

  public int getMaxQueued() {
    return maxQueued;
  }

  /**
   * Sends waiting per peer behind the in-flight ones; beyond, a send fails at once with a
   * {@code NotificationException} (a stalled peer must not grow memory without bound).
   */
  public EngineOptions setMaxQueued(int n) {
    this.maxQueued = OptionChecks.atLeast("maxQueued", n, 1);
    return this;
  }

  public int getMaxPending() {
    return maxPending;
  }

  /** Arrived notifications kept while no consumer is registered; beyond, they are dropped and counted. */
  public EngineOptions setMaxPending(int n) {
    this.maxPending = OptionChecks.atLeast("maxPending", n, 0);
    return this;
  }

  public Duration getHeartbeatInterval() {
    return heartbeatInterval;
  }

  /** How often each side sends a HEARTBEAT on a bootstrapped peer's OOB socket (default 1 s). */
  public EngineOptions setHeartbeatInterval(Duration d) {
    this.heartbeatInterval = OptionChecks.atLeastOneMs("heartbeatInterval", d);
    return this;
  }

  public Duration getHeartbeatTimeout() {
    return heartbeatTimeout;
  }

  /** A peer silent this long on its OOB socket is declared lost (a cut link closes nothing). */
  public EngineOptions setHeartbeatTimeout(Duration d) {
    this.heartbeatTimeout = OptionChecks.atLeastOneMs("heartbeatTimeout", d);
    return this;
  }

  public int getMaxFrameLength() {
    return maxFrameLength;
  }

  /**
   * Largest OOB frame (kind byte plus body) accepted from a peer, default 64 KiB. Checked on the
   * 4-byte length prefix before any byte of the body is buffered: a longer, zero or "negative"
   * (u32 &ge; 2^31) length gets an ERROR frame and the connection is closed. Together with the
   * handshake timeout and {@code ServerOptions.maxPeers} this bounds what unauthenticated peers
   * can make a server hold (maxPeers &times; maxFrameLength bytes at worst).
   */
  public EngineOptions setMaxFrameLength(int n) {
    this.maxFrameLength = OptionChecks.atLeast("maxFrameLength", n, 64);
    return this;
  }

  public CacheOptions getCache() {
    return cache;
  }

  /** How the group cache behaves (see {@link CacheOptions}). */
  public EngineOptions setCache(CacheOptions cache) {
    if (cache == null) {
      throw new IllegalArgumentException("cache options must not be null");
    }
    this.cache = cache;
    return this;
  }

  public int getMaxAddressLength() {
    return maxAddressLength;
  }

  /** Largest UCX worker address accepted from a peer (no fixed 2 KiB cap as in the C original). */
  public EngineOptions setMaxAddressLength(int n) {
    this.maxAddressLength = OptionChecks.atLeast("maxAddressLength", n, 16);
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EngineOptions e && Objects.equals(e.name, name) && Objects.equals(e.rankInfo, rankInfo)
        && e.ucx.equals(ucx) && e.maxInFlight == maxInFlight && e.maxPending == maxPending
        && e.maxQueued == maxQueued && e.maxPendingBytes == maxPendingBytes
        && e.heartbeatInterval.equals(heartbeatInterval) && e.heartbeatTimeout.equals(heartbeatTimeout)
        && e.maxFrameLength == maxFrameLength && e.maxAddressLength == maxAddressLength
        && e.cache.equals(cache) && e.ucpContext == ucpContext && e.ucpWorker == ucpWorker;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, rankInfo, ucx, maxInFlight, maxPending, maxQueued, maxPendingBytes,
        heartbeatInterval, heartbeatTimeout, maxFrameLength, maxAddressLength, cache, ucpContext, ucpWorker);
  }

  @Override
  public String toString() {
    return toJson().encode();
  }

  public UcpContext getUcpContext() {
    return ucpContext;
  }

  /**
   * Adopts the application's UCX context (null, the default: the engine makes its own). The engine
   * then makes its own worker from it, on its progress thread, and never closes the context: close
   * it after every engine using it has terminated. Several engines of one process can share one
   * context this way; since their workers live on different threads, make it with
   * {@code UcpParams.setMtWorkersShared(true)}. It needs the features
   * {@code requestAmFeature()}, {@code requestRmaFeature()}, {@code requestTagFeature()} and
   * {@code requestWakeupFeature()} (see {@code UcxFeatures.requiredParams()}).
   */
  public EngineOptions setUcpContext(UcpContext context) {
    this.ucpContext = context;
    return this;
  }

  public UcpWorker getUcpWorker() {
    return ucpWorker;
  }

  /**
   * Adopts the application's UCX worker (null, the default: the engine makes its own): the engine
   * is then <em>caller-driven</em>, with no progress thread of its own. The worker must have been
   * made from the context given to {@link #setUcpContext} (required with a worker), and
   * {@link OffloadEngine#create} must be called on the application's thread that owns the worker;
   * that thread then calls {@link OffloadEngine#progress()} from its own loop. The engine never
   * closes the worker: close it once the engine has terminated. The engine takes the worker's
   * active-message id {@code AmHeader.AM_ID} for its notifications. See {@link OffloadEngine} for
   * the thread rules of this mode. Its context may lack the WAKEUP feature as long as the
   * application never sleeps in {@code waitForEvents()} (work from other threads then waits for its
   * next {@code progress()} call); an engine with its own thread refuses such a context.
   */
  public EngineOptions setUcpWorker(UcpWorker worker) {
    this.ucpWorker = worker;
    return this;
  }
}
