package io.mailbridge.it.exchange;

import io.mailbridge.mailbox.ews.stubs.ArrayOfAttachmentsType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfCreateItemResponseMessagesType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfFindItemResponseMessagesType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfFolderResponseMessagesType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfFoldersType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfRealItemsType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfResponseMessagesType;
import io.mailbridge.mailbox.ews.stubs.AttachmentIdType;
import io.mailbridge.mailbox.ews.stubs.AttachmentInfoResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.AttachmentType;
import io.mailbridge.mailbox.ews.stubs.CreateItemResponseType;
import io.mailbridge.mailbox.ews.stubs.CreateItemType;
import io.mailbridge.mailbox.ews.stubs.DistinguishedFolderIdNameType;
import io.mailbridge.mailbox.ews.stubs.DistinguishedFolderIdType;
import io.mailbridge.mailbox.ews.stubs.ExchangeImpersonationType;
import io.mailbridge.mailbox.ews.stubs.ExchangeServicePortType;
import io.mailbridge.mailbox.ews.stubs.ExtendedPropertyType;
import io.mailbridge.mailbox.ews.stubs.FileAttachmentType;
import io.mailbridge.mailbox.ews.stubs.FindItemParentType;
import io.mailbridge.mailbox.ews.stubs.FindItemResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.FindItemResponseType;
import io.mailbridge.mailbox.ews.stubs.FindItemType;
import io.mailbridge.mailbox.ews.stubs.FolderIdType;
import io.mailbridge.mailbox.ews.stubs.FolderInfoResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.FolderType;
import io.mailbridge.mailbox.ews.stubs.GetAttachmentResponseType;
import io.mailbridge.mailbox.ews.stubs.GetAttachmentType;
import io.mailbridge.mailbox.ews.stubs.GetFolderResponseType;
import io.mailbridge.mailbox.ews.stubs.GetFolderType;
import io.mailbridge.mailbox.ews.stubs.GetItemResponseType;
import io.mailbridge.mailbox.ews.stubs.GetItemType;
import io.mailbridge.mailbox.ews.stubs.ItemAttachmentType;
import io.mailbridge.mailbox.ews.stubs.ItemIdType;
import io.mailbridge.mailbox.ews.stubs.ItemInfoResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.ItemQueryTraversalType;
import io.mailbridge.mailbox.ews.stubs.ItemType;
import io.mailbridge.mailbox.ews.stubs.MessageDispositionType;
import io.mailbridge.mailbox.ews.stubs.MessageType;
import io.mailbridge.mailbox.ews.stubs.MimeContentType;
import io.mailbridge.mailbox.ews.stubs.NonEmptyArrayOfAttachmentsType;
import io.mailbridge.mailbox.ews.stubs.PathToExtendedFieldType;
import io.mailbridge.mailbox.ews.stubs.RequestAttachmentIdType;
import io.mailbridge.mailbox.ews.stubs.RequestServerVersion;
import io.mailbridge.mailbox.ews.stubs.ResponseClassType;
import io.mailbridge.mailbox.ews.stubs.ResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.ServerVersionInfo;
import io.mailbridge.mailbox.ews.stubs.TwoOperandExpressionType;
import io.mailbridge.mailbox.ews.stubs.UnindexedFieldURIType;
import jakarta.jws.WebService;
import jakarta.xml.ws.Holder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/** The fake Exchange's EWS service: the generated interface, answering from its item store. */
@WebService(
    endpointInterface = "io.mailbridge.mailbox.ews.stubs.ExchangeServicePortType",
    serviceName = "ExchangeServices",
    portName = "ExchangeServicePort",
    targetNamespace = "http://schemas.microsoft.com/exchange/services/2006/messages",
    wsdlLocation = "META-INF/wsdl/ews/Services.wsdl")
public class FakeEwsService implements ExchangeServicePortType {

  private final FakeExchange exchange;

  public FakeEwsService(FakeExchange exchange) {
    this.exchange = exchange;
  }

