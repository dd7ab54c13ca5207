package io.mailbridge.mailbox.ews.control;

import io.mailbridge.mailbox.control.LoggedMark;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.MessageSource;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.mailbox.control.ReadMessage;
import io.mailbridge.mailbox.ews.stubs.AttachmentType;
import io.mailbridge.mailbox.ews.stubs.ExtendedPropertyType;
import io.mailbridge.mailbox.ews.stubs.FileAttachmentType;
import io.mailbridge.mailbox.ews.stubs.ItemAttachmentType;
import io.mailbridge.mailbox.ews.stubs.ItemType;
import io.mailbridge.mailbox.ews.stubs.MimeContentType;
import io.mailbridge.message.MailAttachment;
import io.mailbridge.message.MailMessage;
import io.mailbridge.message.MimeMail;
import io.mailbridge.platform.outbound.control.OutboundFailure;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.problem.InvalidRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exchange on-premises as a {@link MessageSource}: reads emails over EWS with the item's callback
 * token into the normalized model, fetches only the chosen attachments, and calls only endpoints on
 * the org's allow-list. Nothing EWS-specific leaves this package.
 */
@ApplicationScoped
public class ExchangeMailbox implements MessageSource {

  /** The named property that marks an item as logged (the task pane writes it with UpdateItem). */
  public static final String LOGGED_PROPERTY_SET = "c5d3f6a2-8b1e-4f7a-9d20-6e4b1a7c3f58";

  public static final String LOGGED_PROPERTY_NAME = "MailbridgeActivityId";

  @Inject EwsClient ews;
  @Inject ExchangeHosts hosts;
  @Inject OutboundHttp outbound;

  @Override
  public MailboxKind kind() {
    return MailboxKind.EXCHANGE;
  }

  /** The endpoint Outlook named must be on the org's allow-list, before anything else is done. */
  @Override
  public void admit(MailboxAccess mailbox) {
    try {
      outbound.checkDestination(mailbox.endpoint(), hosts.policyFor(mailbox.orgId()));
    } catch (OutboundFailure refused) {
      throw new InvalidRequest(
          "exchange_host_not_allowed",
          refused.getMessage() + "; an admin manages the Exchange allow-list");
    }
  }

  @Override
  public ReadMessage read(MailboxAccess mailbox, String messageId) {
    return read(call(mailbox), messageId);
  }

  @Override
  public List<MailAttachment> open(
      MailboxAccess mailbox, ReadMessage read, List<String> attachmentIds) {
    return download(call(mailbox), attachmentIds);
  }

  /** The task pane writes the property with UpdateItem: the callback token may only read. */
  @Override
  public LoggedMark markLogged(MailboxAccess mailbox, String messageId, String activityId) {
    return new LoggedMark(LOGGED_PROPERTY_SET, LOGGED_PROPERTY_NAME, false);
  }

  @Override
  public String loggedActivity(MailboxAccess mailbox, String messageId) {
    return read(mailbox, messageId).loggedActivityId();
  }

  private EwsCall call(MailboxAccess mailbox) {
    return new EwsCall(mailbox.endpoint(), mailbox.credential(), hosts.policyFor(mailbox.orgId()));
  }

