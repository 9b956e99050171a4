/**
 * Notifications (API): typed events over UCX active messages. A {@link io.offload.notify.Notifier}
 * sends them and registers {@link io.offload.notify.NotificationConsumer consumers}; a handler is
 * given a {@link io.offload.notify.Notification} (lent on the fast path: copy it to keep it).
 * {@link io.offload.notify.EventTypes} splits library and user types; {@link io.offload.notify.NotifyStats}
 * counts. The implementation ({@code io.offload.notify.impl}) never allocates per message on the
 * fast path.
 */
package io.offload.notify;