  @Override
  public void getItem(
      GetItemType request,
      ExchangeImpersonationType impersonation,
      RequestServerVersion requestVersion,
      Holder<GetItemResponseType> result,
      Holder<ServerVersionInfo> serverVersion) {
    serverVersion.value = version();
    ItemInfoResponseMessageType message = new ItemInfoResponseMessageType();
    String id = request.getItemIds().getItemId().get(0).getId();
    FakeExchange.FakeItem item = exchange.items.get(id);
    if (item == null) {
      error(message, "ErrorItemNotFound", "The specified object was not found in the store.");
    } else {
      message.setResponseClass(ResponseClassType.SUCCESS);
      message.setResponseCode("NoError");
      MessageType found = new MessageType();
      MimeContentType mime = new MimeContentType();
      mime.setCharacterSet("UTF-8");
      mime.setValue(Base64.getEncoder().encodeToString(item.mime()));
      found.setMimeContent(mime);
      ItemIdType itemId = new ItemIdType();
      itemId.setId(item.id());
      itemId.setChangeKey("CK" + item.id().length());
      found.setItemId(itemId);
      found.setSubject(item.subject());
      if (!item.attachments().isEmpty()) {
        NonEmptyArrayOfAttachmentsType attachments = new NonEmptyArrayOfAttachmentsType();
        for (FakeExchange.FakeAttachment attachment : item.attachments()) {
          AttachmentType summary =
              attachment.item() ? new ItemAttachmentType() : new FileAttachmentType();
          describe(summary, attachment);
          attachments.getItemAttachmentOrFileAttachment().add(summary);
        }
        found.setAttachments(attachments);
      }
      item.extendedProperties()
          .forEach(
              (name, value) -> {
                ExtendedPropertyType property = new ExtendedPropertyType();
                PathToExtendedFieldType uri = new PathToExtendedFieldType();
                uri.setPropertySetId(FakeExchange.LOGGED_PROPERTY_SET);
                uri.setPropertyName(name);
                uri.setPropertyType(io.mailbridge.mailbox.ews.stubs.MapiPropertyTypeType.STRING);
                property.setExtendedFieldURI(uri);
                property.setValue(value);
                found.getExtendedProperty().add(property);
              });
      ArrayOfRealItemsType items = new ArrayOfRealItemsType();
      items.getItemOrMessage().add(found);
      message.setItems(items);
    }
    GetItemResponseType response = new GetItemResponseType();
    response.setResponseMessages(new ArrayOfResponseMessagesType());
    response
        .getResponseMessages()
        .getGetItemResponseMessageOrGetAttachmentResponseMessage()
        .add(message);
    result.value = response;
  }

  @Override
  public void getAttachment(
      GetAttachmentType request,
      ExchangeImpersonationType impersonation,
      RequestServerVersion requestVersion,
      Holder<GetAttachmentResponseType> result,
      Holder<ServerVersionInfo> serverVersion) {
    serverVersion.value = version();
    GetAttachmentResponseType response = new GetAttachmentResponseType();
    response.setResponseMessages(new ArrayOfResponseMessagesType());
    for (RequestAttachmentIdType id : request.getAttachmentIds().getAttachmentId()) {
      AttachmentInfoResponseMessageType message = new AttachmentInfoResponseMessageType();
      FakeExchange.FakeAttachment attachment = exchange.attachment(id.getId());
      if (attachment == null) {
        error(message, "ErrorItemNotFound", "The specified object was not found in the store.");
      } else {
        message.setResponseClass(ResponseClassType.SUCCESS);
        message.setResponseCode("NoError");
        AttachmentType full;
        if (attachment.item()) {
          ItemAttachmentType itemAttachment = new ItemAttachmentType();
          MessageType attached = new MessageType();
          MimeContentType mime = new MimeContentType();
          mime.setValue(Base64.getEncoder().encodeToString(attachment.content()));
          attached.setMimeContent(mime);
          itemAttachment.setMessage(attached);
          full = itemAttachment;
        } else {
          FileAttachmentType file = new FileAttachmentType();
          file.setContent(attachment.content());
          full = file;
        }
        describe(full, attachment);
        message.setAttachments(new ArrayOfAttachmentsType());
        message.getAttachments().getItemAttachmentOrFileAttachment().add(full);
      }
      response
          .getResponseMessages()
          .getGetItemResponseMessageOrGetAttachmentResponseMessage()
          .add(message);
    }
    result.value = response;
  }

