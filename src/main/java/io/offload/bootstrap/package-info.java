/**
 * Bootstrap errors (API): {@link io.offload.bootstrap.BootstrapException} and
 * {@link io.offload.bootstrap.ProtocolException}. The OOB protocol, its codec and both sides'
 * state machines are in {@code io.offload.bootstrap.impl}.
 */
package io.offload.bootstrap;
