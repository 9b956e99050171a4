package io.offload.job.impl;

import io.offload.context.impl.OnCaller;
import io.offload.job.Job;
import io.offload.job.JobStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.function.Supplier;

/** The {@link Job} an engine serves: its size, the latest status, and the end (on the caller's context). */
final class JobHandle implements Job {

  private final int ranks;
  private final Supplier<JobStatus> status;
  private final Vertx vertx;
  private final Future<JobStatus> ended;

  JobHandle(int ranks, Supplier<JobStatus> status, Vertx vertx, Future<JobStatus> ended) {
    this.ranks = ranks;
    this.status = status;
    this.vertx = vertx;
    this.ended = ended;
  }

  @Override
  public int ranks() {
    return ranks;
  }

  @Override
  public JobStatus status() {
    return status.get();
  }

  @Override
  public Future<JobStatus> over() {
    return OnCaller.complete(vertx, ended);
  }
}
