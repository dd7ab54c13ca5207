package io.mailbridge.capture.control;

import io.mailbridge.capture.entity.CaptureCursor;
import io.mailbridge.capture.entity.GoogleCaptureScope;
import io.mailbridge.capture.entity.OrgMailbox;
import io.mailbridge.mailbox.control.AppOnlyMailboxes;
import io.mailbridge.mailbox.control.ConnectedMailbox;
import io.mailbridge.mailbox.control.DelegatedMailboxes;
import io.mailbridge.mailbox.control.ImpersonatedMailboxes;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxConnections;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.MailboxOfCaller;
import io.mailbridge.platform.security.control.Users;
import io.mailbridge.platform.security.entity.AppUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.Optional;

/**
 * What a capture cursor reads: a mailbox its user connected (OAuth connection, the user's token), a
 * mailbox of the org's tenant captured org-wide (the app's token, {@code /users/{id}}), one of the
 * org's Google Workspace (a token the service account obtains for the user), or a mailbox of the
 * org's Exchange server (the service account impersonating its user). The sync job asks here before
 * each run, so a disconnected mailbox or a user taken off the org-wide list stops at once.
 */
@ApplicationScoped
public class CaptureTargets {

  @PersistenceContext EntityManager em;
  @Inject MailboxConnections connections;
  @Inject MailboxOfCaller mailboxes;
  @Inject AppOnlyMailboxes appOnly;
  @Inject ImpersonatedMailboxes exchange;
  @Inject DelegatedMailboxes delegated;
  @Inject Users users;

  /**
   * A mailbox to read and how; {@code gone} says why there is none any more. {@code person} is the
   * user whose own mailbox it is, whose exclusions apply to it: a connected mailbox's user; for one
   * captured org-wide the org's user with its address, if any (its owner may be the admin who
   * listed it).
   */
  public record Target(ConnectedMailbox mailbox, MailboxAccess access, String gone, String person) {

    Target(ConnectedMailbox mailbox, MailboxAccess access, String gone) {
      this(mailbox, access, gone, mailbox == null ? null : mailbox.userId());
    }
  }

  public Target of(CaptureCursor cursor) {
    OrgMailbox orgWide = em.find(OrgMailbox.class, cursor.mailboxId());
    if (orgWide != null && orgWide.orgId().equals(cursor.orgId())) {
      if (!orgWide.active()) {
        return new Target(null, null, OrgWideCapture.UNLISTED);
      }
      if (orgWide.provider().equals(MailboxKind.GMAIL.provider())) {
        GoogleCaptureScope google = em.find(GoogleCaptureScope.class, orgWide.orgId());
        if (google == null || !google.hasKey()) {
          return new Target(null, null, "The org's Google Workspace service account was removed");
        }
        return new Target(
            new ConnectedMailbox(
                orgWide.id(),
                orgWide.orgId(),
                orgWide.ownerUserId(),
                MailboxKind.GMAIL,
                orgWide.address(),
                false),
            delegated.access(
                orgWide.orgId(), orgWide.id(), google.serviceAccountKey(), orgWide.graphUser()),
            null,
            personWith(orgWide));
      }
      boolean ews = MailboxKind.EXCHANGE.provider().equals(orgWide.provider());
      return new Target(
          new ConnectedMailbox(
              orgWide.id(),
              orgWide.orgId(),
              orgWide.ownerUserId(),
              ews ? MailboxKind.EXCHANGE : MailboxKind.GRAPH,
              orgWide.address(),
              false),
          ews
              ? exchange.access(orgWide.orgId(), orgWide.id(), orgWide.graphUser())
              : appOnly.access(orgWide.orgId(), orgWide.id(), orgWide.graphUser()),
          null,
          personWith(orgWide));
    }
    Optional<ConnectedMailbox> connected =
        connections.stillConnected(cursor.orgId(), cursor.mailboxId());
    if (connected.isEmpty()) {
      return new Target(null, null, "The mailbox was disconnected");
    }
    return new Target(connected.get(), null, null);
  }

  private String personWith(OrgMailbox orgWide) {
    return users.findByEmail(orgWide.orgId(), orgWide.address()).map(AppUser::id).orElse(null);
  }

  /** The access to a connected mailbox, made when the run reads (its token may be renewed). */
  public MailboxAccess access(Target target) {
    return target.access() != null
        ? target.access()
        : mailboxes.connection(target.mailbox().orgId(), target.mailbox().id());
  }
}
