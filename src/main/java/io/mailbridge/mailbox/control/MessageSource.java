package io.mailbridge.mailbox.control;

import io.mailbridge.message.MailAddress;
import io.mailbridge.message.MailAttachment;
import io.mailbridge.message.MailMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * The port through which everything outside {@code mailbox/<provider>} reads a mailbox: one
 * implementation per {@link MailboxKind} (EWS, Graph, Gmail). Failures are the mailbox's typed
 * problems ({@code NotFound} for a message that is not there, {@link ProviderBusy}, {@link
 * ProviderRefused}, …), never provider types. Capture and sync add their operations here.
 */
public interface MessageSource {

  /** The kind of mailbox this source reads. */
  MailboxKind kind();

  /**
   * Refuses a mailbox this source must not call before anything else happens (an Exchange endpoint
   * that is not on the org's allow-list); does nothing by default.
   */
  default void admit(MailboxAccess mailbox) {}

  /** One message in the normalized model, its attachments described but not downloaded. */
  ReadMessage read(MailboxAccess mailbox, String messageId);

  /**
   * The chosen attachments of a message read before, with their bytes, in the order asked; every id
   * must be a key of {@code read.attachments()}.
   */
  List<MailAttachment> open(MailboxAccess mailbox, ReadMessage read, List<String> attachmentIds);

  /**
   * Marks the message as logged to this activity where the server may do that; says what it did.
   */
  LoggedMark markLogged(MailboxAccess mailbox, String messageId, String activityId);

  /** The activity id the message carries from an earlier log, or null (also when none is kept). */
  String loggedActivity(MailboxAccess mailbox, String messageId);

  /** From, To and Cc of a message; sources that can read headers alone override this. */
  default List<MailAddress> participants(MailboxAccess mailbox, String messageId) {
    MailMessage message = read(mailbox, messageId).message();
    List<MailAddress> participants = new ArrayList<>();
    if (message.from() != null) {
      participants.add(message.from());
    }
    participants.addAll(message.to());
    participants.addAll(message.cc());
    return participants;
  }
}
