package io.mailbridge.it.support;

import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.JobHandler;
import io.mailbridge.platform.jobs.control.JobOutcome;
import io.mailbridge.platform.jobs.control.RetryLater;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/** A test job kind that always fails: plainly, or asking to be retried after a given delay. */
@ApplicationScoped
public class FailingJobHandler implements JobHandler {

  public static final String KIND = "it.failing";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public JobOutcome run(ClaimedJob job) throws RetryLater {
    if (job.payload() != null && job.payload().startsWith("retry-after:")) {
      throw new RetryLater(
          "provider busy", Duration.parse(job.payload().substring("retry-after:".length())));
    }
    throw new IllegalStateException("planned failure on attempt " + job.attempt());
  }
}
