package io.mailbridge.capture.control;

import io.mailbridge.capture.entity.OrgCaptureScope;
import io.mailbridge.mailbox.control.AppAccessRefused;
import io.mailbridge.mailbox.control.AppOnlyMailboxes;
import io.mailbridge.mailbox.control.AppOnlyMailboxes.GroupMember;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.JobHandler;
import io.mailbridge.platform.jobs.control.JobOutcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The job that reads the group an org captures org-wide and makes its members the captured users:
 * new members start their backfill, former ones stop. A refusal (no consent, no such group) is kept
 * on the org's choice in words, and capture of the members stays as it was until the next read; an
 * outage is retried like any job.
 */
@ApplicationScoped
public class OrgWideMembers implements JobHandler {

  private static final Logger LOG = Logger.getLogger(OrgWideMembers.class.getName());

  @PersistenceContext EntityManager em;
  @Inject OrgWideCapture orgWide;
  @Inject AppOnlyMailboxes appOnly;

  Clock clock = Clock.systemUTC();

  @Override
  public String kind() {
    return OrgWideCapture.MEMBERS;
  }

  @Override
  public JobOutcome run(ClaimedJob job) {
    String orgId = job.payload();
    OrgCaptureScope scope = em.find(OrgCaptureScope.class, orgId);
    if (scope == null) {
      return JobOutcome.done();
    }
    OrgWideCapture.Choice choice = OrgWideCapture.parse(scope.chosenJson());
    Instant now = clock.instant();
    if (choice.group() == null) {
      scope.membersRead(null, now); // a list has nothing to read; only marks it done
      return JobOutcome.done();
    }
    List<GroupMember> members;
    try {
      members = appOnly.groupMembers(orgId, choice.group());
    } catch (AppAccessRefused | ProviderRefused refused) {
      LOG.info(() -> "Org-wide capture group of org " + orgId + ": " + refused.getMessage());
      scope.membersRead("The group could not be read: " + refused.getMessage(), now);
      return JobOutcome.done();
    }
    if (members.size() > orgWide.maxUsers()) {
      scope.membersRead(
          "The group has "
              + members.size()
              + " users, more than the "
              + orgWide.maxUsers()
              + " captured org-wide (mailbridge.capture.org-wide.max-users); nothing changed",
          now);
      return JobOutcome.done();
    }
    Map<String, String> wanted = new LinkedHashMap<>();
    for (GroupMember m : members) {
      wanted.put(m.address().toLowerCase(Locale.ROOT), m.id());
    }
    orgWide.reconcile(
        orgId,
        scope.configuredBy(),
        io.mailbridge.mailbox.control.MailboxKind.GRAPH,
        wanted,
        true,
        now);
    scope.membersRead(null, now);
    return JobOutcome.done();
  }
}
