package io.mailbridge.platform.security.control;

import io.mailbridge.platform.crypto.control.BlindIndex;
import io.mailbridge.platform.problem.Conflict;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.InvalidRequest;
import io.mailbridge.platform.problem.NotFound;
import io.mailbridge.platform.security.entity.AppUser;
import io.mailbridge.platform.security.entity.Role;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Creates, finds, lists and changes users, always within one org. */
@ApplicationScoped
public class Users {

  static final String LOGIN_EMAIL = "login-email";
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

  @PersistenceContext EntityManager em;
  @Inject BlindIndex blindIndex;
  @Inject Passwords passwords;
  @Inject RefreshTokens refreshTokens;
  @Inject Event<AccountChanged> accountChanged;

  /**
   * Fired in the transaction that created a user, or disabled or enabled one, for what follows the
   * org's users (capture of "linked" Exchange users).
   */
  public record AccountChanged(String orgId, String userId, String actorUserId) {}

  Clock clock = Clock.systemUTC();

  /**
   * A new user; the address must not be taken by anyone, in any org. {@code actorUserId} is the
   * admin creating it, or null when the server does (the bootstrap admin).
   */
  @Transactional
  public AppUser create(String orgId, NewUser request, String actorUserId) {
    String email = request.email() == null ? null : request.email().strip();
    if (email == null || email.isEmpty()) {
      throw new InvalidField("email", "is required");
    }
    if (email.length() > 320 || !EMAIL.matcher(email).matches()) {
      throw new InvalidField("email", "is not an email address");
    }
    if (request.displayName() == null || request.displayName().isBlank()) {
      throw new InvalidField("displayName", "is required");
    }
    if (request.displayName().length() > 200) {
      throw new InvalidField("displayName", "must have at most 200 characters");
    }
    Role role = parseRole(request.role() == null ? "USER" : request.role());
    String weakness = Passwords.weakness(request.password());
    if (weakness != null) {
      throw new InvalidField("password", weakness);
    }
    String index = loginIndex(email);
    if (findByEmailIndex(index).isPresent()) {
      throw new Conflict("email_taken", "A user with this email address already exists");
    }
    AppUser user =
        new AppUser(
            orgId,
            email,
            index,
            request.displayName(),
            role,
            passwords.hash(request.password()),
            clock.instant());
    em.persist(user);
    em.flush();
    accountChanged.fire(new AccountChanged(orgId, user.id(), actorUserId));
    return user;
  }

  /** Fields a user is created with. */
  public record NewUser(String email, String displayName, String role, String password) {}

  /** Fields an admin may change; null means unchanged. */
  public record UserChange(Boolean disabled, String displayName, String role) {}

  @Transactional
  public AppUser change(String orgId, String callerId, String userId, UserChange change) {
    AppUser user = find(orgId, userId);
    if (change.displayName() != null) {
      if (change.displayName().isBlank() || change.displayName().length() > 200) {
        throw new InvalidField("displayName", "must have 1 to 200 characters");
      }
      user.rename(change.displayName());
    }
    if (change.role() != null) {
      Role role = parseRole(change.role());
      if (user.id().equals(callerId) && role != Role.ADMIN) {
        throw new InvalidRequest(
            "cannot_demote_self", "An admin cannot take away its own admin role");
      }
      user.changeRole(role);
    }
    if (change.disabled() != null) {
      if (change.disabled()) {
        if (user.id().equals(callerId)) {
          throw new InvalidRequest(
              "cannot_disable_self", "An admin cannot disable its own account");
        }
        user.disable();
        refreshTokens.revokeAllOf(orgId, user.id());
      } else {
        user.enable();
      }
      accountChanged.fire(new AccountChanged(orgId, user.id(), callerId));
    }
    return user;
  }

  /** The user with this id in this org; another org's id is simply not found. */
  public AppUser find(String orgId, String userId) {
    AppUser user = userId == null ? null : em.find(AppUser.class, userId);
    if (user == null || !user.orgId().equals(orgId)) {
      throw new NotFound("User");
    }
    return user;
  }

  public Optional<AppUser> findActive(String orgId, String userId) {
    AppUser user = userId == null ? null : em.find(AppUser.class, userId);
    if (user == null || !user.orgId().equals(orgId) || user.isDisabled()) {
      return Optional.empty();
    }
    return Optional.of(user);
  }

  public Optional<AppUser> findByLoginEmail(String email) {
    if (email == null || email.isBlank()) {
      return Optional.empty();
    }
    return findByEmailIndex(loginIndex(email));
  }

  /**
   * The org's user with this address, case and surrounding spaces ignored, found through the blind
   * index because the stored address is sealed; a user of another org is not found.
   */
  public Optional<AppUser> findByEmail(String orgId, String email) {
    return findByLoginEmail(email).filter(user -> user.orgId().equals(orgId));
  }

  /** One page of the org's users in id order; {@code after} is the last id of the previous page. */
  public List<AppUser> page(String orgId, String after, int limit) {
    return em.createQuery(
            "SELECT u FROM AppUser u WHERE u.orgId = :org AND u.id > :after ORDER BY u.id",
            AppUser.class)
        .setParameter("org", orgId)
        .setParameter("after", after == null ? "" : after)
        .setMaxResults(limit)
        .getResultList();
  }

  String loginIndex(String email) {
    return blindIndex.global(LOGIN_EMAIL, email);
  }

  private Optional<AppUser> findByEmailIndex(String index) {
    return em.createQuery("SELECT u FROM AppUser u WHERE u.emailIndex = :idx", AppUser.class)
        .setParameter("idx", index)
        .getResultStream()
        .findFirst();
  }

  private static Role parseRole(String value) {
    try {
      return Role.valueOf(value.strip().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidField("role", "must be ADMIN or USER");
    }
  }
}
