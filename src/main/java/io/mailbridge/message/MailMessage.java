package io.mailbridge.message;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The one normalized email every provider (EWS, Graph, Gmail) maps into and the CRM stores:
 * identifiers, headers, participants, bodies and attachment descriptors.
 *
 * @param provider where it came from: {@code ews}, {@code graph}, {@code gmail}, {@code test}
 * @param providerItemId the provider's id of the item in the mailbox
 * @param internetMessageId the RFC 5322 Message-ID, when the message has one
 * @param ownerSent whether the mailbox owner sent it (only then is {@code bcc} known and kept)
 */
public record MailMessage(
    String provider,
    String providerItemId,
    String internetMessageId,
    String threadId,
    String subject,
    MailAddress from,
    List<MailAddress> to,
    List<MailAddress> cc,
    List<MailAddress> bcc,
    boolean ownerSent,
    Instant sentAt,
    Instant receivedAt,
    String textBody,
    String htmlBody,
    long size,
    List<MailAttachment> attachments) {

  public MailMessage {
    Objects.requireNonNull(provider, "provider");
    to = to == null ? List.of() : List.copyOf(to);
    cc = cc == null ? List.of() : List.copyOf(cc);
    bcc = bcc == null || !ownerSent ? List.of() : List.copyOf(bcc);
    attachments = attachments == null ? List.of() : List.copyOf(attachments);
    if (isBlank(internetMessageId) && isBlank(providerItemId)) {
      throw new IllegalArgumentException("A message needs a Message-ID or a provider item id");
    }
  }

  /** What makes two copies the same message: the Message-ID, else the provider's item id. */
  public String identity() {
    return isBlank(internetMessageId)
        ? "item:" + provider + ":" + providerItemId
        : "mid:" + internetMessageId.strip();
  }

  /** The same message with its attachments described only (names, types, sizes; no bytes). */
  public MailMessage withAttachmentsDescribed() {
    return withAttachments(attachments.stream().map(MailAttachment::described).toList());
  }

  /** The same message carrying these attachments instead (a rep logs only the ones chosen). */
  public MailMessage withAttachments(List<MailAttachment> chosen) {
    return new MailMessage(
        provider,
        providerItemId,
        internetMessageId,
        threadId,
        subject,
        from,
        to,
        cc,
        bcc,
        ownerSent,
        sentAt,
        receivedAt,
        textBody,
        htmlBody,
        size,
        chosen);
  }

  /** When it happened for a timeline: sent time, else received time. */
  public Instant occurredAt() {
    return sentAt != null ? sentAt : receivedAt != null ? receivedAt : Instant.EPOCH;
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