  /**
   * GetFolder of the Inbox. An impersonated request must carry {@code X-AnchorMailbox} with the
   * same address as its {@code ExchangeImpersonation} header (Exchange routes by it), and the
   * address must be one the service account may impersonate.
   */
  @Override
  public void getFolder(
      GetFolderType request,
      ExchangeImpersonationType impersonation,
      RequestServerVersion requestVersion,
      Holder<GetFolderResponseType> result,
      Holder<ServerVersionInfo> serverVersion) {
    serverVersion.value = version();
    FolderInfoResponseMessageType message = new FolderInfoResponseMessageType();
    String impersonated =
        impersonation == null ? null : impersonation.getConnectingSID().getPrimarySmtpAddress();
    FakeExchange.Received current = FakeExchange.CURRENT.get();
    boolean inbox =
        request.getFolderIds().getFolderIdOrDistinguishedFolderId().get(0)
                instanceof DistinguishedFolderIdType id
            && id.getId() == DistinguishedFolderIdNameType.INBOX;
    if (requestVersion == null || !inbox) {
      error(message, "ErrorSchemaValidation", "The request failed schema validation.");
    } else if (impersonated != null
        && (current == null || !impersonated.equals(current.anchorMailbox()))) {
      error(
          message,
          "ErrorImpersonationFailed",
          "X-AnchorMailbox does not name the impersonated mailbox.");
    } else if (impersonated != null && !exchange.impersonable.contains(impersonated)) {
      error(
          message,
          "ErrorImpersonateUserDenied",
          "The account does not have permission to impersonate the requested user.");
    } else {
      message.setResponseClass(ResponseClassType.SUCCESS);
      message.setResponseCode("NoError");
      FolderType folder = new FolderType();
      FolderIdType folderId = new FolderIdType();
      folderId.setId("inbox-" + (impersonated == null ? "service" : impersonated));
      folder.setFolderId(folderId);
      folder.setDisplayName("Inbox");
      folder.setTotalCount(exchange.items.size());
      folder.setChildFolderCount(0);
      folder.setUnreadCount(0);
      message.setFolders(new ArrayOfFoldersType());
      message.getFolders().getFolder().add(folder);
    }
    GetFolderResponseType response = new GetFolderResponseType();
    response.setResponseMessages(new ArrayOfFolderResponseMessagesType());
    response.getResponseMessages().getGetFolderResponseMessage().add(message);
    result.value = response;
  }

