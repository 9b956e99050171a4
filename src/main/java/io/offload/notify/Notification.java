package io.offload.notify;

import io.offload.context.RankInfo;
import io.vertx.core.buffer.Buffer;

/**
 * Event-bus body of an arriving notification. Passed by reference inside the JVM (a
 * pass-through codec): no copy, no serialization.
 *
 * @param type      event type
 * @param contextId the execution context it arrived on ({@code "self"} for self-notifications)
 * @param peerId    the sending peer within that context
 * @param source    the sender's rank info, when known
 * @param eventId   sequence number of the event from that sender (0, 1, 2, ...)
 * @param payload   the payload; owned by the receiver
 */
public record Notification(int type, String contextId, int peerId, RankInfo source, long eventId, Buffer payload) {
}
