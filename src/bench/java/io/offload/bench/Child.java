package io.offload.bench;

import io.vertx.core.json.JsonObject;

import java.util.Arrays;

/**
 * Entry point of every child JVM the harness starts. The first argument names the role;
 * results go to stdout as {@code RESULT <json>} lines, readiness as {@code listening ...}.
 */
public final class Child {

  private Child() {
  }

  public static void main(String[] args) throws Exception {
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    try {
      switch (args[0]) {
        case "raw-server" -> RawJucx.server();
        case "raw-client" -> RawJucx.client(Integer.parseInt(rest[0]), Plan.fromArg(rest[1]));
        case "notify-server" -> NotifyBench.server();
        case "idle" -> NotifyBench.idle();
        case "notify-client" -> NotifyBench.client(Integer.parseInt(rest[0]), Plan.fromArg(rest[1]));
        case "net-server" -> NetBench.server();
        case "net-client" -> NetBench.client(Integer.parseInt(rest[0]), Integer.parseInt(rest[1]), Plan.fromArg(rest[2]));
        case "eb-server" -> ClusterBench.server(rest[0], Integer.parseInt(rest[1]), Integer.parseInt(rest[2]));
        case "eb-client" -> ClusterBench.client(rest[0], Integer.parseInt(rest[1]), Integer.parseInt(rest[2]),
            Plan.fromArg(rest[3]));
        case "bootstrap-client" -> BootBench.single(Integer.parseInt(rest[0]), Integer.parseInt(rest[1]),
            Integer.parseInt(rest[2]));
        case "ranks" -> BootBench.ranks(rest[0], Integer.parseInt(rest[1]), Integer.parseInt(rest[2]),
            Integer.parseInt(rest[3]), Integer.parseInt(rest[4]));
        default -> throw new IllegalArgumentException("unknown child role " + args[0]);
      }
    } catch (Throwable t) {
      t.printStackTrace();
      System.out.flush();
      Runtime.getRuntime().halt(1);
    }
    System.out.flush();
    System.exit(0);
  }

  /** Prints one result line for the parent. */
  static synchronized void result(JsonObject json) {
    System.out.println("RESULT " + json.encode());
    System.out.flush();
  }

  static JsonObject throughput(String transport, int size, double[] msgsPerSecond) {
    double[] mib = new double[msgsPerSecond.length];
    for (int i = 0; i < mib.length; i++) {
      mib[i] = msgsPerSecond[i] * size / (1 << 20);
    }
    return new JsonObject().put("transport", transport).put("kind", "tput").put("size", size)
        .put("msgsPerSec", Sample.rates(msgsPerSecond)).put("mibPerSec", Sample.rates(mib));
  }
}
