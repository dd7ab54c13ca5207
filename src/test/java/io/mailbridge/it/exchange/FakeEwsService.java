package io.mailbridge.it.exchange;

import io.mailbridge.mailbox.ews.stubs.ArrayOfAttachmentsType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfFolderResponseMessagesType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfFoldersType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfRealItemsType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfResponseMessagesType;
import io.mailbridge.mailbox.ews.stubs.AttachmentIdType;
import io.mailbridge.mailbox.ews.stubs.AttachmentInfoResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.AttachmentType;
import io.mailbridge.mailbox.ews.stubs.DistinguishedFolderIdNameType;
import io.mailbridge.mailbox.ews.stubs.DistinguishedFolderIdType;
import io.mailbridge.mailbox.ews.stubs.ExchangeImpersonationType;
import io.mailbridge.mailbox.ews.stubs.ExchangeServicePortType;
import io.mailbridge.mailbox.ews.stubs.ExtendedPropertyType;
import io.mailbridge.mailbox.ews.stubs.FileAttachmentType;
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
import io.mailbridge.mailbox.ews.stubs.MessageType;
import io.mailbridge.mailbox.ews.stubs.MimeContentType;
import io.mailbridge.mailbox.ews.stubs.NonEmptyArrayOfAttachmentsType;
import io.mailbridge.mailbox.ews.stubs.PathToExtendedFieldType;
import io.mailbridge.mailbox.ews.stubs.RequestAttachmentIdType;
import io.mailbridge.mailbox.ews.stubs.RequestServerVersion;
import io.mailbridge.mailbox.ews.stubs.ResponseClassType;
import io.mailbridge.mailbox.ews.stubs.ResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.ServerVersionInfo;
import jakarta.jws.WebService;
import jakarta.xml.ws.Holder;
import java.util.Base64;

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
