package io.offload.context;

/** What kind of processes an execution context links. */
public enum Scope {
  /** A rank and the service process that serves it. */
  HOST_SERVICE,
  /** Two service processes (the inter-service-process mesh). */
  INTER_SERVICE,
  /** A process and itself. */
  SELF;

  static Scope of(int code) {
    Scope[] all = values();
    if (code < 0 || code >= all.length) {
      throw new IllegalArgumentException("unknown scope code " + code);
    }
    return all[code];
  }
}
