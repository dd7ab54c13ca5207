package io.mailbridge.mailbox.control;

import java.net.URI;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One mailbox as a read reaches it, chosen for the caller by {@link MailboxOfCaller}: its kind, its
 * org, the connection it belongs to (none for Exchange, which Outlook's callback token opens) and
 * the EWS endpoint (Exchange only). The credential is fetched on first use, so choosing a mailbox
 * never renews a token for a request that fails before it reads.
 */
public final class MailboxAccess {

  private final MailboxKind kind;
  private final String orgId;
  private final String connectionId;
  private final URI endpoint;
  private final Supplier<String> credential;
  private final String appUser;
  private final Supplier<String> calendarCredential;
  private String fetched;
  private String fetchedCalendar;

  public MailboxAccess(
      MailboxKind kind,
      String orgId,
      String connectionId,
      URI endpoint,
      Supplier<String> credential) {
    this(kind, orgId, connectionId, endpoint, credential, null);
  }

  /**
   * A mailbox the org's app reads with an app-only credential: {@code appUser} names the mailbox
   * (Graph's {@code /users/{id | userPrincipalName}}), since the token belongs to no user.
   */
  public MailboxAccess(
      MailboxKind kind,
      String orgId,
      String connectionId,
      URI endpoint,
      Supplier<String> credential,
      String appUser) {
    this(kind, orgId, connectionId, endpoint, credential, appUser, null);
  }

  private MailboxAccess(
      MailboxKind kind,
      String orgId,
      String connectionId,
      URI endpoint,
      Supplier<String> credential,
      String appUser,
      Supplier<String> calendarCredential) {
    this.appUser = appUser;
    this.calendarCredential = calendarCredential;
    this.kind = Objects.requireNonNull(kind, "kind");
    this.orgId = Objects.requireNonNull(orgId, "orgId");
    this.connectionId = connectionId;
    this.endpoint = endpoint;
    this.credential = Objects.requireNonNull(credential, "credential");
  }

  public MailboxKind kind() {
    return kind;
  }

  public String orgId() {
    return orgId;
  }

  /** The mailbox connection, or null for a mailbox opened by a callback token (Exchange). */
  public String connectionId() {
    return connectionId;
  }

  /** The EWS endpoint Outlook named; null for the other kinds. */
  public URI endpoint() {
    return endpoint;
  }

  /**
   * The user whose mailbox an app-only credential reads, or null when the credential is the mailbox
   * user's own ({@code /me}).
   */
  public String appUser() {
    return appUser;
  }

  /** The bearer credential for the provider, fetched (and renewed if need be) on first use. */
  public synchronized String credential() {
    if (fetched == null) {
      fetched = credential.get();
    }
    return fetched;
  }

  /**
   * The same mailbox whose calendar is read with a credential of its own: Google's domain-wide
   * delegation grants one scope set per token, and a Workspace admin may authorize the mail scope
   * without the calendar's, which must then leave mail capture running.
   */
  public MailboxAccess withCalendarCredential(Supplier<String> calendar) {
    return new MailboxAccess(
        kind, orgId, connectionId, endpoint, credential, appUser, Objects.requireNonNull(calendar));
  }

  /**
   * The bearer credential for the mailbox's calendar: its own where it has one, else the mail's.
   */
  public synchronized String calendarCredential() {
    if (calendarCredential == null) {
      return credential();
    }
    if (fetchedCalendar == null) {
      fetchedCalendar = calendarCredential.get();
    }
    return fetchedCalendar;
  }

  @Override
  public String toString() {
    // Never the credential.
    return "MailboxAccess[" + kind + ", " + (connectionId != null ? connectionId : endpoint) + "]";
  }
}
