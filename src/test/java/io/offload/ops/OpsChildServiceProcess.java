package io.offload.ops;

import io.offload.verticles.ServiceProcessVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A service process in a JVM of its own (args: topology file, its global id, an operation type):
 * registers a handler of that type that never ends its operations, prints {@code ready}, then
 * {@code handling ID} for each operation that arrives, and stays until killed.
 */
public final class OpsChildServiceProcess {

  private OpsChildServiceProcess() {
  }

  public static void main(String[] args) throws Exception {
    int id = Integer.parseInt(args[1]);
    int type = Integer.parseInt(args[2]);
    Vertx vertx = Vertx.vertx();
    ServiceProcessVerticle sp = new ServiceProcessVerticle();
    vertx.deployVerticle(sp, new DeploymentOptions().setConfig(new JsonObject()
            .put("engine", new JsonObject().put("name", "sp" + id))
            .put("topology", args[0]).put("serviceProcessId", id)))
        .await(60, TimeUnit.SECONDS);
    sp.engine().operations().register(type, op -> {
      System.out.println("handling " + op.id());
      System.out.flush();
    });
    System.out.println("ready");
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
