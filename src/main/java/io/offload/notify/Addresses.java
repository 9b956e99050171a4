package io.offload.notify;

/**
 * Event-bus addresses of an engine. All are local-only: nothing here ever crosses a clustered
 * event bus. {@code offload.<engine>.phase}: every phase change ({@code PhaseChange} body,
 * published); {@code offload.<engine>.state}: each change of the engine's {@code EngineState}
 * (the new state as the body, published). Notifications do not go through the event bus: see {@link NotificationConsumer}.
 */
public final class Addresses {

  private Addresses() {
  }

  public static String phase(String engineId) {
    return "offload." + engineId + ".phase";
  }

  public static String state(String engineId) {
    return "offload." + engineId + ".state";
  }
}