  /**
   * CreateItem as Exchange sends a message: {@code MessageDisposition="SendAndSaveCopy"} with the
   * message as {@code MimeContent}, a copy kept in the impersonated mailbox's Sent Items (or the
   * folder {@code SavedItemFolderId} names, which must be sentitems here); no item id comes back.
   * Exchange sends as the mailbox the request acts as: a From of someone else is {@code
   * ErrorSendAsDenied}.
   */
  @Override
  public void createItem(
      CreateItemType request,
      ExchangeImpersonationType impersonation,
      RequestServerVersion requestVersion,
      Holder<CreateItemResponseType> result,
      Holder<ServerVersionInfo> serverVersion) {
    serverVersion.value = version();
    ItemInfoResponseMessageType message = new ItemInfoResponseMessageType();
    String mailbox = impersonationProblem(message, impersonation, requestVersion);
    List<ItemType> items =
        request.getItems() == null ? List.of() : request.getItems().getItemOrMessage();
    if (mailbox == null) {
      // refused above
    } else if (request.getMessageDisposition() != MessageDispositionType.SEND_AND_SAVE_COPY
        || items.size() != 1
        || items.get(0).getMimeContent() == null
        || request.getSavedItemFolderId() == null
        || request.getSavedItemFolderId().getDistinguishedFolderId() == null
        || request.getSavedItemFolderId().getDistinguishedFolderId().getId()
            != DistinguishedFolderIdNameType.SENTITEMS) {
      error(
          message,
          "ErrorInvalidRequest",
          "This fake sends only SendAndSaveCopy MIME to sentitems.");
    } else {
      byte[] mime;
      try {
        mime = Base64.getMimeDecoder().decode(items.get(0).getMimeContent().getValue());
      } catch (IllegalArgumentException e) {
        mime = null;
      }
      String from = mime == null ? null : address(header(mime, "From"));
      String messageId = mime == null ? null : header(mime, "Message-ID");
      if (mime == null || messageId == null) {
        error(message, "ErrorMimeContentConversionFailed", "The MIME content is not valid.");
      } else if (from != null && !from.equalsIgnoreCase(mailbox)) {
        error(
            message,
            "ErrorSendAsDenied",
            "The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account.");
      } else {
        exchange.sent.add(new FakeExchange.SentMessage(mailbox, messageId.strip(), mime));
        if (exchange.createItemAnswersLost.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          // Sent, but the connection drops before the answer: the client sees a failure.
          throw new IllegalStateException("connection lost after the message was sent");
        }
        message.setResponseClass(ResponseClassType.SUCCESS);
        message.setResponseCode("NoError");
        message.setItems(new ArrayOfRealItemsType());
      }
    }
    CreateItemResponseType response = new CreateItemResponseType();
    response.setResponseMessages(new ArrayOfCreateItemResponseMessagesType());
    response.getResponseMessages().getCreateItemResponseMessage().add(message);
    result.value = response;
  }

  /**
   * FindItem in the impersonated mailbox's Sent Items with a restriction {@code IsEqualTo} on
   * {@code message:InternetMessageId}: the matching messages, ids only.
   */
  @Override
  public void findItem(
      FindItemType request,
      ExchangeImpersonationType impersonation,
      RequestServerVersion requestVersion,
      Holder<FindItemResponseType> result,
      Holder<ServerVersionInfo> serverVersion) {
    serverVersion.value = version();
    FindItemResponseMessageType message = new FindItemResponseMessageType();
    String mailbox = impersonationProblem(message, impersonation, requestVersion);
    TwoOperandExpressionType equal =
        request.getRestriction() == null ? null : request.getRestriction().getIsEqualTo();
    boolean sentItems =
        request.getParentFolderIds() != null
            && request.getParentFolderIds().getFolderIdOrDistinguishedFolderId().size() == 1
            && request.getParentFolderIds().getFolderIdOrDistinguishedFolderId().get(0)
                instanceof DistinguishedFolderIdType id
            && id.getId() == DistinguishedFolderIdNameType.SENTITEMS;
    if (mailbox == null) {
      // refused above
    } else if (request.getTraversal() != ItemQueryTraversalType.SHALLOW
        || request.getItemShape() == null
        || !sentItems
        || equal == null
        || equal.getFieldURI() == null
        || equal.getFieldURI().getFieldURI() != UnindexedFieldURIType.MESSAGE_INTERNET_MESSAGE_ID
        || equal.getFieldURIOrConstant() == null
        || equal.getFieldURIOrConstant().getConstant() == null) {
      error(
          message, "ErrorInvalidRequest", "This fake finds sent items by InternetMessageId only.");
    } else {
      String wanted = equal.getFieldURIOrConstant().getConstant().getValue();
      List<FakeExchange.SentMessage> found =
          exchange.sent.stream()
              .filter(m -> m.mailbox().equalsIgnoreCase(mailbox))
              .filter(m -> m.internetMessageId().equals(wanted))
              .toList();
      message.setResponseClass(ResponseClassType.SUCCESS);
      message.setResponseCode("NoError");
      FindItemParentType root = new FindItemParentType();
      root.setTotalItemsInView(found.size());
      root.setIncludesLastItemInRange(true);
      root.setIndexedPagingOffset(found.size());
      ArrayOfRealItemsType items = new ArrayOfRealItemsType();
      for (FakeExchange.SentMessage m : found) {
        MessageType item = new MessageType();
        ItemIdType itemId = new ItemIdType();
        itemId.setId("sent-" + Integer.toHexString(m.internetMessageId().hashCode()));
        itemId.setChangeKey("CQAAAA==");
        item.setItemId(itemId);
        items.getItemOrMessage().add(item);
      }
      root.setItems(items);
      message.setRootFolder(root);
    }
    FindItemResponseType response = new FindItemResponseType();
    response.setResponseMessages(new ArrayOfFindItemResponseMessagesType());
    response.getResponseMessages().getFindItemResponseMessage().add(message);
    result.value = response;
  }

