package io.mailbridge.mailbox.control;

/**
 * The port through which capture reads mailboxes of an org's Google Workspace with a service
 * account's domain-wide delegation, no user consenting: the service account's key file checked, and
 * the access to one user's mailbox with a token the service account obtains for that user.
 */
public interface DelegatedMailboxes {

  /** The scope the delegated tokens carry, which a Workspace admin authorizes for the client id. */
  String SCOPE = "https://www.googleapis.com/auth/gmail.readonly";

  /**
   * The scope of the tokens that read the user's primary calendar (events and their changes, push
   * channels included), asked apart from {@link #SCOPE}: an admin who authorized only the mail
   * scope keeps mail capture, and meetings are not captured until this one is authorized too.
   */
  String CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar.events.readonly";

  /** The scope of the token contact sync reads and writes the user's contacts with. */
  String CONTACTS_SCOPE = "https://www.googleapis.com/auth/contacts";

  /** The scope of the token event sync reads and writes the user's calendar events with. */
  String CALENDAR_EVENTS_SCOPE = "https://www.googleapis.com/auth/calendar.events";

  /**
   * The key file Google issues for a service account, checked: {@code InvalidField} names the field
   * ({@code serviceAccountKey} or {@code serviceAccountKey.<field of the file>}).
   */
  ServiceAccount serviceAccount(String keyJson);

  /**
   * The Gmail mailbox of {@code user}, known to capture as {@code mailboxId}, read with a token the
   * service account of {@code keyJson} obtains for that user on first use; a refusal is {@link
   * AppAccessRefused} with what happened and what to do in words.
   */
  MailboxAccess access(String orgId, String mailboxId, String keyJson, String user);

  /**
   * The same user's contacts and calendar as sync writes them: a token of {@link #CONTACTS_SCOPE}
   * and one of {@link #CALENDAR_EVENTS_SCOPE}, each asked on first use, so that a Workspace that
   * authorized one scope still syncs that kind.
   */
  MailboxAccess syncAccess(String orgId, String mailboxId, String keyJson, String user);

  /** What may be shown of a service account: never its private key. */
  record ServiceAccount(String clientEmail, String keyId, String clientId) {}
}
