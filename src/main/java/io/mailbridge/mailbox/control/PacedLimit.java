package io.mailbridge.mailbox.control;

/**
 * A provider's per-mailbox limit that Mailbridge paces its calls under; each mailbox has a budget
 * of its own under each limit ({@link MailboxQuotas}).
 */
public enum PacedLimit {
  /** Outlook resources through Microsoft Graph: requests per window and concurrent requests. */
  GRAPH("graph", "Microsoft Graph's per-mailbox limit"),
  /** The Gmail API: quota units per user per minute, each method costing its units. */
  GMAIL("gmail", "Gmail's per-user quota"),
  /**
   * The Google Calendar API: requests per user per minute, a quota of its own beside Gmail's
   * (developers.google.com/workspace/calendar/api/guides/quota).
   */
  GOOGLE_CALENDAR("google_calendar", "Google Calendar's per-user quota");

  private final String label;
  private final String description;

  PacedLimit(String label, String description) {
    this.label = label;
    this.description = description;
  }

  /** The limit a mailbox of {@code kind} reads its mail under; none for Exchange on-premises. */
  public static PacedLimit ofMail(MailboxKind kind) {
    return switch (kind) {
      case GRAPH -> GRAPH;
      case GMAIL -> GMAIL;
      case EXCHANGE -> null;
    };
  }

  /** The name in metrics and in the code of a held-back call. */
  public String label() {
    return label;
  }

  /** The limit in words, for health and error messages. */
  public String description() {
    return description;
  }
}
