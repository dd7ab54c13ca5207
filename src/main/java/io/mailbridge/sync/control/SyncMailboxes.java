package io.mailbridge.sync.control;

import io.mailbridge.mailbox.control.ConnectedMailbox;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.MailboxOfCaller;
import io.mailbridge.mailbox.control.OrgWideMailboxes;
import io.mailbridge.mailbox.control.SendingMailboxes;
import io.mailbridge.sync.entity.SyncUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The mailbox a user's sync reaches, and how: the user's connected mailboxes first, then their
 * mailbox on the org's Exchange server (through the org's service account, no one connects it),
 * then their Microsoft 365 or Google mailbox the org lists org-wide (the org's app or service
 * account).
 */
@ApplicationScoped
public class SyncMailboxes {

  @Inject SendingMailboxes sending;
  @Inject MailboxOfCaller connections;
  @Inject Instance<OrgWideMailboxes> orgWide;

  /**
   * The mailbox synced last time while it is still reachable (a switch forgets every pair, so it
   * never flips back and forth), otherwise the first that keeps the items.
   */
  Optional<ConnectedMailbox> chosen(SyncUser state, Predicate<MailboxKind> keeps) {
    List<ConnectedMailbox> all = new ArrayList<>(sending.ofUser(state.orgId(), state.id()));
    listed(state).ifPresent(all::add);
    List<ConnectedMailbox> reachable = all.stream().filter(m -> keeps.test(m.kind())).toList();
    return reachable.stream()
        .filter(m -> m.id().equals(state.mailboxId()))
        .findFirst()
        .or(() -> reachable.stream().findFirst());
  }

  /** The access a step reads and writes with (a connection's token may be renewed on use). */
  MailboxAccess access(SyncUser state, ConnectedMailbox mailbox) {
    if (mailbox.kind() == MailboxKind.EXCHANGE) {
      return sending.access(state.orgId(), state.id(), mailbox.id());
    }
    if (listed(state).filter(m -> m.id().equals(mailbox.id())).isPresent()) {
      return orgWide.get().access(state.orgId(), mailbox.id(), state.id());
    }
    return connections.connection(state.orgId(), mailbox.id());
  }

  /** The org's users whose mailbox the org lists org-wide. */
  List<String> listedUsers(String orgId) {
    return orgWide.isResolvable() ? orgWide.get().userIds(orgId) : List.of();
  }

  private Optional<ConnectedMailbox> listed(SyncUser state) {
    return orgWide.isResolvable()
        ? orgWide.get().mailboxOf(state.orgId(), state.id())
        : Optional.empty();
  }
}