  ReadMessage read(EwsCall call, String itemId) {
    ItemType item =
        ews.getItem(
            call,
            itemId,
            List.of(EwsClient.stringProperty(LOGGED_PROPERTY_SET, LOGGED_PROPERTY_NAME)));
    MimeContentType mime = item.getMimeContent();
    if (mime == null || mime.getValue() == null) {
      throw new ProviderRefused("exchange_error", "Exchange sent the email without its content");
    }
    MailMessage message;
    try {
      byte[] rfc822 = Base64.getMimeDecoder().decode(mime.getValue());
      message =
          MimeMail.read(
              "ews", item.getItemId() == null ? itemId : item.getItemId().getId(), rfc822, false);
    } catch (IllegalArgumentException | MimeMail.UnreadableMessage e) {
      throw new ProviderRefused("exchange_error", "Exchange sent content that is not an email");
    }
    Map<String, MailAttachment> attachments = new LinkedHashMap<>();
    if (item.getAttachments() != null) {
      for (AttachmentType attachment : item.getAttachments().getItemAttachmentOrFileAttachment()) {
        if (attachment.getAttachmentId() == null) {
          continue;
        }
        attachments.put(
            attachment.getAttachmentId().getId(),
            new MailAttachment(
                nameOf(attachment),
                contentTypeOf(attachment),
                attachment.getSize() == null ? -1 : attachment.getSize(),
                () -> {
                  throw new IllegalStateException(
                      "Fetch attachments with ExchangeMailbox.download");
                }));
      }
    }
    // The MIME copy of the attachments is dropped: only the ones the rep chose are fetched.
    return new ReadMessage(message.withAttachments(List.of()), attachments, loggedActivityId(item));
  }

  /** The chosen attachments with their bytes, in one GetAttachment call. */
  List<MailAttachment> download(EwsCall call, List<String> attachmentIds) {
    if (attachmentIds.isEmpty()) {
      return List.of();
    }
    return ews.getAttachments(call, attachmentIds).stream()
        .map(ExchangeMailbox::withBytes)
        .toList();
  }

  private static MailAttachment withBytes(AttachmentType attachment) {
    byte[] content;
    if (attachment instanceof FileAttachmentType file) {
      content = file.getContent() == null ? new byte[0] : file.getContent();
    } else if (attachment instanceof ItemAttachmentType itemAttachment) {
      ItemType item =
          itemAttachment.getMessage() != null
              ? itemAttachment.getMessage()
              : itemAttachment.getItem();
      if (item == null
          || item.getMimeContent() == null
          || item.getMimeContent().getValue() == null) {
        throw new ProviderRefused(
            "exchange_error", "Exchange sent an attached email without content");
      }
      content = Base64.getMimeDecoder().decode(item.getMimeContent().getValue());
    } else {
      throw new ProviderRefused("exchange_error", "Exchange sent an attachment of an unknown kind");
    }
    return new MailAttachment(
        nameOf(attachment),
        contentTypeOf(attachment),
        content.length,
        () -> new ByteArrayInputStream(content));
  }

  /** The item's attachments as GetItem describes them (name, type, size), without their bytes. */
  static List<MailAttachment> described(ItemType item) {
    List<MailAttachment> described = new ArrayList<>();
    if (item.getAttachments() != null) {
      for (AttachmentType attachment : item.getAttachments().getItemAttachmentOrFileAttachment()) {
        described.add(
            new MailAttachment(
                nameOf(attachment),
                contentTypeOf(attachment),
                attachment.getSize() == null ? -1 : attachment.getSize(),
                null));
      }
    }
    return described;
  }

  private static String nameOf(AttachmentType attachment) {
    String name =
        attachment.getName() == null || attachment.getName().isBlank()
            ? "attachment"
            : attachment.getName();
    if (attachment instanceof ItemAttachmentType && !name.toLowerCase().endsWith(".eml")) {
      return name + ".eml";
    }
    return name;
  }

  private static String contentTypeOf(AttachmentType attachment) {
    if (attachment instanceof ItemAttachmentType) {
      return "message/rfc822";
    }
    return attachment.getContentType() == null
        ? "application/octet-stream"
        : attachment.getContentType();
  }

  private static String loggedActivityId(ItemType item) {
    for (ExtendedPropertyType property : item.getExtendedProperty()) {
      if (property.getExtendedFieldURI() != null
          && LOGGED_PROPERTY_NAME.equals(property.getExtendedFieldURI().getPropertyName())
          && LOGGED_PROPERTY_SET.equalsIgnoreCase(
              property.getExtendedFieldURI().getPropertySetId())) {
        return property.getValue();
      }
    }
    return null;
  }
}