  /**
   * The impersonated mailbox, or null after writing the error Exchange gives: impersonation is
   * required here (the fake has no mailbox of the service account), X-AnchorMailbox must name the
   * same address, and the account must be allowed to impersonate it.
   */
  private String impersonationProblem(
      ResponseMessageType message,
      ExchangeImpersonationType impersonation,
      RequestServerVersion requestVersion) {
    String impersonated =
        impersonation == null ? null : impersonation.getConnectingSID().getPrimarySmtpAddress();
    FakeExchange.Received current = FakeExchange.CURRENT.get();
    if (requestVersion == null) {
      error(message, "ErrorSchemaValidation", "The request failed schema validation.");
    } else if (impersonated == null) {
      error(message, "ErrorMissingEmailAddress", "The service account has no mailbox here.");
    } else if (current == null || !impersonated.equals(current.anchorMailbox())) {
      error(
          message,
          "ErrorImpersonationFailed",
          "X-AnchorMailbox does not name the impersonated mailbox.");
    } else if (!exchange.impersonable.contains(impersonated)) {
      error(
          message,
          "ErrorImpersonateUserDenied",
          "The account does not have permission to impersonate the requested user.");
    } else {
      return impersonated;
    }
    return null;
  }

  /** The value of the first header of this name (unfolded), or null. */
  private static String header(byte[] mime, String name) {
    String text = new String(mime, StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    String head = (end < 0 ? text : text.substring(0, end)).replaceAll("\r\n[ \t]+", " ");
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }

  private static String address(String header) {
    if (header == null) {
      return null;
    }
    int open = header.lastIndexOf('<');
    int close = header.lastIndexOf('>');
    String address = open >= 0 && close > open ? header.substring(open + 1, close) : header;
    return address.trim().toLowerCase(Locale.ROOT);
  }

  private static void describe(AttachmentType summary, FakeExchange.FakeAttachment attachment) {
    AttachmentIdType attachmentId = new AttachmentIdType();
    attachmentId.setId(attachment.id());
    summary.setAttachmentId(attachmentId);
    summary.setName(attachment.name());
    if (!attachment.item()) {
      summary.setContentType(attachment.contentType());
    }
    summary.setSize(attachment.declaredSize());
    summary.setIsInline(false);
  }

  private static void error(ResponseMessageType message, String code, String text) {
    message.setResponseClass(ResponseClassType.ERROR);
    message.setMessageText(text);
    message.setResponseCode(code);
    message.setDescriptiveLinkKey(0);
  }

  private static ServerVersionInfo version() {
    ServerVersionInfo version = new ServerVersionInfo();
    version.setMajorVersion(15);
    version.setMinorVersion(2);
    version.setMajorBuildNumber(1544);
    version.setMinorBuildNumber(4);
    version.setVersion("V2017_07_11");
    return version;
  }
}
