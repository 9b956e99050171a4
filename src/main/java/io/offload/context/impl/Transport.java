package io.offload.context.impl;

import io.offload.notify.impl.NotificationService;
import io.offload.ucx.impl.UcxRuntime;

/**
 * What carries an engine's traffic, handed by the engine to each part it wires: the UCX runtime
 * (worker, endpoints, the progress thread) and the notification service on top of it, whose
 * channels belong to peers.
 */
public record Transport(UcxRuntime ucx, NotificationService<PeerImpl> notifications) {
}
