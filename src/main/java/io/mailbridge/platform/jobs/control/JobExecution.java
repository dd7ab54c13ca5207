package io.mailbridge.platform.jobs.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/** Runs one handler call in a transaction of its own, rolled back if the handler throws. */
@ApplicationScoped
public class JobExecution {

  @Transactional(value = Transactional.TxType.REQUIRES_NEW, rollbackOn = Exception.class)
  public JobOutcome execute(JobHandler handler, ClaimedJob job) throws Exception {
    return handler.run(job);
  }
}
