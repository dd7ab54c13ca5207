package io.mailbridge.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import io.mailbridge.platform.jobs.control.JobPump;
import io.mailbridge.platform.jobs.control.JobState;
import io.mailbridge.platform.jobs.control.JobStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Runs the suite's jobs by hand (the timer is off in tests) until a re-encryption is done. */
@ApplicationScoped
public class RotationJobs {

  @Inject JobStore jobStore;
  @Inject JobPump pump;

  public void waitUntilDone(String jobId) throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      pump.drain("it-rotation", 10);
      if (jobStore.find(jobId).orElseThrow().state() == JobState.DONE) {
        return;
      }
      Thread.sleep(200);
    }
    fail("re-encryption did not finish: " + jobStore.find(jobId));
  }
}
