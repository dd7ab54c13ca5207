package io.mailbridge.it.exchange;

import io.mailbridge.mailbox.ews.stubs.ArrayOfAttachmentsType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfCalendarEvent;
import io.mailbridge.mailbox.ews.stubs.ArrayOfContactsFoldersType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfCreateFolderResponseMessagesType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfCreateItemResponseMessagesType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfDeleteItemResponseMessagesType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfFindFolderResponseMessagesType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfFindItemResponseMessagesType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfFolderResponseMessagesType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfFoldersType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfFreeBusyResponse;
import io.mailbridge.mailbox.ews.stubs.ArrayOfGetEventsResponseMessagesType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfRealItemsType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfRecipientsType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfResponseMessagesType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfSubscribeResponseMessagesType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfSyncFolderItemsResponseMessagesType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfUnsubscribeResponseMessagesType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfUpdateItemResponseMessagesType;
import io.mailbridge.mailbox.ews.stubs.AttachmentIdType;
import io.mailbridge.mailbox.ews.stubs.AttachmentInfoResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.AttachmentType;
import io.mailbridge.mailbox.ews.stubs.BaseItemIdType;
import io.mailbridge.mailbox.ews.stubs.BaseNotificationEventType;
import io.mailbridge.mailbox.ews.stubs.BaseObjectChangedEventType;
import io.mailbridge.mailbox.ews.stubs.CalendarEvent;
import io.mailbridge.mailbox.ews.stubs.CalendarItemType;
import io.mailbridge.mailbox.ews.stubs.ConflictResolutionType;
import io.mailbridge.mailbox.ews.stubs.ConflictResultsType;
import io.mailbridge.mailbox.ews.stubs.ContactItemType;
import io.mailbridge.mailbox.ews.stubs.ContactsFolderInfoResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.ContactsFolderType;
import io.mailbridge.mailbox.ews.stubs.CreateFolderResponseType;
import io.mailbridge.mailbox.ews.stubs.CreateFolderType;
import io.mailbridge.mailbox.ews.stubs.CreateItemResponseType;
import io.mailbridge.mailbox.ews.stubs.CreateItemType;
import io.mailbridge.mailbox.ews.stubs.DeleteItemFieldType;
import io.mailbridge.mailbox.ews.stubs.DeleteItemResponseType;
import io.mailbridge.mailbox.ews.stubs.DeleteItemType;
import io.mailbridge.mailbox.ews.stubs.DeletedOccurrenceInfoType;
import io.mailbridge.mailbox.ews.stubs.DistinguishedFolderIdNameType;
import io.mailbridge.mailbox.ews.stubs.DistinguishedFolderIdType;
import io.mailbridge.mailbox.ews.stubs.EmailAddressDictionaryEntryType;
import io.mailbridge.mailbox.ews.stubs.EmailAddressDictionaryType;
import io.mailbridge.mailbox.ews.stubs.EmailAddressKeyType;
import io.mailbridge.mailbox.ews.stubs.EmailAddressType;
import io.mailbridge.mailbox.ews.stubs.ExchangeImpersonationType;
import io.mailbridge.mailbox.ews.stubs.ExchangeServicePortType;
import io.mailbridge.mailbox.ews.stubs.ExtendedPropertyType;
import io.mailbridge.mailbox.ews.stubs.FileAttachmentType;
import io.mailbridge.mailbox.ews.stubs.FindFolderParentType;
import io.mailbridge.mailbox.ews.stubs.FindFolderResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.FindFolderResponseType;
import io.mailbridge.mailbox.ews.stubs.FindFolderType;
import io.mailbridge.mailbox.ews.stubs.FindItemParentType;
import io.mailbridge.mailbox.ews.stubs.FindItemResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.FindItemResponseType;
import io.mailbridge.mailbox.ews.stubs.FindItemType;
import io.mailbridge.mailbox.ews.stubs.FolderIdType;
import io.mailbridge.mailbox.ews.stubs.FolderInfoResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.FolderQueryTraversalType;
import io.mailbridge.mailbox.ews.stubs.FolderType;
import io.mailbridge.mailbox.ews.stubs.FreeBusyResponseType;
import io.mailbridge.mailbox.ews.stubs.FreeBusyView;
import io.mailbridge.mailbox.ews.stubs.FreeBusyViewOptionsType;
import io.mailbridge.mailbox.ews.stubs.GetAttachmentResponseType;
import io.mailbridge.mailbox.ews.stubs.GetAttachmentType;
import io.mailbridge.mailbox.ews.stubs.GetEventsResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.GetEventsResponseType;
import io.mailbridge.mailbox.ews.stubs.GetEventsType;
import io.mailbridge.mailbox.ews.stubs.GetFolderResponseType;
import io.mailbridge.mailbox.ews.stubs.GetFolderType;
import io.mailbridge.mailbox.ews.stubs.GetItemResponseType;
import io.mailbridge.mailbox.ews.stubs.GetItemType;
import io.mailbridge.mailbox.ews.stubs.GetUserAvailabilityRequestType;
import io.mailbridge.mailbox.ews.stubs.GetUserAvailabilityResponseType;
import io.mailbridge.mailbox.ews.stubs.ItemAttachmentType;
import io.mailbridge.mailbox.ews.stubs.ItemChangeType;
import io.mailbridge.mailbox.ews.stubs.ItemIdType;
import io.mailbridge.mailbox.ews.stubs.ItemInfoResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.ItemQueryTraversalType;
import io.mailbridge.mailbox.ews.stubs.ItemResponseShapeType;
import io.mailbridge.mailbox.ews.stubs.ItemType;
import io.mailbridge.mailbox.ews.stubs.LegacyFreeBusyType;
import io.mailbridge.mailbox.ews.stubs.MailboxData;
import io.mailbridge.mailbox.ews.stubs.MessageDispositionType;
import io.mailbridge.mailbox.ews.stubs.MessageType;
import io.mailbridge.mailbox.ews.stubs.MimeContentType;
import io.mailbridge.mailbox.ews.stubs.NonEmptyArrayOfAttachmentsType;
import io.mailbridge.mailbox.ews.stubs.NonEmptyArrayOfAttendeesType;
import io.mailbridge.mailbox.ews.stubs.NonEmptyArrayOfBaseFolderIdsType;
import io.mailbridge.mailbox.ews.stubs.NonEmptyArrayOfDeletedOccurrencesType;
import io.mailbridge.mailbox.ews.stubs.NonEmptyArrayOfOccurrenceInfoType;
import io.mailbridge.mailbox.ews.stubs.NonEmptyArrayOfPathsToElementType;
import io.mailbridge.mailbox.ews.stubs.NotificationType;
import io.mailbridge.mailbox.ews.stubs.ObjectFactory;
import io.mailbridge.mailbox.ews.stubs.OccurrenceInfoType;
import io.mailbridge.mailbox.ews.stubs.OccurrenceItemIdType;
import io.mailbridge.mailbox.ews.stubs.PathToExtendedFieldType;
import io.mailbridge.mailbox.ews.stubs.PathToIndexedFieldType;
import io.mailbridge.mailbox.ews.stubs.PathToUnindexedFieldType;
import io.mailbridge.mailbox.ews.stubs.PhoneNumberDictionaryEntryType;
import io.mailbridge.mailbox.ews.stubs.PhoneNumberDictionaryType;
import io.mailbridge.mailbox.ews.stubs.RequestAttachmentIdType;
import io.mailbridge.mailbox.ews.stubs.RequestServerVersion;
import io.mailbridge.mailbox.ews.stubs.ResponseClassType;
import io.mailbridge.mailbox.ews.stubs.ResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.SensitivityChoicesType;
import io.mailbridge.mailbox.ews.stubs.SerializableTimeZone;
import io.mailbridge.mailbox.ews.stubs.ServerVersionInfo;
import io.mailbridge.mailbox.ews.stubs.SetItemFieldType;
import io.mailbridge.mailbox.ews.stubs.SingleRecipientType;
import io.mailbridge.mailbox.ews.stubs.SubscribeResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.SubscribeResponseType;
import io.mailbridge.mailbox.ews.stubs.SubscribeType;
import io.mailbridge.mailbox.ews.stubs.SyncFolderItemsChangesType;
import io.mailbridge.mailbox.ews.stubs.SyncFolderItemsCreateOrUpdateType;
import io.mailbridge.mailbox.ews.stubs.SyncFolderItemsDeleteType;
import io.mailbridge.mailbox.ews.stubs.SyncFolderItemsResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.SyncFolderItemsResponseType;
import io.mailbridge.mailbox.ews.stubs.SyncFolderItemsType;
import io.mailbridge.mailbox.ews.stubs.TwoOperandExpressionType;
import io.mailbridge.mailbox.ews.stubs.UnindexedFieldURIType;
import io.mailbridge.mailbox.ews.stubs.UnsubscribeResponseType;
import io.mailbridge.mailbox.ews.stubs.UnsubscribeType;
import io.mailbridge.mailbox.ews.stubs.UpdateItemResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.UpdateItemResponseType;
import io.mailbridge.mailbox.ews.stubs.UpdateItemType;
import jakarta.jws.WebService;
import jakarta.xml.soap.Detail;
import jakarta.xml.soap.SOAPException;
import jakarta.xml.soap.SOAPFactory;
import jakarta.xml.soap.SOAPFault;
import jakarta.xml.ws.Holder;
import jakarta.xml.ws.soap.SOAPFaultException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;
import javax.xml.datatype.DatatypeConfigurationException;
import javax.xml.datatype.DatatypeConstants;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.datatype.XMLGregorianCalendar;
import javax.xml.namespace.QName;

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

  /**
   * GetItem of one or more items, one response message each. An email of an impersonated mailbox
   * ({@link FakeExchange#deliver}) is found only by a request impersonating that mailbox with the
   * same {@code X-AnchorMailbox}, and answers with its properties; MIME only when asked.
   */
  @Override
  public void getItem(
      GetItemType request,
      ExchangeImpersonationType impersonation,
      RequestServerVersion requestVersion,
      Holder<GetItemResponseType> result,
      Holder<ServerVersionInfo> serverVersion) {
    serverVersion.value = version();
    GetItemResponseType response = new GetItemResponseType();
    response.setResponseMessages(new ArrayOfResponseMessagesType());
    ItemResponseShapeType shape = request.getItemShape();
    boolean withMime = Boolean.TRUE.equals(shape.isIncludeMimeContent());
    for (BaseItemIdType asked : request.getItemIds().getItemIdOrOccurrenceItemId()) {
      ItemInfoResponseMessageType message = new ItemInfoResponseMessageType();
      if (asked instanceof OccurrenceItemIdType occurrence) {
        getOccurrence(message, impersonation, occurrence, shape);
        response
            .getResponseMessages()
            .getGetItemResponseMessageOrGetAttachmentResponseMessage()
            .add(message);
        continue;
      }
      ItemIdType requested = (ItemIdType) asked;
      String id = requested.getId();
      FakeCalendar.Item storedEvent = exchange.calendar.items.get(id);
      if (storedEvent != null) {
        getCalendarItem(message, impersonation, storedEvent, shape);
        response
            .getResponseMessages()
            .getGetItemResponseMessageOrGetAttachmentResponseMessage()
            .add(message);
        continue;
      }
      FakeContacts.Contact storedContact = exchange.contacts.contacts.get(id);
      if (storedContact != null) {
        getContact(message, impersonation, storedContact, shape);
        response
            .getResponseMessages()
            .getGetItemResponseMessageOrGetAttachmentResponseMessage()
            .add(message);
        continue;
      }
      FakeExchange.FakeItem item = exchange.items.get(id);
      FakeExchange.MailDetails details = exchange.details.get(id);
      String refused =
          details == null ? null : impersonationProblem(impersonation, details.mailbox());
      if (item == null || "ErrorItemNotFound".equals(refused)) {
        error(message, "ErrorItemNotFound", "The specified object was not found in the store.");
      } else if (refused != null) {
        error(message, refused, "The impersonation or X-AnchorMailbox header is wrong.");
      } else {
        message.setResponseClass(ResponseClassType.SUCCESS);
        message.setResponseCode("NoError");
        MessageType found = new MessageType();
        if (withMime || details == null) {
          MimeContentType mime = new MimeContentType();
          mime.setCharacterSet("UTF-8");
          mime.setValue(Base64.getEncoder().encodeToString(item.mime()));
          found.setMimeContent(mime);
        }
        ItemIdType itemId = new ItemIdType();
        itemId.setId(item.id());
        itemId.setChangeKey("CK" + item.id().length());
        found.setItemId(itemId);
        found.setSubject(item.subject());
        if (details != null) {
          describe(found, details);
        }
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
        items.getItemOrMessageOrCalendarItem().add(found);
        message.setItems(items);
      }
      response
          .getResponseMessages()
          .getGetItemResponseMessageOrGetAttachmentResponseMessage()
          .add(message);
    }
    result.value = response;
  }

  /**
   * SyncFolderItems of an impersonated mailbox's folder: the creations after the sync state, at
   * most {@code MaxChangesReturned} and {@link FakeExchange#maxChangesPerCall}; a state of an
   * earlier generation ({@link FakeExchange#forgetSyncStates}) or not ours is
   * ErrorInvalidSyncStateData.
   */
  @Override
  public void syncFolderItems(
      SyncFolderItemsType request,
      ExchangeImpersonationType impersonation,
      RequestServerVersion requestVersion,
      Holder<SyncFolderItemsResponseType> result,
      Holder<ServerVersionInfo> serverVersion) {
    serverVersion.value = version();
    SyncFolderItemsResponseMessageType message = new SyncFolderItemsResponseMessageType();
    boolean calendar =
        request.getSyncFolderId().getDistinguishedFolderId() != null
            && request.getSyncFolderId().getDistinguishedFolderId().getId()
                == DistinguishedFolderIdNameType.CALENDAR;
    if (request.getSyncFolderId().getFolderId() != null || calendar) {
      if (calendar) {
        syncCalendar(message, request, impersonation, requestVersion);
      } else {
        syncContacts(message, request, impersonation, requestVersion);
      }
      SyncFolderItemsResponseType response = new SyncFolderItemsResponseType();
      response.setResponseMessages(new ArrayOfSyncFolderItemsResponseMessagesType());
      response.getResponseMessages().getSyncFolderItemsResponseMessage().add(message);
      result.value = response;
      return;
    }
    String impersonated =
        impersonation == null ? null : impersonation.getConnectingSID().getPrimarySmtpAddress();
    String refused = impersonationProblem(impersonation, impersonated);
    int max = request.getMaxChangesReturned();
    if (requestVersion == null
        || max < 1
        || max > 512
        || request.getSyncFolderId().getDistinguishedFolderId() == null) {
      error(message, "ErrorSchemaValidation", "The request failed schema validation.");
    } else if (refused != null) {
      error(message, refused, "The impersonation or X-AnchorMailbox header is wrong.");
    } else {
      FakeExchange.FakeMailbox mailbox =
          exchange.mailboxes.computeIfAbsent(impersonated, m -> new FakeExchange.FakeMailbox());
      String folder = request.getSyncFolderId().getDistinguishedFolderId().getId().value();
      Integer from = position(request.getSyncState(), mailbox.generation, folder);
      if (from == null) {
        error(
            message,
            "ErrorInvalidSyncStateData",
            "Synchronization state data is corrupt or otherwise invalid.");
        message.setIncludesLastItemInRange(true);
      } else {
        List<String> created = mailbox.created.getOrDefault(folder, List.of());
        int to = Math.min(created.size(), from + Math.min(max, exchange.maxChangesPerCall));
        SyncFolderItemsChangesType changes = new SyncFolderItemsChangesType();
        ObjectFactory factory = new ObjectFactory();
        for (String id : created.subList(from, to)) {
          MessageType summary = new MessageType();
          ItemIdType itemId = new ItemIdType();
          itemId.setId(id);
          itemId.setChangeKey("CK" + id.length());
          summary.setItemId(itemId);
          summary.setDateTimeReceived(time(exchange.details.get(id).received()));
          SyncFolderItemsCreateOrUpdateType create = new SyncFolderItemsCreateOrUpdateType();
          create.setMessage(summary);
          changes
              .getCreateOrUpdateOrDelete()
              .add(factory.createSyncFolderItemsChangesTypeCreate(create));
        }
        message.setResponseClass(ResponseClassType.SUCCESS);
        message.setResponseCode("NoError");
        message.setSyncState(state(mailbox.generation, folder, to));
        message.setIncludesLastItemInRange(to == created.size());
        message.setChanges(changes);
      }
    }
    SyncFolderItemsResponseType response = new SyncFolderItemsResponseType();
    response.setResponseMessages(new ArrayOfSyncFolderItemsResponseMessagesType());
    response.getResponseMessages().getSyncFolderItemsResponseMessage().add(message);
    result.value = response;
  }

  /**
   * Null when the request impersonates {@code mailbox} and anchors to it; otherwise the error code
   * Exchange answers with (and the problem is recorded for the test to see).
   */
  private String impersonationProblem(ExchangeImpersonationType impersonation, String mailbox) {
    String impersonated =
        impersonation == null ? null : impersonation.getConnectingSID().getPrimarySmtpAddress();
    FakeExchange.Received current = FakeExchange.CURRENT.get();
    String anchor = current == null ? null : current.anchorMailbox();
    if (impersonated == null) {
      exchange.anchorProblems.add("no ExchangeImpersonation (X-AnchorMailbox " + anchor + ")");
      return "ErrorItemNotFound"; // the service account's own mailbox holds none of these
    }
    if (!impersonated.equals(anchor)) {
      exchange.anchorProblems.add("impersonating " + impersonated + " anchored to " + anchor);
      return "ErrorImpersonationFailed";
    }
    if (!exchange.impersonable.contains(impersonated)) {
      return "ErrorImpersonateUserDenied";
    }
    return mailbox == null || mailbox.equals(impersonated) ? null : "ErrorItemNotFound";
  }

  private static String state(int generation, String folder, int index) {
    return Base64.getEncoder()
        .encodeToString(
            ("fake-sync|" + generation + "|" + folder + "|" + index)
                .getBytes(StandardCharsets.UTF_8));
  }

  /** Where a sync state points, 0 without one; null when it is not valid now. */
  private static Integer position(String syncState, int generation, String folder) {
    if (syncState == null) {
      return 0;
    }
    try {
      String[] parts =
          new String(Base64.getDecoder().decode(syncState.strip()), StandardCharsets.UTF_8)
              .split("\\|");
      if (parts.length != 4
          || !parts[0].equals("fake-sync")
          || Integer.parseInt(parts[1]) != generation
          || !parts[2].equals(folder)) {
        return null;
      }
      return Integer.parseInt(parts[3]);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static void describe(MessageType found, FakeExchange.MailDetails details) {
    found.setItemClass("IPM.Note");
    if (details.sensitivity() != null) {
      found.setSensitivity(SensitivityChoicesType.fromValue(details.sensitivity()));
    }
    found.setDateTimeReceived(time(details.received()));
    found.setDateTimeSent(time(details.received()));
    found.setIsDraft(false);
    found.setFrom(new SingleRecipientType());
    found.getFrom().setMailbox(smtp(details.from()));
    found.setToRecipients(new ArrayOfRecipientsType());
    details.to().forEach(a -> found.getToRecipients().getMailbox().add(smtp(a)));
    found.setInternetMessageId(details.internetMessageId());
  }

  private static EmailAddressType smtp(String address) {
    EmailAddressType mailbox = new EmailAddressType();
    mailbox.setEmailAddress(address);
    mailbox.setRoutingType("SMTP");
    mailbox.setMailboxType(io.mailbridge.mailbox.ews.stubs.MailboxTypeType.ONE_OFF);
    return mailbox;
  }

  private static XMLGregorianCalendar time(Instant instant) {
    GregorianCalendar calendar = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
    calendar.setTimeInMillis(instant.toEpochMilli());
    try {
      return DatatypeFactory.newInstance().newXMLGregorianCalendar(calendar);
    } catch (DatatypeConfigurationException e) {
      throw new IllegalStateException(e);
    }
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
        request.getItems() == null
            ? List.of()
            : request.getItems().getItemOrMessageOrCalendarItem();
    if (mailbox != null
        && !items.isEmpty()
        && items.stream().allMatch(ContactItemType.class::isInstance)) {
      // Exchange answers a CreateItem of several items with one response message per item.
      CreateItemResponseType response = new CreateItemResponseType();
      response.setResponseMessages(new ArrayOfCreateItemResponseMessagesType());
      for (ItemType item : items) {
        ItemInfoResponseMessageType each = new ItemInfoResponseMessageType();
        createContact(each, request, mailbox, (ContactItemType) item);
        response.getResponseMessages().getCreateItemResponseMessage().add(each);
      }
      if (exchange.contacts.createAnswersLost.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        // Made, but the connection drops before the answer: the client sees a failure.
        throw new IllegalStateException("connection lost after the contacts were made");
      }
      result.value = response;
      return;
    }
    if (mailbox == null) {
      // refused above
    } else if (items.size() == 1
        && items.get(0) instanceof CalendarItemType event
        && event.getExtendedProperty().stream()
            .noneMatch(
                p -> "MailbridgeMeetingKey".equals(p.getExtendedFieldURI().getPropertyName()))) {
      createCalendarItem(message, request, mailbox, event);
    } else if (items.size() == 1 && items.get(0) instanceof CalendarItemType meeting) {
      createMeeting(message, request, mailbox, meeting);
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
    if (mailbox != null && inFolder(request, DistinguishedFolderIdNameType.CALENDAR)) {
      findMeeting(message, request, mailbox, equal);
      FindItemResponseType response = new FindItemResponseType();
      response.setResponseMessages(new ArrayOfFindItemResponseMessagesType());
      response.getResponseMessages().getFindItemResponseMessage().add(message);
      result.value = response;
      return;
    }
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
        items.getItemOrMessageOrCalendarItem().add(item);
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
   * A calendar item as Exchange makes a meeting: saved in the impersonated mailbox's calendar
   * ({@code SavedItemFolderId} calendar or none), its attendees invited when {@code
   * SendMeetingInvitations} says so (recorded for the test), its time busy from then on. The answer
   * carries the new item's id only, as Exchange's does.
   */
  private void createMeeting(
      ItemInfoResponseMessageType message,
      CreateItemType request,
      String mailbox,
      CalendarItemType meeting) {
    boolean toCalendar =
        request.getSavedItemFolderId() == null
            || (request.getSavedItemFolderId().getDistinguishedFolderId() != null
                && request.getSavedItemFolderId().getDistinguishedFolderId().getId()
                    == DistinguishedFolderIdNameType.CALENDAR);
    List<String> attendees =
        meeting.getRequiredAttendees() == null
            ? List.of()
            : meeting.getRequiredAttendees().getAttendee().stream()
                .map(a -> a.getMailbox() == null ? null : a.getMailbox().getEmailAddress())
                .toList();
    if (request.getMessageDisposition() != null
        || !toCalendar
        || meeting.getStart() == null
        || meeting.getEnd() == null
        || attendees.isEmpty()
        || attendees.contains(null)) {
      error(
          message,
          "ErrorInvalidRequest",
          "This fake makes meetings with Start, End and attendees in the calendar only.");
      return;
    }
    Instant start = instant(meeting.getStart());
    Instant end = instant(meeting.getEnd());
    if (!end.isAfter(start)) {
      error(message, "ErrorCalendarEndDateIsEarlierThanStartDate", "The end is before the start.");
      return;
    }
    Map<String, String> properties = new java.util.LinkedHashMap<>();
    for (ExtendedPropertyType property : meeting.getExtendedProperty()) {
      PathToExtendedFieldType uri = property.getExtendedFieldURI();
      properties.put(
          uri.getPropertySetId().toLowerCase(Locale.ROOT) + "|" + uri.getPropertyName(),
          property.getValue());
    }
    String itemId = "AAMkADcal" + UUID.randomUUID().toString().replace("-", "") + "=";
    String uid =
        meeting.getUID() != null
            ? meeting.getUID()
            : "040000008200E00074C5B7101A82E008" + UUID.randomUUID().toString().replace("-", "");
    exchange.meetings.add(
        new FakeExchange.FakeMeeting(
            mailbox,
            itemId,
            uid,
            meeting.getSubject(),
            start,
            end,
            attendees,
            request.getSendMeetingInvitations() == null
                ? null
                : request.getSendMeetingInvitations().value(),
            properties));
    exchange.addBusy(mailbox, start, end, "Busy", meeting.getSubject());
    if (exchange.meetingAnswersLost.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      // Made, but the connection drops before the answer: the client sees a failure.
      throw new IllegalStateException("connection lost after the meeting was made");
    }
    message.setResponseClass(ResponseClassType.SUCCESS);
    message.setResponseCode("NoError");
    CalendarItemType made = new CalendarItemType();
    ItemIdType id = new ItemIdType();
    id.setId(itemId);
    id.setChangeKey("DwAAABYAAAA=");
    made.setItemId(id);
    message.setItems(new ArrayOfRealItemsType());
    message.getItems().getItemOrMessageOrCalendarItem().add(made);
  }

  /**
   * FindItem in the impersonated mailbox's calendar with {@code IsEqualTo} on an extended property:
   * the meetings that carry that value, ids (and {@code calendar:UID} when asked) only.
   */
  private void findMeeting(
      FindItemResponseMessageType message,
      FindItemType request,
      String mailbox,
      TwoOperandExpressionType equal) {
    if (request.getTraversal() != ItemQueryTraversalType.SHALLOW
        || request.getItemShape() == null
        || equal == null
        || equal.getExtendedFieldURI() == null
        || equal.getExtendedFieldURI().getPropertySetId() == null
        || equal.getFieldURIOrConstant() == null
        || equal.getFieldURIOrConstant().getConstant() == null) {
      error(
          message,
          "ErrorInvalidRequest",
          "This fake finds calendar items by a named extended property only.");
      return;
    }
    PathToExtendedFieldType uri = equal.getExtendedFieldURI();
    String property = uri.getPropertySetId().toLowerCase(Locale.ROOT) + "|" + uri.getPropertyName();
    String wanted = equal.getFieldURIOrConstant().getConstant().getValue();
    boolean withUid =
        request.getItemShape().getAdditionalProperties() != null
            && request
                .getItemShape()
                .getAdditionalProperties()
                .getFieldURIOrIndexedFieldURIOrExtendedFieldURI()
                .stream()
                .anyMatch(
                    p ->
                        p instanceof io.mailbridge.mailbox.ews.stubs.PathToUnindexedFieldType f
                            && f.getFieldURI() == UnindexedFieldURIType.CALENDAR_UID);
    // Booked meetings and the calendar event sync writes live apart in this fake; Exchange has
    // one calendar, so both are searched.
    List<CalendarItemType> found = new java.util.ArrayList<>();
    for (FakeExchange.FakeMeeting m : exchange.meetingsOf(mailbox)) {
      if (wanted.equals(m.properties().get(property))) {
        found.add(calendarItem(m.itemId(), "DwAAABYAAAA=", withUid ? m.uid() : null));
      }
    }
    for (FakeCalendar.Item i : exchange.calendar.in(mailbox)) {
      if (wanted.equals(i.properties.get(property))) {
        found.add(calendarItem(i.id, i.changeKey(), withUid ? i.uid : null));
      }
    }
    message.setResponseClass(ResponseClassType.SUCCESS);
    message.setResponseCode("NoError");
    FindItemParentType root = new FindItemParentType();
    root.setTotalItemsInView(found.size());
    root.setIncludesLastItemInRange(true);
    root.setIndexedPagingOffset(found.size());
    ArrayOfRealItemsType items = new ArrayOfRealItemsType();
    found.stream().limit(1).forEach(items.getItemOrMessageOrCalendarItem()::add);
    root.setItems(items);
    message.setRootFolder(root);
  }

  private static CalendarItemType calendarItem(String itemId, String changeKey, String uid) {
    CalendarItemType item = new CalendarItemType();
    ItemIdType id = new ItemIdType();
    id.setId(itemId);
    id.setChangeKey(changeKey);
    item.setItemId(id);
    item.setUID(uid);
    return item;
  }

  private static boolean inFolder(FindItemType request, DistinguishedFolderIdNameType name) {
    return request.getParentFolderIds() != null
        && request.getParentFolderIds().getFolderIdOrDistinguishedFolderId().size() == 1
        && request.getParentFolderIds().getFolderIdOrDistinguishedFolderId().get(0)
            instanceof DistinguishedFolderIdType id
        && id.getId() == name;
  }

  /**
   * GetUserAvailability as Exchange answers it: one FreeBusyResponse for the one mailbox asked, a
   * FreeBusy view whose CalendarEventArray holds the mailbox's times that overlap the window, in
   * the zone the request's TimeZone names (its bias; the fake knows no daylight-saving rules and
   * refuses a zone that has them) as wall-clock times without an offset. The request must
   * impersonate a mailbox the service account may act as and anchor to it; otherwise it is a SOAP
   * fault (HTTP 500), as Exchange reports impersonation problems.
   */
  @Override
  public void getUserAvailability(
      GetUserAvailabilityRequestType request,
      ExchangeImpersonationType impersonation,
      RequestServerVersion requestVersion,
      Holder<GetUserAvailabilityResponseType> result,
      Holder<ServerVersionInfo> serverVersion) {
    serverVersion.value = version();
    String impersonated =
        impersonation == null ? null : impersonation.getConnectingSID().getPrimarySmtpAddress();
    FakeExchange.Received current = FakeExchange.CURRENT.get();
    String anchor = current == null ? null : current.anchorMailbox();
    if (requestVersion == null) {
      throw fault("ErrorSchemaValidation", "The request failed schema validation.");
    }
    if (impersonated == null || !impersonated.equals(anchor)) {
      exchange.anchorProblems.add("impersonating " + impersonated + " anchored to " + anchor);
      throw fault(
          "ErrorImpersonationFailed", "X-AnchorMailbox does not name the impersonated mailbox.");
    }
    if (!exchange.impersonable.contains(impersonated)) {
      throw fault(
          "ErrorImpersonateUserDenied",
          "The account does not have permission to impersonate the requested user.");
    }
    FreeBusyResponseType answer = new FreeBusyResponseType();
    ResponseMessageType message = new ResponseMessageType();
    answer.setResponseMessage(message);
    SerializableTimeZone zone = request.getTimeZone();
    List<MailboxData> asked =
        request.getMailboxDataArray() == null
            ? List.of()
            : request.getMailboxDataArray().getMailboxData();
    FreeBusyViewOptionsType options = request.getFreeBusyViewOptions();
    if (zone == null
        || zone.getStandardTime() == null
        || zone.getDaylightTime() == null
        || asked.size() != 1
        || asked.get(0).getEmail() == null
        || asked.get(0).getAttendeeType() == null
        || options == null
        || options.getTimeWindow() == null
        || options.getRequestedView() == null) {
      error(message, "ErrorInvalidRequest", "This fake answers one mailbox's free/busy view.");
    } else if (zone.getStandardTime().getBias() != zone.getDaylightTime().getBias()) {
      error(message, "ErrorInvalidRequest", "This fake knows no daylight-saving rules.");
    } else {
      ZoneOffset offset =
          ZoneOffset.ofTotalSeconds(-60 * (zone.getBias() + zone.getStandardTime().getBias()));
      Instant from = instant(options.getTimeWindow().getStartTime(), offset);
      Instant to = instant(options.getTimeWindow().getEndTime(), offset);
      if (!to.isAfter(from) || java.time.Duration.between(from, to).toDays() > 42) {
        error(
            message,
            "ErrorTimeIntervalTooBig",
            "The time window must end after it starts and span at most 42 days.");
      } else {
        message.setResponseClass(ResponseClassType.SUCCESS);
        message.setResponseCode("NoError");
        FreeBusyView view = new FreeBusyView();
        view.setFreeBusyViewType("FreeBusy");
        ArrayOfCalendarEvent events = new ArrayOfCalendarEvent();
        String address = asked.get(0).getEmail().getAddress();
        for (FakeExchange.FakeBusy busy :
            exchange.calendars.getOrDefault(address.toLowerCase(Locale.ROOT), List.of())) {
          if (busy.end().isAfter(from) && busy.start().isBefore(to)) {
            CalendarEvent event = new CalendarEvent();
            event.setStartTime(wallClock(busy.start(), offset));
            event.setEndTime(wallClock(busy.end(), offset));
            event.setBusyType(LegacyFreeBusyType.fromValue(busy.busyType()));
            events.getCalendarEvent().add(event);
          }
        }
        view.setCalendarEventArray(events);
        answer.setFreeBusyView(view);
      }
    }
    GetUserAvailabilityResponseType response = new GetUserAvailabilityResponseType();
    response.setFreeBusyResponseArray(new ArrayOfFreeBusyResponse());
    response.getFreeBusyResponseArray().getFreeBusyResponse().add(answer);
    result.value = response;
  }

  /** A time of the request: with its offset if it has one, else a wall-clock time in the zone. */
  private static Instant instant(XMLGregorianCalendar time, ZoneOffset zone) {
    if (time.getTimezone() != DatatypeConstants.FIELD_UNDEFINED) {
      return time.toGregorianCalendar().toInstant();
    }
    return java.time.LocalDateTime.of(
            time.getYear(),
            time.getMonth(),
            time.getDay(),
            time.getHour(),
            time.getMinute(),
            time.getSecond())
        .toInstant(zone);
  }

  private static Instant instant(XMLGregorianCalendar time) {
    return instant(time, ZoneOffset.UTC);
  }

  /** As Exchange writes the answer's times: the zone's wall clock, no offset. */
  private static XMLGregorianCalendar wallClock(Instant at, ZoneOffset zone) {
    java.time.LocalDateTime local = java.time.LocalDateTime.ofInstant(at, zone);
    try {
      return DatatypeFactory.newInstance()
          .newXMLGregorianCalendar(
              local.getYear(),
              local.getMonthValue(),
              local.getDayOfMonth(),
              local.getHour(),
              local.getMinute(),
              local.getSecond(),
              DatatypeConstants.FIELD_UNDEFINED,
              DatatypeConstants.FIELD_UNDEFINED);
    } catch (DatatypeConfigurationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A SOAP fault as Exchange sends one (HTTP 500): the code as faultcode and in the detail. */
  private static SOAPFaultException fault(String code, String text) {
    try {
      SOAPFault fault = SOAPFactory.newInstance().createFault(text, new QName(TYPES, code, "a"));
      Detail detail = fault.addDetail();
      detail.addDetailEntry(new QName(ERRORS, "ResponseCode", "e")).addTextNode(code);
      detail.addDetailEntry(new QName(ERRORS, "Message", "e")).addTextNode(text);
      return new SOAPFaultException(fault);
    } catch (SOAPException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final String TYPES = "http://schemas.microsoft.com/exchange/services/2006/types";
  private static final String ERRORS = "http://schemas.microsoft.com/exchange/services/2006/errors";

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

  /**
   * Subscribe, streaming, pull or push, on an impersonated mailbox's folders (a push one noted with
   * its URL and StatusFrequency in {@link FakeExchange#pushSubscribes}). Streaming is refused with
   * {@code ErrorInvalidSubscriptionRequest} while {@link FakeExchange#refuseStreaming} is set, as a
   * server whose policy forbids it answers.
   */
  @Override
  public void subscribe(
      SubscribeType request,
      ExchangeImpersonationType impersonation,
      RequestServerVersion requestVersion,
      Holder<SubscribeResponseType> result,
      Holder<ServerVersionInfo> serverVersion) {
    serverVersion.value = version();
    SubscribeResponseMessageType message = new SubscribeResponseMessageType();
    String impersonated =
        impersonation == null ? null : impersonation.getConnectingSID().getPrimarySmtpAddress();
    String refused = impersonationProblem(impersonation, impersonated);
    boolean streaming = request.getStreamingSubscriptionRequest() != null;
    var push = request.getPushSubscriptionRequest();
    var folderIds =
        streaming
            ? request.getStreamingSubscriptionRequest().getFolderIds()
            : push != null
                ? push.getFolderIds()
                : request.getPullSubscriptionRequest().getFolderIds();
    if (requestVersion == null || folderIds == null) {
      error(message, "ErrorSchemaValidation", "The request failed schema validation.");
    } else if (refused != null) {
      error(message, refused, "The impersonation or X-AnchorMailbox header is wrong.");
    } else if (streaming && exchange.refuseStreaming) {
      error(
          message,
          "ErrorInvalidSubscriptionRequest",
          "Streaming subscriptions are not allowed for this user.");
    } else if (push != null
        && (push.getURL() == null
            || !push.getURL().startsWith("http")
            || push.getStatusFrequency() < 1
            || push.getStatusFrequency() > 1440)) {
      error(message, "ErrorInvalidPushSubscriptionUrl", "The push subscription URL is invalid.");
    } else {
      List<String> folders = new ArrayList<>();
      for (Object id : folderIds.getFolderIdOrDistinguishedFolderId()) {
        if (id instanceof DistinguishedFolderIdType named) {
          folders.add(named.getId().value());
        }
      }
      FakeExchange.FakeSubscription subscription =
          exchange.openSubscription(impersonated, streaming, folders);
      if (push != null) {
        FakeExchange.Received current = FakeExchange.CURRENT.get();
        exchange.pushSubscribes.add(
            new FakeExchange.PushSubscribe(
                subscription.id(),
                impersonated,
                current == null ? null : current.anchorMailbox(),
                push.getURL(),
                push.getStatusFrequency(),
                List.copyOf(folders),
                push.getEventTypes().getEventType().stream().map(e -> e.value()).toList()));
      }
      message.setResponseClass(ResponseClassType.SUCCESS);
      message.setResponseCode("NoError");
      message.setSubscriptionId(subscription.id());
      message.setWatermark(streaming ? null : subscription.watermark());
    }
    SubscribeResponseType response = new SubscribeResponseType();
    response.setResponseMessages(new ArrayOfSubscribeResponseMessagesType());
    response.getResponseMessages().getSubscribeResponseMessage().add(message);
    result.value = response;
  }

  /**
   * Unsubscribe of a pull or streaming subscription (MS-OXWSNTIF 3.1.4.4): ended when the request
   * impersonates its mailbox with the same X-AnchorMailbox; {@code ErrorSubscriptionNotFound} for
   * one the fake does not know, {@code ErrorInvalidSubscription} for a push one. Each is recorded.
   */
  @Override
  public void unsubscribe(
      UnsubscribeType request,
      ExchangeImpersonationType impersonation,
      RequestServerVersion requestVersion,
      Holder<UnsubscribeResponseType> result,
      Holder<ServerVersionInfo> serverVersion) {
    serverVersion.value = version();
    ResponseMessageType message = new ResponseMessageType();
    String id = request.getSubscriptionId();
    FakeExchange.FakeSubscription subscription = id == null ? null : exchange.subscriptions.get(id);
    boolean push = exchange.pushSubscribes.stream().anyMatch(p -> p.subscriptionId().equals(id));
    String impersonated =
        impersonation == null ? null : impersonation.getConnectingSID().getPrimarySmtpAddress();
    FakeExchange.Received current = FakeExchange.CURRENT.get();
    exchange.unsubscribes.add(
        new FakeExchange.Unsubscribed(
            id,
            impersonated,
            current == null ? null : current.anchorMailbox(),
            FakeExchange.CURRENT_COOKIE.get(),
            subscription != null));
    if (requestVersion == null || id == null) {
      error(message, "ErrorSchemaValidation", "The request failed schema validation.");
    } else if (push) {
      error(
          message, "ErrorInvalidSubscription", "The subscription is not a pull or streaming one.");
    } else if (subscription == null) {
      error(message, "ErrorSubscriptionNotFound", "The specified subscription was not found.");
    } else if (impersonationProblem(impersonation, subscription.mailbox()) != null) {
      error(message, "ErrorAccessDenied", "The impersonation or X-AnchorMailbox header is wrong.");
    } else {
      exchange.subscriptions.remove(id);
      message.setResponseClass(ResponseClassType.SUCCESS);
      message.setResponseCode("NoError");
    }
    UnsubscribeResponseType response = new UnsubscribeResponseType();
    ArrayOfUnsubscribeResponseMessagesType messages = new ArrayOfUnsubscribeResponseMessagesType();
    messages.getUnsubscribeResponseMessage().add(message);
    response.setResponseMessages(messages);
    result.value = response;
  }

  /**
   * GetEvents on a pull subscription: the items delivered since, as NewMailEvents (or a StatusEvent
   * when none), each with its watermark; {@code ErrorSubscriptionNotFound} for one the fake no
   * longer knows.
   */
  @Override
  public void getEvents(
      GetEventsType request,
      ExchangeImpersonationType impersonation,
      RequestServerVersion requestVersion,
      Holder<GetEventsResponseType> result,
      Holder<ServerVersionInfo> serverVersion) {
    serverVersion.value = version();
    GetEventsResponseMessageType message = new GetEventsResponseMessageType();
    FakeExchange.FakeSubscription subscription =
        exchange.subscriptions.get(request.getSubscriptionId());
    String impersonated =
        impersonation == null ? null : impersonation.getConnectingSID().getPrimarySmtpAddress();
    if (subscription == null || subscription.streaming()) {
      error(message, "ErrorSubscriptionNotFound", "The specified subscription was not found.");
    } else if (impersonationProblem(impersonation, subscription.mailbox()) != null) {
      error(message, "ErrorAccessDenied", "The impersonation or X-AnchorMailbox header is wrong.");
    } else {
      exchange.pulls.incrementAndGet();
      NotificationType notification = new NotificationType();
      notification.setSubscriptionId(subscription.id());
      notification.setPreviousWatermark(request.getWatermark());
      notification.setMoreEvents(false);
      ObjectFactory factory = new ObjectFactory();
      for (String[] event; (event = subscription.pending().poll()) != null; ) {
        BaseObjectChangedEventType created = new BaseObjectChangedEventType();
        created.setWatermark(subscription.nextWatermark());
        created.setTimeStamp(time(Instant.now()));
        ItemIdType itemId = new ItemIdType();
        itemId.setId(event[0]);
        created.setItemId(itemId);
        FolderIdType parent = new FolderIdType();
        parent.setId(event[1] + "-" + subscription.mailbox());
        created.setParentFolderId(parent);
        notification
            .getCopiedEventOrCreatedEventOrDeletedEvent()
            .add(factory.createNotificationTypeNewMailEvent(created));
      }
      if (notification.getCopiedEventOrCreatedEventOrDeletedEvent().isEmpty()) {
        BaseNotificationEventType status = new BaseNotificationEventType();
        status.setWatermark(subscription.watermark());
        notification
            .getCopiedEventOrCreatedEventOrDeletedEvent()
            .add(factory.createNotificationTypeStatusEvent(status));
      }
      message.setResponseClass(ResponseClassType.SUCCESS);
      message.setResponseCode("NoError");
      message.setNotification(notification);
    }
    GetEventsResponseType response = new GetEventsResponseType();
    response.setResponseMessages(new ArrayOfGetEventsResponseMessagesType());
    response.getResponseMessages().getGetEventsResponseMessage().add(message);
    result.value = response;
  }

  // ------------------------------------------------------------------ contacts (contact sync)

  /**
   * FindFolder, Shallow, under the impersonated mailbox's Contacts: its contact folders with their
   * id and display name, and Mailbridge's named properties only when AdditionalProperties asks for
   * them (as Exchange answers extended properties).
   */
  @Override
  public void findFolder(
      FindFolderType request,
      ExchangeImpersonationType impersonation,
      RequestServerVersion requestVersion,
      Holder<FindFolderResponseType> result,
      Holder<ServerVersionInfo> serverVersion) {
    serverVersion.value = version();
    FindFolderResponseMessageType message = new FindFolderResponseMessageType();
    String mailbox = impersonationProblem(message, impersonation, requestVersion);
    if (mailbox == null) {
      // refused above
    } else if (request.getTraversal() != FolderQueryTraversalType.SHALLOW
        || request.getFolderShape() == null
        || !inFolders(request.getParentFolderIds(), DistinguishedFolderIdNameType.CONTACTS)) {
      error(message, "ErrorInvalidRequest", "This fake finds folders under contacts only.");
    } else {
      List<String> asked = askedProperties(request.getFolderShape().getAdditionalProperties());
      ArrayOfContactsFoldersType folders = new ArrayOfContactsFoldersType();
      for (FakeContacts.Folder stored : exchange.contacts.foldersOf(mailbox)) {
        ContactsFolderType folder = new ContactsFolderType();
        FolderIdType id = new FolderIdType();
        id.setId(stored.id());
        id.setChangeKey("AQAAABYAAAA=");
        folder.setFolderId(id);
        folder.setDisplayName(stored.displayName());
        stored.properties().entrySet().stream()
            .filter(e -> asked.contains(e.getKey()))
            .forEach(e -> folder.getExtendedProperty().add(property(e.getKey(), e.getValue())));
        folders.getContactsFolder().add(folder);
      }
      FindFolderParentType root = new FindFolderParentType();
      root.setFolders(folders);
      root.setTotalItemsInView(folders.getContactsFolder().size());
      root.setIncludesLastItemInRange(true);
      message.setRootFolder(root);
      message.setResponseClass(ResponseClassType.SUCCESS);
      message.setResponseCode("NoError");
    }
    FindFolderResponseType response = new FindFolderResponseType();
    response.setResponseMessages(new ArrayOfFindFolderResponseMessagesType());
    response.getResponseMessages().getFindFolderResponseMessage().add(message);
    result.value = response;
  }

  /** CreateFolder of one contact folder under the impersonated mailbox's Contacts. */
  @Override
  public void createFolder(
      CreateFolderType request,
      ExchangeImpersonationType impersonation,
      RequestServerVersion requestVersion,
      Holder<CreateFolderResponseType> result,
      Holder<ServerVersionInfo> serverVersion) {
    serverVersion.value = version();
    ContactsFolderInfoResponseMessageType message = new ContactsFolderInfoResponseMessageType();
    String mailbox = impersonationProblem(message, impersonation, requestVersion);
    List<ContactsFolderType> asked =
        request.getFolders() == null ? List.of() : request.getFolders().getContactsFolder();
    if (mailbox == null) {
      // refused above
    } else if (request.getParentFolderId() == null
        || request.getParentFolderId().getDistinguishedFolderId() == null
        || request.getParentFolderId().getDistinguishedFolderId().getId()
            != DistinguishedFolderIdNameType.CONTACTS
        || asked.size() != 1
        || asked.get(0).getDisplayName() == null) {
      error(message, "ErrorInvalidRequest", "This fake makes one named folder under contacts.");
    } else if (exchange.contacts.foldersOf(mailbox).stream()
        .anyMatch(f -> f.displayName().equals(asked.get(0).getDisplayName()))) {
      error(message, "ErrorFolderExists", "A folder with the specified name already exists.");
    } else {
      Map<String, String> properties = FakeContacts.properties();
      for (ExtendedPropertyType property : asked.get(0).getExtendedProperty()) {
        properties.put(key(property.getExtendedFieldURI()), property.getValue());
      }
      FakeContacts.Folder made =
          exchange.contacts.createFolder(mailbox, asked.get(0).getDisplayName(), properties);
      ContactsFolderType folder = new ContactsFolderType();
      FolderIdType id = new FolderIdType();
      id.setId(made.id());
      id.setChangeKey("AQAAABYAAAA=");
      folder.setFolderId(id);
      ArrayOfContactsFoldersType folders = new ArrayOfContactsFoldersType();
      folders.getContactsFolder().add(folder);
      message.setFolders(folders);
      message.setResponseClass(ResponseClassType.SUCCESS);
      message.setResponseCode("NoError");
    }
    CreateFolderResponseType response = new CreateFolderResponseType();
    response.setResponseMessages(new ArrayOfCreateFolderResponseMessagesType());
    response.getResponseMessages().getCreateFolderResponseMessage().add(message);
    result.value = response;
  }

  /** CreateItem of one contact into a contact folder of the impersonated mailbox. */
  private void createContact(
      ItemInfoResponseMessageType message,
      CreateItemType request,
      String mailbox,
      ContactItemType asked) {
    String folderId =
        request.getSavedItemFolderId() == null
                || request.getSavedItemFolderId().getFolderId() == null
            ? null
            : request.getSavedItemFolderId().getFolderId().getId();
    FakeContacts.Folder folder = folderId == null ? null : exchange.contacts.folders.get(folderId);
    if (request.getMessageDisposition() != null || request.getSendMeetingInvitations() != null) {
      error(message, "ErrorInvalidRequest", "A contact takes no disposition.");
      return;
    }
    if (folder == null || !folder.mailbox().equals(mailbox)) {
      error(message, "ErrorFolderNotFound", "The specified folder could not be found.");
      return;
    }
    FakeContacts.Contact contact = exchange.contacts.create(mailbox, folderId);
    write(contact, asked);
    for (ExtendedPropertyType property : asked.getExtendedProperty()) {
      contact.properties.put(key(property.getExtendedFieldURI()), property.getValue());
    }
    message.setResponseClass(ResponseClassType.SUCCESS);
    message.setResponseCode("NoError");
    message.setItems(new ArrayOfRealItemsType());
    message.getItems().getItemOrMessageOrCalendarItem().add(idOnly(contact));
  }

  /**
   * UpdateItem of contacts: with {@code NeverOverwrite} a ChangeKey that is not the contact's
   * current one is ErrorIrresolvableConflict and nothing is written. Each SetItemField carries the
   * one field its path names (Exchange's ErrorIncorrectUpdatePropertyCount otherwise).
   */
  @Override
  public void updateItem(
      UpdateItemType request,
      ExchangeImpersonationType impersonation,
      RequestServerVersion requestVersion,
      Holder<UpdateItemResponseType> result,
      Holder<ServerVersionInfo> serverVersion) {
    serverVersion.value = version();
    UpdateItemResponseType response = new UpdateItemResponseType();
    response.setResponseMessages(new ArrayOfUpdateItemResponseMessagesType());
    for (ItemChangeType change : request.getItemChanges().getItemChange()) {
      UpdateItemResponseMessageType message = new UpdateItemResponseMessageType();
      response.getResponseMessages().getUpdateItemResponseMessage().add(message);
      String mailbox = impersonationProblem(message, impersonation, requestVersion);
      if (mailbox == null) {
        continue;
      }
      if (change.getOccurrenceItemId() != null) {
        updateOccurrence(message, request, change, mailbox);
        continue;
      }
      FakeCalendar.Item event = exchange.calendar.items.get(change.getItemId().getId());
      if (event != null && event.mailbox.equals(mailbox)) {
        updateCalendarItem(message, request, change, event);
        continue;
      }
      FakeContacts.Contact contact = exchange.contacts.contacts.get(change.getItemId().getId());
      if (contact == null || !contact.mailbox.equals(mailbox)) {
        error(message, "ErrorItemNotFound", "The specified object was not found in the store.");
        continue;
      }
      if (request.getConflictResolution() == null) {
        error(message, "ErrorSchemaValidation", "ConflictResolution is required.");
        continue;
      }
      synchronized (exchange.contacts) {
        String sent = change.getItemId().getChangeKey();
        if (sent != null
            && !sent.equals(contact.changeKey())
            && request.getConflictResolution() == ConflictResolutionType.NEVER_OVERWRITE) {
          exchange.contacts.irresolvableConflicts.incrementAndGet();
          irresolvable(message);
          continue;
        }
        String refused = apply(contact, change.getUpdates().getSetItemFieldOrDeleteItemField());
        if (refused != null) {
          error(message, refused, "The update could not be applied.");
          continue;
        }
        exchange.contacts.changed(contact);
      }
      message.setResponseClass(ResponseClassType.SUCCESS);
      message.setResponseCode("NoError");
      message.setItems(new ArrayOfRealItemsType());
      message.getItems().getItemOrMessageOrCalendarItem().add(idOnly(contact));
      ConflictResultsType conflicts = new ConflictResultsType();
      conflicts.setCount(0);
      message.setConflictResults(conflicts);
    }
    result.value = response;
  }

  /** DeleteItem of contacts of the impersonated mailbox; DeleteType is required. */
  @Override
  public void deleteItem(
      DeleteItemType request,
      ExchangeImpersonationType impersonation,
      RequestServerVersion requestVersion,
      Holder<DeleteItemResponseType> result,
      Holder<ServerVersionInfo> serverVersion) {
    serverVersion.value = version();
    DeleteItemResponseType response = new DeleteItemResponseType();
    response.setResponseMessages(new ArrayOfDeleteItemResponseMessagesType());
    for (BaseItemIdType asked : request.getItemIds().getItemIdOrOccurrenceItemId()) {
      ResponseMessageType message = new ResponseMessageType();
      response.getResponseMessages().getDeleteItemResponseMessage().add(message);
      String mailbox = impersonationProblem(message, impersonation, requestVersion);
      if (mailbox == null) {
        continue;
      }
      if (asked instanceof OccurrenceItemIdType occurrence) {
        deleteOccurrence(message, request, occurrence, mailbox);
        continue;
      }
      ItemIdType id = (ItemIdType) asked;
      FakeCalendar.Item event = exchange.calendar.items.get(id.getId());
      if (event != null && event.mailbox.equals(mailbox) && request.getDeleteType() != null) {
        if (request.getSendMeetingCancellations() == null) {
          error(
              message,
              "ErrorSendMeetingCancellationsRequired",
              "SendMeetingCancellations is required for calendar items.");
          continue;
        }
        exchange.calendar.notices.add(
            new FakeCalendar.Notice(
                "DeleteItem", event.id, request.getSendMeetingCancellations().value()));
        exchange.calendar.delete(event);
        message.setResponseClass(ResponseClassType.SUCCESS);
        message.setResponseCode("NoError");
        continue;
      }
      FakeContacts.Contact contact = exchange.contacts.contacts.get(id.getId());
      if (request.getDeleteType() == null) {
        error(message, "ErrorSchemaValidation", "DeleteType is required.");
      } else if (contact == null || !contact.mailbox.equals(mailbox)) {
        error(message, "ErrorItemNotFound", "The specified object was not found in the store.");
      } else {
        exchange.contacts.delete(contact);
        message.setResponseClass(ResponseClassType.SUCCESS);
        message.setResponseCode("NoError");
      }
    }
    result.value = response;
  }

  /** GetItem of a contact: its fields, and extended properties only when asked for. */
  private void getContact(
      ItemInfoResponseMessageType message,
      ExchangeImpersonationType impersonation,
      FakeContacts.Contact contact,
      ItemResponseShapeType shape) {
    String refused = impersonationProblem(impersonation, contact.mailbox);
    if (refused != null) {
      error(message, refused, "The specified object was not found in the store.");
      return;
    }
    ContactItemType found = idOnly(contact);
    found.setItemClass("IPM.Contact");
    found.setLastModifiedTime(time(contact.modified));
    found.setDisplayName(contact.field("DisplayName"));
    found.setGivenName(contact.field("GivenName"));
    found.setCompanyName(contact.field("CompanyName"));
    if (!contact.emails().isEmpty()) {
      EmailAddressDictionaryType emails = new EmailAddressDictionaryType();
      for (int i = 1; i <= 3; i++) {
        String email = contact.field("EmailAddress" + i);
        if (email != null) {
          EmailAddressDictionaryEntryType entry = new EmailAddressDictionaryEntryType();
          entry.setKey(EmailAddressKeyType.fromValue("EmailAddress" + i));
          entry.setValue(email);
          emails.getEntry().add(entry);
        }
      }
      found.setEmailAddresses(emails);
    }
    if (contact.field("BusinessPhone") != null) {
      PhoneNumberDictionaryType phones = new PhoneNumberDictionaryType();
      PhoneNumberDictionaryEntryType entry = new PhoneNumberDictionaryEntryType();
      entry.setKey("BusinessPhone");
      entry.setValue(contact.field("BusinessPhone"));
      phones.getEntry().add(entry);
      found.setPhoneNumbers(phones);
    }
    found.setJobTitle(contact.field("JobTitle"));
    found.setSurname(contact.field("Surname"));
    List<String> asked = askedProperties(shape.getAdditionalProperties());
    contact.properties.entrySet().stream()
        .filter(e -> asked.contains(e.getKey()))
        .forEach(e -> found.getExtendedProperty().add(property(e.getKey(), e.getValue())));
    answer(message, found);
  }

  /**
   * SyncFolderItems of a contact folder: the folder's change log after the sync state, at most
   * {@code MaxChangesReturned} entries, one change per contact (a contact made and deleted within
   * them is left out, as Exchange does); Contact elements with their ids only (IdOnly shape).
   */
  private void syncContacts(
      SyncFolderItemsResponseMessageType message,
      SyncFolderItemsType request,
      ExchangeImpersonationType impersonation,
      RequestServerVersion requestVersion) {
    String mailbox = impersonationProblem(message, impersonation, requestVersion);
    if (mailbox == null) {
      return;
    }
    String folderId = request.getSyncFolderId().getFolderId().getId();
    FakeContacts.Folder folder = exchange.contacts.folders.get(folderId);
    int max = request.getMaxChangesReturned();
    if (max < 1 || max > 512) {
      error(message, "ErrorSchemaValidation", "The request failed schema validation.");
      return;
    }
    if (folder == null || !folder.mailbox().equals(mailbox)) {
      error(message, "ErrorFolderNotFound", "The specified folder could not be found.");
      return;
    }
    FakeExchange.FakeMailbox box =
        exchange.mailboxes.computeIfAbsent(mailbox, m -> new FakeExchange.FakeMailbox());
    Integer from = position(request.getSyncState(), box.generation, folderId);
    if (from == null) {
      error(
          message,
          "ErrorInvalidSyncStateData",
          "Synchronization state data is corrupt or otherwise invalid.");
      return;
    }
    List<FakeContacts.Change> log = exchange.contacts.log.get(folderId);
    int to = Math.min(log.size(), from + Math.min(max, exchange.maxChangesPerCall));
    Map<String, String> kinds = new java.util.LinkedHashMap<>();
    for (FakeContacts.Change change : log.subList(from, to)) {
      String before = kinds.get(change.itemId());
      if ("Create".equals(before) && "Delete".equals(change.kind())) {
        kinds.remove(change.itemId());
      } else if (!"Create".equals(before)) {
        kinds.put(change.itemId(), change.kind());
      }
    }
    ObjectFactory factory = new ObjectFactory();
    SyncFolderItemsChangesType changes = new SyncFolderItemsChangesType();
    kinds.forEach(
        (id, kind) -> {
          if ("Delete".equals(kind)) {
            SyncFolderItemsDeleteType delete = new SyncFolderItemsDeleteType();
            ItemIdType itemId = new ItemIdType();
            itemId.setId(id);
            delete.setItemId(itemId);
            changes
                .getCreateOrUpdateOrDelete()
                .add(factory.createSyncFolderItemsChangesTypeDelete(delete));
            return;
          }
          FakeContacts.Contact contact = exchange.contacts.contacts.get(id);
          if (contact == null) {
            return; // made and deleted again after this window: the Delete comes later
          }
          SyncFolderItemsCreateOrUpdateType createOrUpdate =
              new SyncFolderItemsCreateOrUpdateType();
          createOrUpdate.setContact(idOnly(contact));
          changes
              .getCreateOrUpdateOrDelete()
              .add(
                  "Create".equals(kind)
                      ? factory.createSyncFolderItemsChangesTypeCreate(createOrUpdate)
                      : factory.createSyncFolderItemsChangesTypeUpdate(createOrUpdate));
        });
    message.setResponseClass(ResponseClassType.SUCCESS);
    message.setResponseCode("NoError");
    message.setSyncState(state(box.generation, folderId, to));
    message.setIncludesLastItemInRange(to == log.size());
    message.setChanges(changes);
  }

  // ------------------------------------------------------------------ calendar (event sync)

  /**
   * CreateItem of one calendar item into the impersonated mailbox's Calendar ({@code
   * SavedItemFolderId} calendar); {@code SendMeetingInvitations} is required for calendar items.
   */
  private void createCalendarItem(
      ItemInfoResponseMessageType message,
      CreateItemType request,
      String mailbox,
      CalendarItemType asked) {
    boolean toCalendar =
        request.getSavedItemFolderId() != null
            && request.getSavedItemFolderId().getDistinguishedFolderId() != null
            && request.getSavedItemFolderId().getDistinguishedFolderId().getId()
                == DistinguishedFolderIdNameType.CALENDAR;
    if (request.getSendMeetingInvitations() == null) {
      error(
          message,
          "ErrorSendMeetingInvitationsRequired",
          "SendMeetingInvitations is required for calendar items.");
      return;
    }
    if (!toCalendar || asked.getStart() == null || asked.getEnd() == null) {
      error(message, "ErrorInvalidRequest", "This fake makes calendar items with times only.");
      return;
    }
    if (unknownZone(asked.getStartTimeZone()) || unknownZone(asked.getEndTimeZone())) {
      error(message, "ErrorTimeZone", "The time zone is not one of the server's.");
      return;
    }
    FakeCalendar.Item item = exchange.calendar.create(mailbox);
    synchronized (exchange.calendar) {
      if (asked.getUID() != null) {
        item.uid = asked.getUID();
      }
      item.subject = asked.getSubject();
      item.body = asked.getBody() == null ? null : asked.getBody().getValue();
      item.start = instant(asked.getStart());
      item.end = instant(asked.getEnd());
      item.location = asked.getLocation();
      item.attendees = attendees(asked);
      item.recurrence = asked.getRecurrence();
      item.startTimeZone =
          asked.getStartTimeZone() == null ? null : asked.getStartTimeZone().getId();
      item.allDay = Boolean.TRUE.equals(asked.isIsAllDayEvent());
      item.toMidnights();
      for (ExtendedPropertyType property : asked.getExtendedProperty()) {
        item.properties.put(key(property.getExtendedFieldURI()), property.getValue());
      }
    }
    exchange.calendar.notices.add(
        new FakeCalendar.Notice(
            "CreateItem", item.id, request.getSendMeetingInvitations().value()));
    if (exchange.calendar.createAnswersLost.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      // Made, but the connection drops before the answer: the client sees a failure.
      throw new IllegalStateException("connection lost after the calendar item was made");
    }
    message.setResponseClass(ResponseClassType.SUCCESS);
    message.setResponseCode("NoError");
    message.setItems(new ArrayOfRealItemsType());
    message.getItems().getItemOrMessageOrCalendarItem().add(idOnly(item));
  }

  /**
   * UpdateItem of a calendar item: {@code SendMeetingInvitationsOrCancellations} required; with
   * {@code NeverOverwrite} a stale ChangeKey is ErrorIrresolvableConflict and nothing is written;
   * each SetItemField carries the one field its path names.
   */
  private void updateCalendarItem(
      UpdateItemResponseMessageType message,
      UpdateItemType request,
      ItemChangeType change,
      FakeCalendar.Item item) {
    if (calendarUpdateRefused(message, request)) {
      return;
    }
    synchronized (exchange.calendar) {
      String sent = change.getItemId().getChangeKey();
      if (sent != null
          && !sent.equals(item.changeKey())
          && request.getConflictResolution() == ConflictResolutionType.NEVER_OVERWRITE) {
        exchange.calendar.irresolvableConflicts.incrementAndGet();
        irresolvable(message);
        return;
      }
      String refused = applyToEvent(item, change.getUpdates().getSetItemFieldOrDeleteItemField());
      if (refused != null) {
        error(message, refused, "The update could not be applied.");
        return;
      }
      item.toMidnights();
      exchange.calendar.changed(item);
    }
    exchange.calendar.notices.add(
        new FakeCalendar.Notice(
            "UpdateItem", item.id, request.getSendMeetingInvitationsOrCancellations().value()));
    message.setResponseClass(ResponseClassType.SUCCESS);
    message.setResponseCode("NoError");
    message.setItems(new ArrayOfRealItemsType());
    message.getItems().getItemOrMessageOrCalendarItem().add(idOnly(item));
    ConflictResultsType conflicts = new ConflictResultsType();
    conflicts.setCount(0);
    message.setConflictResults(conflicts);
  }

  /** Applies SetItemField and DeleteItemField to a calendar item; an error code when wrong. */
  private static String applyToEvent(FakeCalendar.Item item, List<Object> updates) {
    for (Object update : updates) {
      if (update instanceof SetItemFieldType set) {
        CalendarItemType value = set.getCalendarItem();
        if (value == null) {
          return "ErrorInvalidPropertySet";
        }
        if (set.getExtendedFieldURI() != null) {
          if (value.getExtendedProperty().size() != 1) {
            return "ErrorIncorrectUpdatePropertyCount";
          }
          item.properties.put(
              key(set.getExtendedFieldURI()), value.getExtendedProperty().get(0).getValue());
          continue;
        }
        if (set.getFieldURI() == null) {
          return "ErrorInvalidPropertySet";
        }
        if (carriedCount(value) != 1) {
          return "ErrorIncorrectUpdatePropertyCount";
        }
        switch (set.getFieldURI().getFieldURI()) {
          case ITEM_SUBJECT -> item.subject = value.getSubject();
          case ITEM_BODY -> item.body = value.getBody() == null ? null : value.getBody().getValue();
          case CALENDAR_START -> item.start = instant(value.getStart());
          case CALENDAR_END -> item.end = instant(value.getEnd());
          case CALENDAR_LOCATION -> item.location = value.getLocation();
          case CALENDAR_REQUIRED_ATTENDEES -> item.attendees = attendees(value);
          case CALENDAR_RECURRENCE -> item.recurrence = value.getRecurrence();
          case CALENDAR_IS_ALL_DAY_EVENT -> item.allDay = value.isIsAllDayEvent();
          case CALENDAR_START_TIME_ZONE -> {
            if (unknownZone(value.getStartTimeZone())) {
              return "ErrorTimeZone";
            }
            item.startTimeZone = value.getStartTimeZone().getId();
          }
          case CALENDAR_END_TIME_ZONE -> {
            if (unknownZone(value.getEndTimeZone())) {
              return "ErrorTimeZone";
            }
          }
          default -> {
            return "ErrorInvalidPropertySet";
          }
        }
      } else if (update instanceof DeleteItemFieldType delete) {
        if (delete.getExtendedFieldURI() != null) {
          item.properties.remove(key(delete.getExtendedFieldURI()));
          continue;
        }
        if (delete.getFieldURI() == null) {
          return "ErrorInvalidPropertyDelete";
        }
        switch (delete.getFieldURI().getFieldURI()) {
          case CALENDAR_LOCATION -> item.location = null;
          case CALENDAR_REQUIRED_ATTENDEES -> item.attendees = List.of();
          case CALENDAR_RECURRENCE -> item.recurrence = null;
          case ITEM_BODY -> item.body = null;
          default -> {
            return "ErrorInvalidPropertyDelete";
          }
        }
      }
    }
    return null;
  }

  /** How many of the fields sync writes a CalendarItem element carries. */
  private static int carriedCount(CalendarItemType value) {
    int n = 0;
    for (Object field :
        java.util.Arrays.asList(
            value.getSubject(),
            value.getBody(),
            value.getStart(),
            value.getEnd(),
            value.getLocation(),
            value.getRequiredAttendees(),
            value.getRecurrence(),
            value.getOriginalStart(),
            value.isIsAllDayEvent(),
            value.getStartTimeZone(),
            value.getEndTimeZone())) {
      if (field != null) {
        n++;
      }
    }
    return n + value.getExtendedProperty().size();
  }

  private static List<String> attendees(CalendarItemType item) {
    return item.getRequiredAttendees() == null
        ? List.of()
        : item.getRequiredAttendees().getAttendee().stream()
            .map(a -> a.getMailbox().getEmailAddress())
            .toList();
  }

  /**
   * GetItem of a calendar item: the fields AdditionalProperties asks for (the body as HTML unless
   * the shape asks for Text, times in UTC), extended properties only when asked for.
   */
  private void getCalendarItem(
      ItemInfoResponseMessageType message,
      ExchangeImpersonationType impersonation,
      FakeCalendar.Item item,
      ItemResponseShapeType shape) {
    String refused = impersonationProblem(impersonation, item.mailbox);
    if (refused != null) {
      error(message, refused, "The specified object was not found in the store.");
      return;
    }
    java.util.Set<UnindexedFieldURIType> fields = new java.util.HashSet<>();
    if (shape.getAdditionalProperties() != null) {
      for (Object path :
          shape.getAdditionalProperties().getFieldURIOrIndexedFieldURIOrExtendedFieldURI()) {
        if (path instanceof PathToUnindexedFieldType f) {
          fields.add(f.getFieldURI());
        }
      }
    }
    CalendarItemType found = idOnly(item);
    if (fields.contains(UnindexedFieldURIType.ITEM_SUBJECT)) {
      found.setSubject(item.subject);
    }
    if (fields.contains(UnindexedFieldURIType.ITEM_BODY) && item.body != null) {
      io.mailbridge.mailbox.ews.stubs.BodyType body =
          new io.mailbridge.mailbox.ews.stubs.BodyType();
      boolean text =
          shape.getBodyType() == io.mailbridge.mailbox.ews.stubs.BodyTypeResponseType.TEXT;
      body.setBodyType(
          text
              ? io.mailbridge.mailbox.ews.stubs.BodyTypeType.TEXT
              : io.mailbridge.mailbox.ews.stubs.BodyTypeType.HTML);
      body.setValue(text ? item.body : "<html><body><p>" + item.body + "</p></body></html>");
      found.setBody(body);
    }
    if (fields.contains(UnindexedFieldURIType.ITEM_LAST_MODIFIED_TIME)) {
      found.setLastModifiedTime(time(item.modified));
    }
    if (fields.contains(UnindexedFieldURIType.CALENDAR_UID)) {
      found.setUID(item.uid);
    }
    if (fields.contains(UnindexedFieldURIType.CALENDAR_START)) {
      found.setStart(time(item.start));
    }
    if (fields.contains(UnindexedFieldURIType.CALENDAR_END)) {
      found.setEnd(time(item.end));
    }
    if (fields.contains(UnindexedFieldURIType.CALENDAR_IS_ALL_DAY_EVENT)) {
      found.setIsAllDayEvent(item.allDay);
    }
    if (fields.contains(UnindexedFieldURIType.CALENDAR_LOCATION)) {
      found.setLocation(item.location);
    }
    if (fields.contains(UnindexedFieldURIType.CALENDAR_REQUIRED_ATTENDEES)
        && !item.attendees.isEmpty()) {
      NonEmptyArrayOfAttendeesType attendees = new NonEmptyArrayOfAttendeesType();
      for (String address : item.attendees) {
        io.mailbridge.mailbox.ews.stubs.EmailAddressType mailbox =
            new io.mailbridge.mailbox.ews.stubs.EmailAddressType();
        mailbox.setEmailAddress(address);
        io.mailbridge.mailbox.ews.stubs.AttendeeType attendee =
            new io.mailbridge.mailbox.ews.stubs.AttendeeType();
        attendee.setMailbox(mailbox);
        attendees.getAttendee().add(attendee);
      }
      found.setRequiredAttendees(attendees);
    }
    if (fields.contains(UnindexedFieldURIType.CALENDAR_RECURRENCE)) {
      found.setRecurrence(item.recurrence);
    }
    if (fields.contains(UnindexedFieldURIType.CALENDAR_START_TIME_ZONE)) {
      // Exchange names the zone of every item; one made without a zone is in UTC.
      io.mailbridge.mailbox.ews.stubs.TimeZoneDefinitionType zone =
          new io.mailbridge.mailbox.ews.stubs.TimeZoneDefinitionType();
      zone.setId(item.startTimeZone == null ? "UTC" : item.startTimeZone);
      found.setStartTimeZone(zone);
    }
    if (fields.contains(UnindexedFieldURIType.CALENDAR_MODIFIED_OCCURRENCES)
        && item.recurrence != null
        && !item.moved.isEmpty()) {
      NonEmptyArrayOfOccurrenceInfoType modified = new NonEmptyArrayOfOccurrenceInfoType();
      new java.util.TreeMap<>(item.moved)
          .forEach(
              (index, moved) -> {
                OccurrenceInfoType occurrence = new OccurrenceInfoType();
                ItemIdType id = new ItemIdType();
                id.setId(moved.id());
                id.setChangeKey(item.changeKey());
                occurrence.setItemId(id);
                occurrence.setStart(time(moved.start()));
                occurrence.setEnd(time(moved.end()));
                occurrence.setOriginalStart(time(item.occurrenceStart(index)));
                modified.getOccurrence().add(occurrence);
              });
      found.setModifiedOccurrences(modified);
    }
    if (fields.contains(UnindexedFieldURIType.CALENDAR_DELETED_OCCURRENCES)
        && item.recurrence != null
        && !item.deleted.isEmpty()) {
      NonEmptyArrayOfDeletedOccurrencesType deleted = new NonEmptyArrayOfDeletedOccurrencesType();
      new java.util.TreeSet<>(item.deleted)
          .forEach(
              index -> {
                DeletedOccurrenceInfoType occurrence = new DeletedOccurrenceInfoType();
                occurrence.setStart(time(item.occurrenceStart(index)));
                deleted.getDeletedOccurrence().add(occurrence);
              });
      found.setDeletedOccurrences(deleted);
    }
    List<String> asked = askedProperties(shape.getAdditionalProperties());
    item.properties.entrySet().stream()
        .filter(e -> asked.contains(e.getKey()))
        .forEach(e -> found.getExtendedProperty().add(property(e.getKey(), e.getValue())));
    answer(message, found);
  }

  /**
   * SyncFolderItems of the impersonated mailbox's Calendar: its change log after the sync state, at
   * most {@code MaxChangesReturned} entries, one change per item; CalendarItem elements with their
   * ids only (IdOnly shape).
   */
  private void syncCalendar(
      SyncFolderItemsResponseMessageType message,
      SyncFolderItemsType request,
      ExchangeImpersonationType impersonation,
      RequestServerVersion requestVersion) {
    String mailbox = impersonationProblem(message, impersonation, requestVersion);
    if (mailbox == null) {
      return;
    }
    int max = request.getMaxChangesReturned();
    if (max < 1 || max > 512) {
      error(message, "ErrorSchemaValidation", "The request failed schema validation.");
      return;
    }
    FakeExchange.FakeMailbox box =
        exchange.mailboxes.computeIfAbsent(mailbox, m -> new FakeExchange.FakeMailbox());
    Integer from = position(request.getSyncState(), box.generation, "calendar");
    if (from == null) {
      error(
          message,
          "ErrorInvalidSyncStateData",
          "Synchronization state data is corrupt or otherwise invalid.");
      return;
    }
    List<FakeCalendar.Change> log = exchange.calendar.logOf(mailbox);
    int to = Math.min(log.size(), from + Math.min(max, exchange.maxChangesPerCall));
    Map<String, String> kinds = new java.util.LinkedHashMap<>();
    for (FakeCalendar.Change change : log.subList(from, to)) {
      String before = kinds.get(change.itemId());
      if ("Create".equals(before) && "Delete".equals(change.kind())) {
        kinds.remove(change.itemId());
      } else if (!"Create".equals(before)) {
        kinds.put(change.itemId(), change.kind());
      }
    }
    ObjectFactory factory = new ObjectFactory();
    SyncFolderItemsChangesType changes = new SyncFolderItemsChangesType();
    kinds.forEach(
        (id, kind) -> {
          if ("Delete".equals(kind)) {
            SyncFolderItemsDeleteType delete = new SyncFolderItemsDeleteType();
            ItemIdType itemId = new ItemIdType();
            itemId.setId(id);
            delete.setItemId(itemId);
            changes
                .getCreateOrUpdateOrDelete()
                .add(factory.createSyncFolderItemsChangesTypeDelete(delete));
            return;
          }
          FakeCalendar.Item item = exchange.calendar.items.get(id);
          if (item == null) {
            return; // deleted after this window: the Delete comes later
          }
          SyncFolderItemsCreateOrUpdateType createOrUpdate =
              new SyncFolderItemsCreateOrUpdateType();
          createOrUpdate.setCalendarItem(idOnly(item));
          changes
              .getCreateOrUpdateOrDelete()
              .add(
                  "Create".equals(kind)
                      ? factory.createSyncFolderItemsChangesTypeCreate(createOrUpdate)
                      : factory.createSyncFolderItemsChangesTypeUpdate(createOrUpdate));
        });
    message.setResponseClass(ResponseClassType.SUCCESS);
    message.setResponseCode("NoError");
    message.setSyncState(state(box.generation, "calendar", to));
    message.setIncludesLastItemInRange(to == log.size());
    message.setChanges(changes);
  }

  private static boolean unknownZone(io.mailbridge.mailbox.ews.stubs.TimeZoneDefinitionType zone) {
    return zone != null && !FakeCalendar.ZONES.containsKey(zone.getId());
  }

  /**
   * The series master an OccurrenceItemId names, or null after writing the error Exchange gives:
   * ErrorItemNotFound for another mailbox's or no item,
   * ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange for an index outside the series,
   * ErrorCalendarOccurrenceIsDeletedFromRecurrence for a deleted occurrence.
   */
  private FakeCalendar.Item master(
      ResponseMessageType message, OccurrenceItemIdType occurrence, String mailbox) {
    FakeCalendar.Item master = exchange.calendar.items.get(occurrence.getRecurringMasterId());
    if (master == null || !master.mailbox.equals(mailbox) || master.recurrence == null) {
      error(message, "ErrorItemNotFound", "The specified object was not found in the store.");
      return null;
    }
    int index = occurrence.getInstanceIndex();
    if (master.occurrenceStart(index) == null) {
      error(
          message,
          "ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange",
          "The occurrence index is out of recurrence range.");
      return null;
    }
    if (master.deleted.contains(index)) {
      error(
          message,
          "ErrorCalendarOccurrenceIsDeletedFromRecurrence",
          "Occurrence with this index was previously deleted from the recurrence.");
      return null;
    }
    return master;
  }

  /**
   * GetItem of one occurrence by its OccurrenceItemId: its own ItemId (with the master's ChangeKey,
   * which Exchange shares between a master and its occurrences), Start, End and OriginalStart as
   * asked.
   */
  private void getOccurrence(
      ItemInfoResponseMessageType message,
      ExchangeImpersonationType impersonation,
      OccurrenceItemIdType occurrence,
      ItemResponseShapeType shape) {
    FakeCalendar.Item stored = exchange.calendar.items.get(occurrence.getRecurringMasterId());
    String refused = impersonationProblem(impersonation, stored == null ? null : stored.mailbox);
    if (refused != null) {
      error(message, refused, "The specified object was not found in the store.");
      return;
    }
    FakeCalendar.Item master =
        master(message, occurrence, impersonation.getConnectingSID().getPrimarySmtpAddress());
    if (master == null) {
      return;
    }
    int index = occurrence.getInstanceIndex();
    java.util.Set<UnindexedFieldURIType> fields = new java.util.HashSet<>();
    if (shape.getAdditionalProperties() != null) {
      for (Object path :
          shape.getAdditionalProperties().getFieldURIOrIndexedFieldURIOrExtendedFieldURI()) {
        if (path instanceof PathToUnindexedFieldType f) {
          fields.add(f.getFieldURI());
        }
      }
    }
    Instant original = master.occurrenceStart(index);
    FakeCalendar.Item.Moved moved = master.moved.get(index);
    Duration length = Duration.between(master.start, master.end);
    CalendarItemType found = new CalendarItemType();
    ItemIdType id = new ItemIdType();
    id.setId(moved != null ? moved.id() : "AAMkADoccurrence" + index + "x" + master.id);
    id.setChangeKey(master.changeKey());
    found.setItemId(id);
    if (fields.contains(UnindexedFieldURIType.CALENDAR_START)) {
      found.setStart(time(moved != null ? moved.start() : original));
    }
    if (fields.contains(UnindexedFieldURIType.CALENDAR_END)) {
      found.setEnd(time(moved != null ? moved.end() : original.plus(length)));
    }
    if (fields.contains(UnindexedFieldURIType.CALENDAR_ORIGINAL_START)) {
      found.setOriginalStart(time(original));
    }
    answer(message, found);
  }

  /**
   * UpdateItem of one occurrence by its OccurrenceItemId: Start and End only (a moved occurrence),
   * with the calendar's rules for ConflictResolution, SendMeetingInvitationsOrCancellations and a
   * ChangeKey (the master's); the master gets a new ChangeKey and an Update in the log.
   */
  private void updateOccurrence(
      UpdateItemResponseMessageType message,
      UpdateItemType request,
      ItemChangeType change,
      String mailbox) {
    if (calendarUpdateRefused(message, request)) {
      return;
    }
    OccurrenceItemIdType occurrence = change.getOccurrenceItemId();
    int index = occurrence.getInstanceIndex();
    synchronized (exchange.calendar) {
      FakeCalendar.Item master = master(message, occurrence, mailbox);
      if (master == null) {
        return;
      }
      String sent = occurrence.getChangeKey();
      if (sent != null
          && !sent.equals(master.changeKey())
          && request.getConflictResolution() == ConflictResolutionType.NEVER_OVERWRITE) {
        exchange.calendar.irresolvableConflicts.incrementAndGet();
        irresolvable(message);
        return;
      }
      FakeCalendar.Item.Moved before = master.moved.get(index);
      Instant original = master.occurrenceStart(index);
      Instant start = before != null ? before.start() : original;
      Instant end =
          before != null ? before.end() : original.plus(Duration.between(master.start, master.end));
      for (Object update : change.getUpdates().getSetItemFieldOrDeleteItemField()) {
        if (!(update instanceof SetItemFieldType set)
            || set.getFieldURI() == null
            || set.getCalendarItem() == null
            || carriedCount(set.getCalendarItem()) != 1) {
          error(message, "ErrorInvalidPropertySet", "This fake moves occurrences only.");
          return;
        }
        switch (set.getFieldURI().getFieldURI()) {
          case CALENDAR_START -> start = instant(set.getCalendarItem().getStart());
          case CALENDAR_END -> end = instant(set.getCalendarItem().getEnd());
          default -> {
            error(message, "ErrorInvalidPropertySet", "This fake moves occurrences only.");
            return;
          }
        }
      }
      if (end.isBefore(start)) {
        error(
            message, "ErrorCalendarEndDateIsEarlierThanStartDate", "The end is before the start.");
        return;
      }
      if (crossesANeighbour(master, index, start)) {
        error(
            message,
            "ErrorOccurrenceCrossingBoundary",
            "An occurrence cannot be moved to or before the day of the previous occurrence, or"
                + " to or after the day of the next one.");
        return;
      }
      String id =
          before != null
              ? before.id()
              : "AAMkADoccurrence" + java.util.UUID.randomUUID().toString().replace("-", "") + "=";
      master.moved.put(index, new FakeCalendar.Item.Moved(id, start, end));
      exchange.calendar.changed(master);
      exchange.calendar.notices.add(
          new FakeCalendar.Notice(
              "UpdateItem",
              master.id + "#" + index,
              request.getSendMeetingInvitationsOrCancellations().value()));
      message.setResponseClass(ResponseClassType.SUCCESS);
      message.setResponseCode("NoError");
      message.setItems(new ArrayOfRealItemsType());
      CalendarItemType written = new CalendarItemType();
      ItemIdType itemId = new ItemIdType();
      itemId.setId(id);
      itemId.setChangeKey(master.changeKey());
      written.setItemId(itemId);
      message.getItems().getItemOrMessageOrCalendarItem().add(written);
      ConflictResultsType conflicts = new ConflictResultsType();
      conflicts.setCount(0);
      message.setConflictResults(conflicts);
    }
  }

  /**
   * Whether {@code start} is on or before the day of the occurrence before {@code index}, or on or
   * after the day of the one after it (as they are now, moved or not), in the series' zone.
   */
  private static boolean crossesANeighbour(FakeCalendar.Item master, int index, Instant start) {
    java.time.ZoneId zone = FakeCalendar.zoneOf(master.startTimeZone);
    java.time.LocalDate day = start.atZone(zone).toLocalDate();
    for (int neighbour : new int[] {index - 1, index + 1}) {
      Instant original = master.occurrenceStart(neighbour);
      if (original == null || master.deleted.contains(neighbour)) {
        continue;
      }
      FakeCalendar.Item.Moved moved = master.moved.get(neighbour);
      java.time.LocalDate other =
          (moved != null ? moved.start() : original).atZone(zone).toLocalDate();
      if (neighbour < index ? !day.isAfter(other) : !day.isBefore(other)) {
        return true;
      }
    }
    return false;
  }

  /**
   * DeleteItem of one occurrence by its OccurrenceItemId: the master lists it among its
   * DeletedOccurrences afterwards and gets a new ChangeKey; SendMeetingCancellations is required.
   */
  private void deleteOccurrence(
      ResponseMessageType message,
      DeleteItemType request,
      OccurrenceItemIdType occurrence,
      String mailbox) {
    if (request.getDeleteType() == null) {
      error(message, "ErrorSchemaValidation", "DeleteType is required.");
      return;
    }
    if (request.getSendMeetingCancellations() == null) {
      error(
          message,
          "ErrorSendMeetingCancellationsRequired",
          "SendMeetingCancellations is required for calendar items.");
      return;
    }
    synchronized (exchange.calendar) {
      FakeCalendar.Item master = master(message, occurrence, mailbox);
      if (master == null) {
        return;
      }
      int index = occurrence.getInstanceIndex();
      master.moved.remove(index);
      master.deleted.add(index);
      exchange.calendar.changed(master);
      exchange.calendar.notices.add(
          new FakeCalendar.Notice(
              "DeleteItem",
              master.id + "#" + index,
              request.getSendMeetingCancellations().value()));
    }
    message.setResponseClass(ResponseClassType.SUCCESS);
    message.setResponseCode("NoError");
  }

  private static CalendarItemType idOnly(FakeCalendar.Item item) {
    CalendarItemType found = new CalendarItemType();
    ItemIdType id = new ItemIdType();
    id.setId(item.id);
    id.setChangeKey(item.changeKey());
    found.setItemId(id);
    return found;
  }

  /** Applies SetItemField and DeleteItemField to a contact; an error code when one is wrong. */
  private static String apply(FakeContacts.Contact contact, List<Object> updates) {
    Map<String, String> next = new java.util.HashMap<>(contact.fields);
    for (Object update : updates) {
      if (update instanceof SetItemFieldType set) {
        String name = fieldName(set.getFieldURI(), set.getIndexedFieldURI());
        ContactItemType value = set.getContact();
        if (name == null || value == null) {
          return "ErrorInvalidPropertySet";
        }
        Map<String, String> carried = carried(value);
        if (carried.size() != 1 || !carried.containsKey(name)) {
          return "ErrorIncorrectUpdatePropertyCount";
        }
        next.put(name, carried.get(name));
      } else if (update instanceof DeleteItemFieldType delete) {
        String name = fieldName(delete.getFieldURI(), delete.getIndexedFieldURI());
        if (name == null) {
          return "ErrorInvalidPropertyDelete";
        }
        next.remove(name);
      }
    }
    contact.fields.clear();
    contact.fields.putAll(next);
    return null;
  }

  private static String fieldName(PathToUnindexedFieldType field, PathToIndexedFieldType indexed) {
    if (field != null) {
      String uri = field.getFieldURI().value();
      return uri.startsWith("contacts:") && !uri.endsWith("es") ? uri.substring(9) : null;
    }
    if (indexed != null) {
      String uri = indexed.getFieldURI().value();
      if (uri.equals("contacts:EmailAddress")
          && indexed.getFieldIndex().matches("EmailAddress[123]")) {
        return indexed.getFieldIndex();
      }
      if (uri.equals("contacts:PhoneNumber") && indexed.getFieldIndex().equals("BusinessPhone")) {
        return "BusinessPhone";
      }
    }
    return null;
  }

  /** The fields a Contact element carries, by the fake's names. */
  private static Map<String, String> carried(ContactItemType contact) {
    Map<String, String> fields = new java.util.HashMap<>();
    if (contact.getDisplayName() != null) {
      fields.put("DisplayName", contact.getDisplayName());
    }
    if (contact.getGivenName() != null) {
      fields.put("GivenName", contact.getGivenName());
    }
    if (contact.getCompanyName() != null) {
      fields.put("CompanyName", contact.getCompanyName());
    }
    if (contact.getEmailAddresses() != null) {
      for (EmailAddressDictionaryEntryType entry : contact.getEmailAddresses().getEntry()) {
        fields.put(entry.getKey().value(), entry.getValue());
      }
    }
    if (contact.getPhoneNumbers() != null) {
      for (PhoneNumberDictionaryEntryType entry : contact.getPhoneNumbers().getEntry()) {
        fields.put(entry.getKey(), entry.getValue());
      }
    }
    if (contact.getJobTitle() != null) {
      fields.put("JobTitle", contact.getJobTitle());
    }
    if (contact.getSurname() != null) {
      fields.put("Surname", contact.getSurname());
    }
    return fields;
  }

  private static void write(FakeContacts.Contact contact, ContactItemType value) {
    contact.fields.putAll(carried(value));
  }

  private static ContactItemType idOnly(FakeContacts.Contact contact) {
    ContactItemType item = new ContactItemType();
    ItemIdType id = new ItemIdType();
    id.setId(contact.id);
    id.setChangeKey(contact.changeKey());
    item.setItemId(id);
    return item;
  }

  private static boolean inFolders(
      NonEmptyArrayOfBaseFolderIdsType folders, DistinguishedFolderIdNameType name) {
    return folders != null
        && folders.getFolderIdOrDistinguishedFolderId().size() == 1
        && folders.getFolderIdOrDistinguishedFolderId().get(0)
            instanceof DistinguishedFolderIdType id
        && id.getId() == name;
  }

  /** The named properties AdditionalProperties asks for, as "propertySetId|name" keys. */
  private static List<String> askedProperties(NonEmptyArrayOfPathsToElementType paths) {
    if (paths == null) {
      return List.of();
    }
    return paths.getFieldURIOrIndexedFieldURIOrExtendedFieldURI().stream()
        .filter(PathToExtendedFieldType.class::isInstance)
        .map(p -> key((PathToExtendedFieldType) p))
        .toList();
  }

  private static String key(PathToExtendedFieldType uri) {
    return (uri.getPropertySetId() == null ? "" : uri.getPropertySetId().toLowerCase(Locale.ROOT))
        + "|"
        + uri.getPropertyName();
  }

  private static ExtendedPropertyType property(String key, String value) {
    String[] parts = key.split("\\|", 2);
    PathToExtendedFieldType uri = new PathToExtendedFieldType();
    uri.setPropertySetId(parts[0]);
    uri.setPropertyName(parts[1]);
    uri.setPropertyType(io.mailbridge.mailbox.ews.stubs.MapiPropertyTypeType.STRING);
    ExtendedPropertyType property = new ExtendedPropertyType();
    property.setExtendedFieldURI(uri);
    property.setValue(value);
    return property;
  }

  /**
   * Whether an UpdateItem of a calendar item lacks an attribute Exchange requires for one (the
   * error written).
   */
  private static boolean calendarUpdateRefused(
      ResponseMessageType message, UpdateItemType request) {
    if (request.getConflictResolution() == null) {
      error(message, "ErrorSchemaValidation", "ConflictResolution is required.");
      return true;
    }
    if (request.getSendMeetingInvitationsOrCancellations() == null) {
      error(
          message,
          "ErrorSendMeetingInvitationsOrCancellationsRequired",
          "SendMeetingInvitationsOrCancellations is required for calendar items.");
      return true;
    }
    return false;
  }

  /** A found item as the one item of a successful answer. */
  private static void answer(ItemInfoResponseMessageType message, ItemType found) {
    message.setResponseClass(ResponseClassType.SUCCESS);
    message.setResponseCode("NoError");
    ArrayOfRealItemsType items = new ArrayOfRealItemsType();
    items.getItemOrMessageOrCalendarItem().add(found);
    message.setItems(items);
  }

  /** Exchange's answer to a stale ChangeKey under NeverOverwrite. */
  private static void irresolvable(ResponseMessageType message) {
    error(
        message,
        "ErrorIrresolvableConflict",
        "The send or update operation could not be performed because the change key passed"
            + " in the request does not match the current change key for the item.");
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
