package io.mailbridge.sync.control;

import io.mailbridge.platform.security.control.Users;
import io.mailbridge.platform.security.entity.AppUser;
import io.mailbridge.sync.entity.SyncLink;
import io.mailbridge.sync.entity.SyncUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.List;

/**
 * What a user's contact and event sync did: for the user, and for the org's admins user by user.
 */
@ApplicationScoped
public class SyncStatus {

  @PersistenceContext EntityManager em;
  @Inject Users users;
  @Inject OrgSyncSettings settings;

  /**
   * One user's sync as the API shows it: the totals of both kinds (the last round of either), each
   * kind's own, and the errors of both.
   */
  public record UserStatus(
      String userId,
      String email,
      String contacts,
      String events,
      String mailboxId,
      Instant lastSyncAt,
      long itemsIn,
      long itemsOut,
      long conflicts,
      KindStatus contactSync,
      KindStatus eventSync,
      List<JsonObject> errors) {}

  /** What one kind's sync did: when its last round completed, and its totals. */
  public record KindStatus(Instant lastSyncAt, long itemsIn, long itemsOut, long conflicts) {

    static final KindStatus NONE = new KindStatus(null, 0, 0, 0);

    static KindStatus of(SyncUser state, SyncLink.Item item) {
      return new KindStatus(
          state.lastSyncAt(item), state.itemsIn(item), state.itemsOut(item), state.conflicts(item));
    }
  }

  /** A page of users and the id of its last one when more follow. */
  public record StatusPage(List<UserStatus> items, String next) {}

  public UserStatus of(String orgId, String userId) {
    AppUser user = users.find(orgId, userId);
    return status(user, settings.of(orgId));
  }

  public StatusPage page(String orgId, String after, int limit) {
    List<AppUser> found = users.page(orgId, after, limit + 1);
    boolean more = found.size() > limit;
    List<AppUser> page = more ? found.subList(0, limit) : found;
    SyncChoice choice = settings.of(orgId);
    return new StatusPage(
        page.stream().map(u -> status(u, choice)).toList(),
        more ? page.get(page.size() - 1).id() : null);
  }

  private UserStatus status(AppUser user, SyncChoice choice) {
    SyncUser state = em.find(SyncUser.class, user.id());
    if (state == null || !state.orgId().equals(user.orgId())) {
      return new UserStatus(
          user.id(),
          user.email(),
          choice.contacts().wireName(),
          choice.events().wireName(),
          null,
          null,
          0,
          0,
          0,
          KindStatus.NONE,
          KindStatus.NONE,
          List.of());
    }
    KindStatus contacts = KindStatus.of(state, SyncLink.Item.CONTACT);
    KindStatus events = KindStatus.of(state, SyncLink.Item.EVENT);
    return new UserStatus(
        user.id(),
        user.email(),
        choice.contacts().wireName(),
        choice.events().wireName(),
        state.mailboxId(),
        state.lastSyncAt(),
        contacts.itemsIn() + events.itemsIn(),
        contacts.itemsOut() + events.itemsOut(),
        contacts.conflicts() + events.conflicts(),
        contacts,
        events,
        SyncErrors.list(state.errors()));
  }
}
