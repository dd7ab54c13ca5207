package io.mailbridge.mailbox.ews.control;

import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.MessageSender;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.mailbox.control.SendRefused;
import io.mailbridge.mailbox.ews.entity.ExchangeConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Sends as a user of the org's Exchange server: EWS {@code CreateItem} with {@code SendAndSaveCopy}
 * and the message as MIME, the service account impersonating the user, so the message goes out from
 * their mailbox and its copy lands in their Sent Items; the Sent Items check is a {@code FindItem}
 * on {@code message:InternetMessageId}. A mailbox opened only with Outlook's callback token cannot
 * send later (the token lives minutes).
 */
@ApplicationScoped
public class ExchangeMessageSender implements MessageSender {

  @Inject EwsClient ews;
  @Inject ExchangeHosts hosts;
  @Inject ExchangeConnections connections;

  @Override
  public MailboxKind kind() {
    return MailboxKind.EXCHANGE;
  }

  @Override
  public void send(MailboxAccess mailbox, byte[] mime) {
    withServiceAccount(() -> ews.sendAndSaveCopy(call(mailbox), mime));
  }

  @Override
  public boolean sentItemWith(MailboxAccess mailbox, String internetMessageId) {
    boolean[] found = new boolean[1];
    withServiceAccount(() -> found[0] = ews.sentItemWith(call(mailbox), internetMessageId));
    return found[0];
  }

  private EwsCall call(MailboxAccess mailbox) {
    if (mailbox.appUser() == null) {
      throw new SendRefused(
          "send_unsupported",
          "Mailbridge sends from Exchange only through the org's Exchange connection");
    }
    ExchangeConnection connection =
        connections
            .find(mailbox.orgId())
            .orElseThrow(
                () ->
                    new SendRefused(
                        "mailbox_not_connected", "The org's Exchange connection was removed"));
    // Basic or NTLM, as the connection says; the service account impersonates the rep.
    return connections
        .callAs(
            connection,
            mailbox.endpoint(),
            hosts.policyFor(mailbox.orgId()),
            connections.trustOf(connection))
        .impersonating(mailbox.appUser());
  }

  // The client words a 401 for the add-in's callback token; here it is the service account's.
  private static void withServiceAccount(Runnable call) {
    try {
      call.run();
    } catch (SendRefused refused) {
      throw refused;
    } catch (ProviderRefused refused) {
      if ("exchange_unauthorized".equals(refused.code())) {
        throw new SendRefused(
            "exchange_unauthorized",
            "Exchange refused the org's service account; an admin checks the Exchange connection");
      }
      throw refused;
    }
  }
}
