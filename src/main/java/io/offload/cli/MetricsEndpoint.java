package io.offload.cli;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;

import java.util.concurrent.TimeUnit;

/**
 * Prometheus metrics for the CLI: a Vert.x instance whose Micrometer registry (Vert.x's own meters,
 * every engine's {@code offload.*}, JVM and process binders) is served at
 * {@code http://HOST:PORT/metrics} by an HTTP server of ours, so that a port already in use fails
 * the command (exit 5) instead of being ignored.
 */
final class MetricsEndpoint {

  private MetricsEndpoint() {
  }

  /** A Vert.x with Micrometer metrics in a Prometheus registry (no server yet). */
  static Vertx vertxWithPrometheus() {
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
    return Vertx.builder().with(CliVertx.options().setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory()).build();
  }

  /**
   * Binds the JVM and process meters and serves the registry on {@code host:port}; returns the URL.
   * Fails with "cannot listen for metrics on ..." (exit 5) when the port is taken.
   */
  @SuppressWarnings("resource") // the GC binder lives as long as the process
  static String serve(Vertx vertx, String host, int port) throws Exception {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (!(registry instanceof PrometheusMeterRegistry prometheus)) {
      throw new IllegalStateException("no Prometheus registry behind Vert.x metrics (got " + registry + ")");
    }
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    try {
      // plain HTTP/1.1: no h2c upgrade (java.net.http clients ask for one, and a second scrape then hung)
      int bound = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
          .requestHandler(req -> {
            if (!"/metrics".equals(req.path())) {
              req.response().setStatusCode(404).end("metrics are at /metrics\n");
              return;
            }
            req.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                .end(prometheus.scrape());
          })
          .listen(port, host).await(30, TimeUnit.SECONDS).actualPort();
      return "http://" + host + ":" + bound + "/metrics";
    } catch (Exception e) {
      throw new IllegalStateException("cannot listen for metrics on " + host + ":" + port + ": " + OffloadCli.oneLine(e),
          e);
    }
  }
}
