package io.offload.context;

/** Which side of the bootstrap an execution context played. */
public enum Role {
  /** Accepts many peers. */
  SERVER,
  /** Connects to one server. */
  CLIENT,
  /** The engine talking to itself; no network. */
  SELF
}
