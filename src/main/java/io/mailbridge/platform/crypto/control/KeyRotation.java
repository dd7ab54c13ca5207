package io.mailbridge.platform.crypto.control;

import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.platform.jobs.control.NewJob;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Starts a data-key rotation for an org: a new primary key now, re-encryption as a job. */
@ApplicationScoped
public class KeyRotation {

  @Inject OrgKeysets keysets;
  @Inject JobStore jobs;

  @Inject
  @ConfigProperty(name = "mailbridge.crypto.keyset-cache-ttl", defaultValue = "PT30S")
  Duration cacheTtl;

  Clock clock = Clock.systemUTC();

  /** What a rotation started. */
  public record Started(long primaryKeyId, String jobId) {}

  /** Status of an org's keys. */
  public record KeyStatus(long primaryKeyId, int keyCount) {}

  @Transactional
  public Started rotate(String orgId) {
    long primary = keysets.rotate(orgId);
    // Other nodes keep encrypting with the old key until their cache expires: start after that.
    String jobId =
        jobs.enqueue(
            NewJob.of(ReencryptOrgRows.KIND, orgId, ReencryptOrgRows.Cursor.start().toString())
                .dedupedBy("reencrypt:" + orgId)
                .notBefore(clock.instant().plus(cacheTtl.multipliedBy(2))));
    return new Started(primary, jobId);
  }

  public KeyStatus status(String orgId) {
    keysets.forget(orgId);
    return new KeyStatus(keysets.primaryKeyId(orgId), keysets.dataKeyCount(orgId));
  }
}
