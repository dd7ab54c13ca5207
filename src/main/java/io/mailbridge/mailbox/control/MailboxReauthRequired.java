package io.mailbridge.mailbox.control;

import io.mailbridge.platform.problem.ActionRequired;

/**
 * The provider ended Mailbridge's access to a connected mailbox; only its user can give it again,
 * by connecting it at {@link #reconnectPath()}.
 */
public class MailboxReauthRequired extends ActionRequired {

  private final String reconnectPath;

  public MailboxReauthRequired(String message, String reconnectPath) {
    super("mailbox_reauth_required", message);
    this.reconnectPath = reconnectPath;
  }

  /** Where the user connects the mailbox again, e.g. {@code /api/oauth/google/start}. */
  public String reconnectPath() {
    return reconnectPath;
  }
}
