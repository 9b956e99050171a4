/**
 * Execution contexts (API): one relationship between this process and its peers, from
 * {@code OffloadEngine.listen} (a server) or {@code connect} (a client), with its
 * {@link io.offload.context.BootstrapPhase phases}, {@link io.offload.context.Peer peers} and
 * notifications ({@link io.offload.context.ExecutionContext} is a {@link io.offload.notify.Notifier}).
 * Options: {@link io.offload.context.ServerOptions}, {@link io.offload.context.ClientOptions}.
 */
package io.offload.context;
