package io.mailbridge.capture.control;

import io.mailbridge.capture.entity.GoogleCaptureScope;
import io.mailbridge.capture.entity.OrgMailbox;
import io.mailbridge.mailbox.control.AppOnlyMailboxes;
import io.mailbridge.mailbox.control.ConnectedMailbox;
import io.mailbridge.mailbox.control.DelegatedMailboxes;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.OrgWideMailboxes;
import io.mailbridge.platform.problem.NotFound;
import io.mailbridge.platform.security.control.Users;
import io.mailbridge.platform.security.entity.AppUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The org-wide capture lists (Microsoft 365 app-only, Google Workspace delegation) as the mailboxes
 * sync reaches without a connection: a user is covered while the address of their Mailbridge
 * account is listed, and the org's own credentials are used, never a user's.
 */
@ApplicationScoped
public class OrgListedMailboxes implements OrgWideMailboxes {

  private static final List<MailboxKind> KINDS = List.of(MailboxKind.GRAPH, MailboxKind.GMAIL);

  @PersistenceContext EntityManager em;
  @Inject OrgWideCapture lists;
  @Inject AppOnlyMailboxes appOnly;
  @Inject DelegatedMailboxes delegated;
  @Inject Users users;

  @Override
  public Optional<ConnectedMailbox> mailboxOf(String orgId, String userId) {
    Optional<AppUser> user = users.findActive(orgId, userId);
    if (user.isEmpty()) {
      return Optional.empty();
    }
    for (MailboxKind kind : KINDS) {
      Optional<OrgMailbox> listed = listed(orgId, kind, user.get().email());
      if (listed.isPresent() && (kind != MailboxKind.GMAIL || googleKey(orgId).isPresent())) {
        OrgMailbox m = listed.get();
        return Optional.of(new ConnectedMailbox(m.id(), orgId, userId, kind, m.address(), false));
      }
    }
    return Optional.empty();
  }

  @Override
  public MailboxAccess access(String orgId, String mailboxId, String userId) {
    ConnectedMailbox mailbox =
        mailboxOf(orgId, userId)
            .filter(m -> m.id().equals(mailboxId))
            .orElseThrow(() -> new NotFound("Mailbox " + mailboxId));
    OrgMailbox m = em.find(OrgMailbox.class, mailbox.id());
    if (mailbox.kind() == MailboxKind.GMAIL) {
      String key = googleKey(orgId).orElseThrow(() -> new NotFound("Mailbox " + mailboxId));
      return delegated.syncAccess(orgId, m.id(), key, m.graphUser());
    }
    return appOnly.access(orgId, m.id(), m.graphUser());
  }

  @Override
  public List<String> userIds(String orgId) {
    List<String> ids = new ArrayList<>();
    for (MailboxKind kind : KINDS) {
      if (kind == MailboxKind.GMAIL && googleKey(orgId).isEmpty()) {
        continue;
      }
      for (OrgMailbox m : lists.active(orgId, kind)) {
        users.findByEmail(orgId, m.address()).map(AppUser::id).ifPresent(ids::add);
      }
    }
    return ids;
  }

  private Optional<OrgMailbox> listed(String orgId, MailboxKind kind, String address) {
    return em.createQuery(
            "SELECT m FROM OrgMailbox m WHERE m.orgId = :org AND m.addressIndex = :index"
                + " AND m.provider = :provider AND m.active = true",
            OrgMailbox.class)
        .setParameter("org", orgId)
        .setParameter("index", lists.index(orgId, kind, address))
        .setParameter("provider", kind.provider())
        .getResultStream()
        .findFirst();
  }

  private Optional<String> googleKey(String orgId) {
    GoogleCaptureScope google = em.find(GoogleCaptureScope.class, orgId);
    return google == null || !google.hasKey()
        ? Optional.empty()
        : Optional.of(google.serviceAccountKey());
  }
}
