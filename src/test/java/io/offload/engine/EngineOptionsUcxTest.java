package io.offload.engine;

import io.offload.ucx.UcxFeatures;
import org.junit.jupiter.api.Test;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The application's UCX objects in the options: by reference, copied, never in JSON. */
class EngineOptionsUcxTest {

  @Test
  void shouldKeepTheApplicationsContextAndWorkerByReferenceInCopiesButNotInJson() {
    try (UcpContext context = new UcpContext(UcxFeatures.requiredParams())) {
      UcpWorker worker = context.newWorker(new UcpWorkerParams());
      try {
        EngineOptions defaults = new EngineOptions();
        assertNull(defaults.getUcpContext());
        assertNull(defaults.getUcpWorker());
        EngineOptions o = new EngineOptions();
        assertSame(o, o.setUcpContext(context));
        assertSame(o, o.setUcpWorker(worker));
        EngineOptions copy = new EngineOptions(o);
        assertSame(context, copy.getUcpContext());
        assertSame(worker, copy.getUcpWorker());
        assertFalse(o.toJson().encode().toLowerCase().contains("ucp"), o.toJson().encode());
        EngineOptions fromJson = new EngineOptions(o.toJson());
        assertNull(fromJson.getUcpContext());
        assertNull(fromJson.getUcpWorker());
      } finally {
        worker.close();
      }
    }
  }
}
