package io.offload.cli;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

/** A Vert.x instance whose Micrometer registry is scraped by Prometheus at {@code /metrics}. */
final class MetricsEndpoint {

  private MetricsEndpoint() {
  }

  static Vertx vertxWithPrometheus(String host, int port) {
    if (port < 1 || port > 65535) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new ServiceCommand()),
          "--metrics-port must be in [1, 65535], got " + port);
    }
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true).setStartEmbeddedServer(true)
            .setEmbeddedServerOptions(new HttpServerOptions().setHost(host).setPort(port)));
    return Vertx.builder().with(new VertxOptions().setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory()).build();
  }
}
