package io.offload.notify;

/**
 * Event-bus addresses of an engine. All are local-only: nothing here ever crosses a clustered
 * event bus.
 * <ul>
 *   <li>{@code offload.<engine>.phase}: every phase change ({@code PhaseChange} body, published)</li>
 *   <li>{@code offload.<engine>.notify.<type>}: engine-wide consumers of a type</li>
 *   <li>{@code offload.<engine>.<context>.notify.<type>}: consumers of one context (tried first)</li>
 * </ul>
 */
public final class Addresses {

  private Addresses() {
  }

  public static String phase(String engineId) {
    return "offload." + engineId + ".phase";
  }

  public static String engineWide(String engineId, int type) {
    return "offload." + engineId + ".notify." + type;
  }

  public static String perContext(String engineId, String contextId, int type) {
    return "offload." + engineId + "." + contextId + ".notify." + type;
  }
}
