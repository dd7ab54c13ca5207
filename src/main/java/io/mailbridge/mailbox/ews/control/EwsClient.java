package io.mailbridge.mailbox.ews.control;

import io.mailbridge.mailbox.control.ChangePositionExpired;
import io.mailbridge.mailbox.control.ProviderAnswerTooLarge;
import io.mailbridge.mailbox.control.ProviderBusy;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.mailbox.control.ProviderTimeout;
import io.mailbridge.mailbox.control.SendRefused;
import io.mailbridge.mailbox.ews.stubs.ArrayOfCalendarEvent;
import io.mailbridge.mailbox.ews.stubs.ArrayOfContactsFoldersType;
import io.mailbridge.mailbox.ews.stubs.ArrayOfMailboxData;
import io.mailbridge.mailbox.ews.stubs.AttachmentInfoResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.AttachmentResponseShapeType;
import io.mailbridge.mailbox.ews.stubs.AttachmentType;
import io.mailbridge.mailbox.ews.stubs.BaseItemIdType;
import io.mailbridge.mailbox.ews.stubs.BasePathToElementType;
import io.mailbridge.mailbox.ews.stubs.BodyTypeResponseType;
import io.mailbridge.mailbox.ews.stubs.CalendarEvent;
import io.mailbridge.mailbox.ews.stubs.CalendarItemCreateOrDeleteOperationType;
import io.mailbridge.mailbox.ews.stubs.CalendarItemType;
import io.mailbridge.mailbox.ews.stubs.CalendarItemUpdateOperationType;
import io.mailbridge.mailbox.ews.stubs.ConflictResolutionType;
import io.mailbridge.mailbox.ews.stubs.ConnectingSIDType;
import io.mailbridge.mailbox.ews.stubs.ConstantValueType;
import io.mailbridge.mailbox.ews.stubs.ContactItemType;
import io.mailbridge.mailbox.ews.stubs.ContactsFolderInfoResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.ContactsFolderType;
import io.mailbridge.mailbox.ews.stubs.CreateFolderResponseType;
import io.mailbridge.mailbox.ews.stubs.CreateFolderType;
import io.mailbridge.mailbox.ews.stubs.CreateItemResponseType;
import io.mailbridge.mailbox.ews.stubs.CreateItemType;
import io.mailbridge.mailbox.ews.stubs.DayOfWeekType;
import io.mailbridge.mailbox.ews.stubs.DefaultShapeNamesType;
import io.mailbridge.mailbox.ews.stubs.DeleteItemResponseType;
import io.mailbridge.mailbox.ews.stubs.DeleteItemType;
import io.mailbridge.mailbox.ews.stubs.DisposalType;
import io.mailbridge.mailbox.ews.stubs.DistinguishedFolderIdNameType;
import io.mailbridge.mailbox.ews.stubs.DistinguishedFolderIdType;
import io.mailbridge.mailbox.ews.stubs.EmailAddress;
import io.mailbridge.mailbox.ews.stubs.ExchangeImpersonationType;
import io.mailbridge.mailbox.ews.stubs.ExchangeServicePortType;
import io.mailbridge.mailbox.ews.stubs.ExchangeServices;
import io.mailbridge.mailbox.ews.stubs.ExchangeVersionType;
import io.mailbridge.mailbox.ews.stubs.FieldURIOrConstantType;
import io.mailbridge.mailbox.ews.stubs.FindFolderResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.FindFolderResponseType;
import io.mailbridge.mailbox.ews.stubs.FindFolderType;
import io.mailbridge.mailbox.ews.stubs.FindItemResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.FindItemResponseType;
import io.mailbridge.mailbox.ews.stubs.FindItemType;
import io.mailbridge.mailbox.ews.stubs.FolderIdType;
import io.mailbridge.mailbox.ews.stubs.FolderInfoResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.FolderQueryTraversalType;
import io.mailbridge.mailbox.ews.stubs.FolderResponseShapeType;
import io.mailbridge.mailbox.ews.stubs.FreeBusyResponseType;
import io.mailbridge.mailbox.ews.stubs.FreeBusyView;
import io.mailbridge.mailbox.ews.stubs.FreeBusyViewOptionsType;
import io.mailbridge.mailbox.ews.stubs.FreeBusyViewType;
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
import io.mailbridge.mailbox.ews.stubs.IndexBasePointType;
import io.mailbridge.mailbox.ews.stubs.IndexedPageViewType;
import io.mailbridge.mailbox.ews.stubs.ItemChangeType;
import io.mailbridge.mailbox.ews.stubs.ItemIdType;
import io.mailbridge.mailbox.ews.stubs.ItemInfoResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.ItemQueryTraversalType;
import io.mailbridge.mailbox.ews.stubs.ItemResponseShapeType;
import io.mailbridge.mailbox.ews.stubs.ItemType;
import io.mailbridge.mailbox.ews.stubs.MailboxData;
import io.mailbridge.mailbox.ews.stubs.MapiPropertyTypeType;
import io.mailbridge.mailbox.ews.stubs.MeetingAttendeeType;
import io.mailbridge.mailbox.ews.stubs.MessageDispositionType;
import io.mailbridge.mailbox.ews.stubs.MessageType;
import io.mailbridge.mailbox.ews.stubs.MimeContentType;
import io.mailbridge.mailbox.ews.stubs.NonEmptyArrayOfAllItemsType;
import io.mailbridge.mailbox.ews.stubs.NonEmptyArrayOfBaseFolderIdsType;
import io.mailbridge.mailbox.ews.stubs.NonEmptyArrayOfBaseItemIdsType;
import io.mailbridge.mailbox.ews.stubs.NonEmptyArrayOfItemChangeDescriptionsType;
import io.mailbridge.mailbox.ews.stubs.NonEmptyArrayOfItemChangesType;
import io.mailbridge.mailbox.ews.stubs.NonEmptyArrayOfNotificationEventTypesType;
import io.mailbridge.mailbox.ews.stubs.NonEmptyArrayOfPathsToElementType;
import io.mailbridge.mailbox.ews.stubs.NonEmptyArrayOfRequestAttachmentIdsType;
import io.mailbridge.mailbox.ews.stubs.NotificationEventTypeType;
import io.mailbridge.mailbox.ews.stubs.NotificationType;
import io.mailbridge.mailbox.ews.stubs.OccurrenceItemIdType;
import io.mailbridge.mailbox.ews.stubs.PathToExtendedFieldType;
import io.mailbridge.mailbox.ews.stubs.PathToUnindexedFieldType;
import io.mailbridge.mailbox.ews.stubs.PullSubscriptionRequestType;
import io.mailbridge.mailbox.ews.stubs.PushSubscriptionRequestType;
import io.mailbridge.mailbox.ews.stubs.RequestAttachmentIdType;
import io.mailbridge.mailbox.ews.stubs.RequestServerVersion;
import io.mailbridge.mailbox.ews.stubs.ResponseClassType;
import io.mailbridge.mailbox.ews.stubs.ResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.RestrictionType;
import io.mailbridge.mailbox.ews.stubs.SerializableTimeZone;
import io.mailbridge.mailbox.ews.stubs.SerializableTimeZoneTime;
import io.mailbridge.mailbox.ews.stubs.ServerVersionInfo;
import io.mailbridge.mailbox.ews.stubs.StreamingSubscriptionRequestType;
import io.mailbridge.mailbox.ews.stubs.SubscribeResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.SubscribeResponseType;
import io.mailbridge.mailbox.ews.stubs.SubscribeType;
import io.mailbridge.mailbox.ews.stubs.SyncFolderItemsResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.SyncFolderItemsResponseType;
import io.mailbridge.mailbox.ews.stubs.SyncFolderItemsScopeType;
import io.mailbridge.mailbox.ews.stubs.SyncFolderItemsType;
import io.mailbridge.mailbox.ews.stubs.TargetFolderIdType;
import io.mailbridge.mailbox.ews.stubs.TwoOperandExpressionType;
import io.mailbridge.mailbox.ews.stubs.UnindexedFieldURIType;
import io.mailbridge.mailbox.ews.stubs.UnsubscribeResponseType;
import io.mailbridge.mailbox.ews.stubs.UnsubscribeType;
import io.mailbridge.mailbox.ews.stubs.UpdateItemResponseType;
import io.mailbridge.mailbox.ews.stubs.UpdateItemType;
import io.mailbridge.platform.outbound.control.OutboundCall;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.outbound.control.OutboundLimits;
import io.mailbridge.platform.problem.DomainProblem;
import io.mailbridge.platform.problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.xml.soap.SOAPFault;
import jakarta.xml.ws.BindingProvider;
import jakarta.xml.ws.Holder;
import jakarta.xml.ws.WebServiceException;
import jakarta.xml.ws.soap.SOAPFaultException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.xml.datatype.DatatypeConfigurationException;
import javax.xml.datatype.DatatypeConstants;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.datatype.XMLGregorianCalendar;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Calls Exchange Web Services through the generated stubs: one endpoint and credential per call,
 * {@code RequestServerVersion} on every request, {@code ErrorServerBusy} retried after the server's
 * back-off, and every other failure turned into an answer the caller can show.
 */
@ApplicationScoped
public class EwsClient {

  private static final Logger LOG = Logger.getLogger(EwsClient.class.getName());
  static final ExchangeVersionType REQUEST_VERSION = ExchangeVersionType.EXCHANGE_2013_SP_1;

  // Busy answers come inside the SOAP message (HTTP 200 or 500), so in the metrics they are what
  // their HTTP status says; each retry is a call of its own.
  private static final OutboundCall GET_ITEM = new OutboundCall("ews", "get_item");
  private static final OutboundCall GET_ATTACHMENT = new OutboundCall("ews", "get_attachment");
  private static final OutboundCall GET_FOLDER = new OutboundCall("ews", "get_folder");
  private static final OutboundCall SYNC_FOLDER_ITEMS =
      new OutboundCall("ews", "sync_folder_items");
  private static final OutboundCall CREATE_ITEM = new OutboundCall("ews", "create_item");
  private static final OutboundCall FIND_ITEM = new OutboundCall("ews", "find_item");
  private static final OutboundCall SUBSCRIBE = new OutboundCall("ews", "subscribe");
  private static final OutboundCall GET_EVENTS = new OutboundCall("ews", "get_events");
  private static final OutboundCall UNSUBSCRIBE = new OutboundCall("ews", "unsubscribe");
  private static final OutboundCall GET_USER_AVAILABILITY =
      new OutboundCall("ews", "get_user_availability");
  private static final OutboundCall FIND_FOLDER = new OutboundCall("ews", "find_folder");
  private static final OutboundCall CREATE_FOLDER = new OutboundCall("ews", "create_folder");
  private static final OutboundCall UPDATE_ITEM = new OutboundCall("ews", "update_item");
  private static final OutboundCall DELETE_ITEM = new OutboundCall("ews", "delete_item");

  @Inject OutboundHttp outbound;

  @Inject
  @ConfigProperty(name = "mailbridge.ews.timeout", defaultValue = "PT60S")
  Duration timeout;

  /** Attachments of up to 25 MB arrive base64-encoded inside XML: a third larger, plus markup. */
  @Inject
  @ConfigProperty(name = "mailbridge.ews.max-response-bytes", defaultValue = "41943040")
  long maxResponseBytes;

  @Inject
  @ConfigProperty(name = "mailbridge.ews.busy-attempts", defaultValue = "3")
  int busyAttempts;

  @Inject
  @ConfigProperty(name = "mailbridge.ews.max-backoff", defaultValue = "PT10S")
  Duration maxBackoff;

  private volatile ExchangeServices service;
  private final Queue<ExchangeServicePortType> idlePorts = new ConcurrentLinkedQueue<>();

  /** GetItem with the MIME content and the given properties of one item. */
  ItemType getItem(EwsCall call, String itemId, List<PathToExtendedFieldType> extendedProperties) {
    GetItemType request = new GetItemType();
    ItemResponseShapeType shape = new ItemResponseShapeType();
    shape.setBaseShape(DefaultShapeNamesType.ID_ONLY);
    shape.setIncludeMimeContent(true);
    NonEmptyArrayOfPathsToElementType properties = new NonEmptyArrayOfPathsToElementType();
    properties
        .getFieldURIOrIndexedFieldURIOrExtendedFieldURI()
        .add(field(UnindexedFieldURIType.ITEM_SUBJECT));
    properties
        .getFieldURIOrIndexedFieldURIOrExtendedFieldURI()
        .add(field(UnindexedFieldURIType.ITEM_ATTACHMENTS));
    properties
        .getFieldURIOrIndexedFieldURIOrExtendedFieldURI()
        .add(field(UnindexedFieldURIType.MESSAGE_INTERNET_MESSAGE_ID));
    properties.getFieldURIOrIndexedFieldURIOrExtendedFieldURI().addAll(extendedProperties);
    shape.setAdditionalProperties(properties);
    request.setItemShape(shape);
    NonEmptyArrayOfBaseItemIdsType ids = new NonEmptyArrayOfBaseItemIdsType();
    ids.getItemIdOrOccurrenceItemId().add(itemId(itemId));
    request.setItemIds(ids);
    GetItemResponseType response =
        impersonated(
            call,
            busyAttempts,
            GET_ITEM,
            (Operation<GetItemResponseType>) (p, i, v, r, s) -> p.getItem(request, i, v, r, s),
            r -> r.getResponseMessages().getGetItemResponseMessageOrGetAttachmentResponseMessage());
    ItemInfoResponseMessageType message =
        (ItemInfoResponseMessageType)
            single(
                response
                    .getResponseMessages()
                    .getGetItemResponseMessageOrGetAttachmentResponseMessage());
    if (message.getItems() == null
        || message.getItems().getItemOrMessageOrCalendarItem().isEmpty()) {
      throw new NotFound("The email");
    }
    return message.getItems().getItemOrMessageOrCalendarItem().get(0);
  }

  /** GetAttachment for these ids, item attachments with their MIME content. */
  List<AttachmentType> getAttachments(EwsCall call, List<String> attachmentIds) {
    GetAttachmentType request = new GetAttachmentType();
    AttachmentResponseShapeType shape = new AttachmentResponseShapeType();
    shape.setIncludeMimeContent(true);
    request.setAttachmentShape(shape);
    NonEmptyArrayOfRequestAttachmentIdsType ids = new NonEmptyArrayOfRequestAttachmentIdsType();
    for (String attachmentId : attachmentIds) {
      RequestAttachmentIdType id = new RequestAttachmentIdType();
      id.setId(attachmentId);
      ids.getAttachmentId().add(id);
    }
    request.setAttachmentIds(ids);
    GetAttachmentResponseType response =
        impersonated(
            call,
            busyAttempts,
            GET_ATTACHMENT,
            (Operation<GetAttachmentResponseType>)
                (p, i, v, r, s) -> p.getAttachment(request, i, v, r, s),
            r -> r.getResponseMessages().getGetItemResponseMessageOrGetAttachmentResponseMessage());
    List<AttachmentType> attachments = new ArrayList<>();
    for (ResponseMessageType message :
        response.getResponseMessages().getGetItemResponseMessageOrGetAttachmentResponseMessage()) {
      check(message);
      AttachmentInfoResponseMessageType info = (AttachmentInfoResponseMessageType) message;
      if (info.getAttachments() != null) {
        attachments.addAll(info.getAttachments().getItemAttachmentOrFileAttachment());
      }
    }
    return attachments;
  }

  /**
   * GetItem for a batch of items with the given properties only (no MIME), impersonating {@code
   * call.impersonate()}; items gone since (ErrorItemNotFound) are left out. A busy server is not
   * waited for here: {@link ProviderBusy} carries its back-off to the caller at once.
   */
  List<ItemType> getItems(
      EwsCall call, List<String> itemIds, List<BasePathToElementType> properties) {
    return getItems(call, itemIds, properties, false);
  }

  /** {@link #getItems(EwsCall, List, List)}, the bodies as plain text when {@code textBody}. */
  List<ItemType> getItems(
      EwsCall call,
      List<String> itemIds,
      List<BasePathToElementType> properties,
      boolean textBody) {
    return getItemsById(
        call, itemIds.stream().map(EwsClient::itemId).toList(), properties, textBody);
  }

  /**
   * {@link #getItems(EwsCall, List, List, boolean)} by ids of any kind (an {@code OccurrenceItemId}
   * names one occurrence of a series by its master and its place in it).
   */
  List<ItemType> getItemsById(
      EwsCall call,
      List<? extends BaseItemIdType> itemIds,
      List<BasePathToElementType> properties,
      boolean textBody) {
    if (itemIds.isEmpty()) {
      return List.of();
    }
    GetItemType request = new GetItemType();
    ItemResponseShapeType shape = new ItemResponseShapeType();
    shape.setBaseShape(DefaultShapeNamesType.ID_ONLY);
    if (textBody) {
      shape.setBodyType(BodyTypeResponseType.TEXT);
    }
    NonEmptyArrayOfPathsToElementType paths = new NonEmptyArrayOfPathsToElementType();
    paths.getFieldURIOrIndexedFieldURIOrExtendedFieldURI().addAll(properties);
    shape.setAdditionalProperties(paths);
    request.setItemShape(shape);
    NonEmptyArrayOfBaseItemIdsType ids = new NonEmptyArrayOfBaseItemIdsType();
    ids.getItemIdOrOccurrenceItemId().addAll(itemIds);
    request.setItemIds(ids);
    GetItemResponseType response =
        impersonated(
            call,
            1,
            GET_ITEM,
            (Operation<GetItemResponseType>) (p, i, v, r, s) -> p.getItem(request, i, v, r, s),
            r -> r.getResponseMessages().getGetItemResponseMessageOrGetAttachmentResponseMessage());
    List<ItemType> items = new ArrayList<>();
    for (ResponseMessageType message :
        response.getResponseMessages().getGetItemResponseMessageOrGetAttachmentResponseMessage()) {
      try {
        check(message);
      } catch (NotFound gone) {
        continue; // deleted between SyncFolderItems and GetItem
      }
      ItemInfoResponseMessageType info = (ItemInfoResponseMessageType) message;
      if (info.getItems() != null) {
        items.addAll(info.getItems().getItemOrMessageOrCalendarItem());
      }
    }
    return items;
  }

  /**
   * One SyncFolderItems call on a well-known folder, impersonating {@code call.impersonate()}: the
   * changes after {@code syncState} (null: from the start), at most {@code maxChanges} (1–512).
   * {@code ErrorInvalidSyncStateData} is {@link ChangePositionExpired}; a busy server is {@link
   * ProviderBusy} with its back-off at once (capture waits in the job queue, not on a thread).
   */
  SyncFolderItemsResponseMessageType syncFolderItems(
      EwsCall call,
      DistinguishedFolderIdNameType folder,
      String syncState,
      int maxChanges,
      List<BasePathToElementType> properties) {
    TargetFolderIdType target = new TargetFolderIdType();
    DistinguishedFolderIdType id = new DistinguishedFolderIdType();
    id.setId(folder);
    target.setDistinguishedFolderId(id);
    return syncFolderItems(call, target, syncState, maxChanges, properties);
  }

  /** {@link #syncFolderItems} on a folder named by its id (a folder Mailbridge made). */
  SyncFolderItemsResponseMessageType syncFolderItems(
      EwsCall call,
      TargetFolderIdType target,
      String syncState,
      int maxChanges,
      List<BasePathToElementType> properties) {
    SyncFolderItemsType request = new SyncFolderItemsType();
    ItemResponseShapeType shape = new ItemResponseShapeType();
    shape.setBaseShape(DefaultShapeNamesType.ID_ONLY);
    if (!properties.isEmpty()) {
      NonEmptyArrayOfPathsToElementType paths = new NonEmptyArrayOfPathsToElementType();
      paths.getFieldURIOrIndexedFieldURIOrExtendedFieldURI().addAll(properties);
      shape.setAdditionalProperties(paths);
    }
    request.setItemShape(shape);
    request.setSyncFolderId(target);
    request.setSyncState(syncState);
    request.setMaxChangesReturned(Math.max(1, Math.min(512, maxChanges)));
    request.setSyncScope(SyncFolderItemsScopeType.NORMAL_ITEMS);
    SyncFolderItemsResponseType response =
        impersonated(
            call,
            1,
            SYNC_FOLDER_ITEMS,
            (Operation<SyncFolderItemsResponseType>)
                (p, i, v, r, s) -> p.syncFolderItems(request, i, v, r, s),
            r ->
                r.getResponseMessages() == null
                    ? List.of()
                    : r.getResponseMessages().getSyncFolderItemsResponseMessage());
    if (response == null
        || response.getResponseMessages() == null
        || response.getResponseMessages().getSyncFolderItemsResponseMessage().isEmpty()) {
      throw new ProviderRefused("exchange_error", "Exchange answered without a response message");
    }
    SyncFolderItemsResponseMessageType message =
        response.getResponseMessages().getSyncFolderItemsResponseMessage().get(0);
    if (message.getResponseClass() == ResponseClassType.ERROR
        && "ErrorInvalidSyncStateData".equals(message.getResponseCode())) {
      throw new ChangePositionExpired(
          "Exchange no longer knows the stored sync state (ErrorInvalidSyncStateData)");
    }
    check(message);
    if (message.getSyncState() == null) {
      throw new ProviderRefused("exchange_error", "Exchange answered without a sync state");
    }
    return message;
  }

  /**
   * FindFolder with Shallow traversal under a well-known folder of the mailbox the call acts as:
   * its contact folders (other kinds are skipped by the binding) with their display name and the
   * given extended properties, up to {@code max}. A busy server is {@link ProviderBusy} at once.
   */
  List<ContactsFolderType> contactFolders(
      EwsCall call,
      DistinguishedFolderIdNameType parent,
      List<BasePathToElementType> properties,
      int max) {
    FindFolderType request = new FindFolderType();
    request.setTraversal(FolderQueryTraversalType.SHALLOW);
    FolderResponseShapeType shape = new FolderResponseShapeType();
    shape.setBaseShape(DefaultShapeNamesType.ID_ONLY);
    NonEmptyArrayOfPathsToElementType paths = new NonEmptyArrayOfPathsToElementType();
    paths
        .getFieldURIOrIndexedFieldURIOrExtendedFieldURI()
        .add(field(UnindexedFieldURIType.FOLDER_DISPLAY_NAME));
    paths.getFieldURIOrIndexedFieldURIOrExtendedFieldURI().addAll(properties);
    shape.setAdditionalProperties(paths);
    request.setFolderShape(shape);
    IndexedPageViewType view = new IndexedPageViewType();
    view.setMaxEntriesReturned(max);
    view.setOffset(0);
    view.setBasePoint(IndexBasePointType.BEGINNING);
    request.setIndexedPageFolderView(view);
    NonEmptyArrayOfBaseFolderIdsType folders = new NonEmptyArrayOfBaseFolderIdsType();
    folders.getFolderIdOrDistinguishedFolderId().add(folder(parent));
    request.setParentFolderIds(folders);
    FindFolderResponseType response =
        impersonated(
            call,
            1,
            FIND_FOLDER,
            (Operation<FindFolderResponseType>)
                (p, i, v, r, s) -> p.findFolder(request, i, v, r, s),
            r ->
                r.getResponseMessages() == null
                    ? List.of()
                    : r.getResponseMessages().getFindFolderResponseMessage());
    if (response.getResponseMessages() == null) {
      throw new ProviderRefused("exchange_error", "Exchange answered without a response message");
    }
    FindFolderResponseMessageType message =
        (FindFolderResponseMessageType)
            single(response.getResponseMessages().getFindFolderResponseMessage(), true);
    if (message.getRootFolder() == null || message.getRootFolder().getFolders() == null) {
      return List.of();
    }
    return message.getRootFolder().getFolders().getContactsFolder();
  }

  /**
   * CreateFolder of this contact folder under a well-known folder; answers the new folder's id. Not
   * retried when busy: the caller looks for the folder again before making it once more.
   */
  String createContactFolder(
      EwsCall call, DistinguishedFolderIdNameType parent, ContactsFolderType folder) {
    CreateFolderType request = new CreateFolderType();
    TargetFolderIdType target = new TargetFolderIdType();
    target.setDistinguishedFolderId(folder(parent));
    request.setParentFolderId(target);
    ArrayOfContactsFoldersType folders = new ArrayOfContactsFoldersType();
    folders.getContactsFolder().add(folder);
    request.setFolders(folders);
    CreateFolderResponseType response =
        impersonated(
            call,
            1,
            CREATE_FOLDER,
            (Operation<CreateFolderResponseType>)
                (p, i, v, r, s) -> p.createFolder(request, i, v, r, s),
            r ->
                r.getResponseMessages() == null
                    ? List.of()
                    : r.getResponseMessages().getCreateFolderResponseMessage());
    if (response.getResponseMessages() == null) {
      throw new ProviderRefused("exchange_error", "Exchange answered without a response message");
    }
    ContactsFolderInfoResponseMessageType message =
        (ContactsFolderInfoResponseMessageType)
            single(response.getResponseMessages().getCreateFolderResponseMessage(), true);
    if (message.getFolders() != null) {
      for (ContactsFolderType made : message.getFolders().getContactsFolder()) {
        if (made.getFolderId() != null && made.getFolderId().getId() != null) {
          return made.getFolderId().getId();
        }
      }
    }
    throw new ProviderRefused(
        "exchange_error", "Exchange answered CreateFolder without the folder");
  }

  /**
   * One CreateItem of these contacts in a folder named by its id ({@code SavedItemFolderId});
   * answers their ids and ChangeKeys in the same order. Not retried when busy (a lost answer would
   * make them twice). A contact Exchange refused fails the call; the ones it made carry their
   * marks, so sync pairs them later.
   */
  List<ItemIdType> createContacts(EwsCall call, String folderId, List<ContactItemType> contacts) {
    CreateItemType request = new CreateItemType();
    TargetFolderIdType target = new TargetFolderIdType();
    FolderIdType id = new FolderIdType();
    id.setId(folderId);
    target.setFolderId(id);
    request.setSavedItemFolderId(target);
    return create(call, request, contacts);
  }

  /**
   * CreateItem of this calendar item in the calendar of the mailbox the call acts as, telling the
   * attendees as {@code send} says; answers the new item's id and ChangeKey. Not retried when busy
   * (a lost answer would make two).
   */
  ItemIdType createCalendarItem(
      EwsCall call, CalendarItemType item, CalendarItemCreateOrDeleteOperationType send) {
    CreateItemType request = new CreateItemType();
    request.setSendMeetingInvitations(send);
    TargetFolderIdType target = new TargetFolderIdType();
    target.setDistinguishedFolderId(folder(DistinguishedFolderIdNameType.CALENDAR));
    request.setSavedItemFolderId(target);
    return createOne(call, request, item);
  }

  /**
   * CreateItem of one item as {@code request} says where, once (a lost answer would make two);
   * answers the new item's id and ChangeKey.
   */
  private ItemIdType createOne(EwsCall call, CreateItemType request, ItemType item) {
    return create(call, request, List.of(item)).get(0);
  }

  /** CreateItem of these items as {@code request} says where, once; one id per item, in order. */
  private List<ItemIdType> create(
      EwsCall call, CreateItemType request, List<? extends ItemType> toCreate) {
    NonEmptyArrayOfAllItemsType items = new NonEmptyArrayOfAllItemsType();
    items.getItemOrMessageOrCalendarItem().addAll(toCreate);
    request.setItems(items);
    CreateItemResponseType response =
        impersonated(
            call,
            1,
            CREATE_ITEM,
            (Operation<CreateItemResponseType>)
                (p, i, v, r, s) -> p.createItem(request, i, v, r, s),
            r -> List.copyOf(r.getResponseMessages().getCreateItemResponseMessage()));
    List<? extends ResponseMessageType> messages =
        response.getResponseMessages().getCreateItemResponseMessage();
    if (messages.size() != toCreate.size()) {
      throw new ProviderRefused(
          "exchange_error",
          "Exchange answered CreateItem of "
              + toCreate.size()
              + " items with "
              + messages.size()
              + " response messages");
    }
    List<ItemIdType> made = new ArrayList<>(messages.size());
    for (ResponseMessageType message : messages) {
      check(message);
      made.add(firstItemId((ItemInfoResponseMessageType) message, "CreateItem"));
    }
    return made;
  }

  /**
   * UpdateItem of one item with {@code ConflictResolution="NeverOverwrite"}: the changes apply only
   * while the item still has the ChangeKey of {@code item}; Exchange answers a stale one with
   * {@code ErrorIrresolvableConflict} ({@link EwsRefused}). Answers the item's new id and
   * ChangeKey. {@code changes} are SetItemField and DeleteItemField elements.
   */
  ItemIdType updateItem(EwsCall call, ItemIdType item, List<Object> changes) {
    return updateItem(call, item, changes, null);
  }

  /**
   * {@link #updateItem(EwsCall, ItemIdType, List)} of a calendar item: {@code
   * SendMeetingInvitationsOrCancellations}, which Exchange requires for one, says whom it tells.
   */
  ItemIdType updateItem(
      EwsCall call,
      BaseItemIdType item,
      List<Object> changes,
      CalendarItemUpdateOperationType send) {
    UpdateItemType request = new UpdateItemType();
    request.setConflictResolution(ConflictResolutionType.NEVER_OVERWRITE);
    request.setSendMeetingInvitationsOrCancellations(send);
    ItemChangeType change = new ItemChangeType();
    if (item instanceof OccurrenceItemIdType occurrence) {
      change.setOccurrenceItemId(occurrence);
    } else {
      change.setItemId((ItemIdType) item);
    }
    NonEmptyArrayOfItemChangeDescriptionsType updates =
        new NonEmptyArrayOfItemChangeDescriptionsType();
    updates.getSetItemFieldOrDeleteItemField().addAll(changes);
    change.setUpdates(updates);
    NonEmptyArrayOfItemChangesType itemChanges = new NonEmptyArrayOfItemChangesType();
    itemChanges.getItemChange().add(change);
    request.setItemChanges(itemChanges);
    UpdateItemResponseType response =
        impersonated(
            call,
            1,
            UPDATE_ITEM,
            (Operation<UpdateItemResponseType>)
                (p, i, v, r, s) -> p.updateItem(request, i, v, r, s),
            r -> List.copyOf(r.getResponseMessages().getUpdateItemResponseMessage()));
    ItemInfoResponseMessageType message =
        (ItemInfoResponseMessageType)
            single(response.getResponseMessages().getUpdateItemResponseMessage(), true);
    return firstItemId(message, "UpdateItem");
  }

  /**
   * DeleteItem of one item into the mailbox's Deleted Items (a person can still get it back);
   * {@link NotFound} when it is gone already.
   */
  void deleteItem(EwsCall call, String itemId) {
    deleteItem(call, itemId, null);
  }

  /**
   * {@link #deleteItem(EwsCall, String)} of a calendar item: {@code SendMeetingCancellations},
   * which Exchange requires for one, says whom it tells.
   */
  void deleteItem(EwsCall call, String itemId, CalendarItemCreateOrDeleteOperationType cancel) {
    deleteItem(call, itemId(itemId), cancel);
  }

  /**
   * {@link #deleteItem(EwsCall, String, CalendarItemCreateOrDeleteOperationType)} by an id of any
   * kind: an {@code OccurrenceItemId} deletes one occurrence of a series (its master lists it among
   * its DeletedOccurrences afterwards).
   */
  void deleteItem(
      EwsCall call, BaseItemIdType item, CalendarItemCreateOrDeleteOperationType cancel) {
    DeleteItemType request = new DeleteItemType();
    request.setDeleteType(DisposalType.MOVE_TO_DELETED_ITEMS);
    request.setSendMeetingCancellations(cancel);
    NonEmptyArrayOfBaseItemIdsType ids = new NonEmptyArrayOfBaseItemIdsType();
    ids.getItemIdOrOccurrenceItemId().add(item);
    request.setItemIds(ids);
    DeleteItemResponseType response =
        impersonated(
            call,
            1,
            DELETE_ITEM,
            (Operation<DeleteItemResponseType>)
                (p, i, v, r, s) -> p.deleteItem(request, i, v, r, s),
            r -> r.getResponseMessages().getDeleteItemResponseMessage());
    single(response.getResponseMessages().getDeleteItemResponseMessage());
  }

  private static ItemIdType itemId(String id) {
    ItemIdType itemId = new ItemIdType();
    itemId.setId(id);
    return itemId;
  }

  private static ItemIdType firstItemId(ItemInfoResponseMessageType message, String operation) {
    if (message.getItems() != null) {
      for (ItemType item : message.getItems().getItemOrMessageOrCalendarItem()) {
        if (item.getItemId() != null && item.getItemId().getId() != null) {
          return item.getItemId();
        }
      }
    }
    throw new ProviderRefused(
        "exchange_error", "Exchange answered " + operation + " without the item");
  }

  /**
   * GetFolder Inbox once, impersonating {@code call.impersonate()} when given, without retrying a
   * busy answer: what a connectivity diagnosis reports.
   */
  InboxProbe probeInbox(EwsCall call) {
    GetFolderType request = new GetFolderType();
    FolderResponseShapeType shape = new FolderResponseShapeType();
    shape.setBaseShape(DefaultShapeNamesType.DEFAULT);
    request.setFolderShape(shape);
    NonEmptyArrayOfBaseFolderIdsType ids = new NonEmptyArrayOfBaseFolderIdsType();
    DistinguishedFolderIdType inbox = new DistinguishedFolderIdType();
    inbox.setId(DistinguishedFolderIdNameType.INBOX);
    ids.getFolderIdOrDistinguishedFolderId().add(inbox);
    request.setFolderIds(ids);
    ExchangeImpersonationType impersonation = impersonation(call);
    Holder<GetFolderResponseType> result = new Holder<>();
    Holder<ServerVersionInfo> version = new Holder<>();
    try {
      result.value =
          invoke(
              call,
              GET_FOLDER,
              impersonation,
              null,
              version,
              (p, i, v, r, s) -> p.getFolder(request, i, v, r, s));
    } catch (SOAPFaultException fault) {
      String code = faultCode(fault.getFault());
      Duration backoff =
          "ErrorServerBusy".equals(code) ? backoffOf(fault.getFault().getDetail()) : null;
      return InboxProbe.failed(code, backoff, fault.getFault().getFaultString(), 500);
    } catch (EwsTransportFailure failure) {
      return InboxProbe.transport(failure);
    } catch (WebServiceException e) {
      LOG.log(Level.INFO, "EWS call to " + call.endpoint().getHost() + " failed", e);
      return InboxProbe.failed(null, null, "Exchange's answer could not be understood", 0);
    }
    String serverVersion = describe(version.value);
    if (result.value == null
        || result.value.getResponseMessages() == null
        || result.value.getResponseMessages().getGetFolderResponseMessage().isEmpty()) {
      return InboxProbe.failed(null, null, "Exchange answered without a response message", 200)
          .withVersion(serverVersion);
    }
    FolderInfoResponseMessageType message =
        result.value.getResponseMessages().getGetFolderResponseMessage().get(0);
    if (message.getResponseClass() == ResponseClassType.ERROR) {
      Duration backoff = null;
      if ("ErrorServerBusy".equals(message.getResponseCode())) {
        backoff = Duration.ZERO;
        if (message.getMessageXml() != null) {
          for (Object any : message.getMessageXml().getAny()) {
            if (any instanceof Element element && !backoffOf(element).isZero()) {
              backoff = backoffOf(element);
            }
          }
        }
      }
      return InboxProbe.failed(message.getResponseCode(), backoff, message.getMessageText(), 200)
          .withVersion(serverVersion);
    }
    Integer total = null;
    if (message.getFolders() != null && !message.getFolders().getFolder().isEmpty()) {
      total = message.getFolders().getFolder().get(0).getTotalCount();
    }
    return InboxProbe.succeeded(serverVersion, total);
  }

  /**
   * CreateItem with {@code MessageDisposition="SendAndSaveCopy"}: sends this RFC 822 message as
   * {@code MimeContent} from the mailbox the call is made as, a copy kept in its Sent Items.
   * Exchange answers without an item id. A busy answer is retried here (Exchange did nothing then);
   * every other failure reaches the caller, who looks into Sent Items before trying again.
   */
  void sendAndSaveCopy(EwsCall call, byte[] mime) {
    CreateItemType request = new CreateItemType();
    request.setMessageDisposition(MessageDispositionType.SEND_AND_SAVE_COPY);
    TargetFolderIdType folder = new TargetFolderIdType();
    folder.setDistinguishedFolderId(folder(DistinguishedFolderIdNameType.SENTITEMS));
    request.setSavedItemFolderId(folder);
    MessageType message = new MessageType();
    MimeContentType content = new MimeContentType();
    content.setCharacterSet("UTF-8");
    content.setValue(Base64.getEncoder().encodeToString(mime));
    message.setMimeContent(content);
    NonEmptyArrayOfAllItemsType items = new NonEmptyArrayOfAllItemsType();
    items.getItemOrMessageOrCalendarItem().add(message);
    request.setItems(items);
    ExchangeImpersonationType impersonation = impersonation(call);
    CreateItemResponseType response =
        withRetries(
            call,
            () ->
                invoke(
                    call,
                    CREATE_ITEM,
                    impersonation,
                    (Operation<CreateItemResponseType>)
                        (p, i, v, r, s) -> p.createItem(request, i, v, r, s)),
            r -> List.copyOf(r.getResponseMessages().getCreateItemResponseMessage()),
            true);
    checkSend(single(response.getResponseMessages().getCreateItemResponseMessage(), false));
  }

  /**
   * FindItem in Sent Items with a restriction {@code IsEqualTo message:InternetMessageId}: whether
   * a message with this Message-ID (angle brackets included) is there.
   */
  boolean sentItemWith(EwsCall call, String internetMessageId) {
    TwoOperandExpressionType equal = new TwoOperandExpressionType();
    equal.setFieldURI(field(UnindexedFieldURIType.MESSAGE_INTERNET_MESSAGE_ID));
    FindItemResponseMessageType message =
        findFirst(
            call, DistinguishedFolderIdNameType.SENTITEMS, equal, internetMessageId, List.of());
    Integer total = message.getRootFolder().getTotalItemsInView();
    return (total != null && total > 0)
        || (message.getRootFolder().getItems() != null
            && !message.getRootFolder().getItems().getItemOrMessageOrCalendarItem().isEmpty());
  }

  /**
   * FindItem in the calendar with a restriction {@code IsEqualTo} on this extended property: the
   * first calendar item carrying {@code value} (its id and {@code calendar:UID}), or empty.
   * Refusals are worded as {@link #createMeeting}'s, for the look-up precedes the creation.
   */
  Optional<CalendarItemType> calendarItemWith(
      EwsCall call, PathToExtendedFieldType property, String value) {
    TwoOperandExpressionType equal = new TwoOperandExpressionType();
    equal.setExtendedFieldURI(property);
    FindItemResponseMessageType message =
        findFirst(
            call,
            DistinguishedFolderIdNameType.CALENDAR,
            equal,
            value,
            List.of(field(UnindexedFieldURIType.CALENDAR_UID)));
    if (message.getRootFolder().getItems() == null) {
      return Optional.empty();
    }
    return message.getRootFolder().getItems().getItemOrMessageOrCalendarItem().stream()
        .filter(CalendarItemType.class::isInstance)
        .map(CalendarItemType.class::cast)
        .filter(item -> item.getItemId() != null && item.getItemId().getId() != null)
        .findFirst();
  }

  /** FindItem of at most one item of {@code folder} whose property {@code equal} names is value. */
  private FindItemResponseMessageType findFirst(
      EwsCall call,
      DistinguishedFolderIdNameType folder,
      TwoOperandExpressionType equal,
      String value,
      List<BasePathToElementType> properties) {
    FindItemType request = new FindItemType();
    request.setTraversal(ItemQueryTraversalType.SHALLOW);
    ItemResponseShapeType shape = new ItemResponseShapeType();
    shape.setBaseShape(DefaultShapeNamesType.ID_ONLY);
    if (!properties.isEmpty()) {
      NonEmptyArrayOfPathsToElementType paths = new NonEmptyArrayOfPathsToElementType();
      paths.getFieldURIOrIndexedFieldURIOrExtendedFieldURI().addAll(properties);
      shape.setAdditionalProperties(paths);
    }
    request.setItemShape(shape);
    IndexedPageViewType view = new IndexedPageViewType();
    view.setMaxEntriesReturned(1);
    view.setOffset(0);
    view.setBasePoint(IndexBasePointType.BEGINNING);
    request.setIndexedPageItemView(view);
    ConstantValueType constant = new ConstantValueType();
    constant.setValue(value);
    FieldURIOrConstantType operand = new FieldURIOrConstantType();
    operand.setConstant(constant);
    equal.setFieldURIOrConstant(operand);
    RestrictionType restriction = new RestrictionType();
    restriction.setIsEqualTo(equal);
    request.setRestriction(restriction);
    NonEmptyArrayOfBaseFolderIdsType folders = new NonEmptyArrayOfBaseFolderIdsType();
    folders.getFolderIdOrDistinguishedFolderId().add(folder(folder));
    request.setParentFolderIds(folders);
    ExchangeImpersonationType impersonation = impersonation(call);
    FindItemResponseType response =
        withRetries(
            call,
            () ->
                invoke(
                    call,
                    FIND_ITEM,
                    impersonation,
                    (Operation<FindItemResponseType>)
                        (p, i, v, r, s) -> p.findItem(request, i, v, r, s)),
            r -> List.copyOf(r.getResponseMessages().getFindItemResponseMessage()),
            true);
    FindItemResponseMessageType message =
        (FindItemResponseMessageType)
            single(response.getResponseMessages().getFindItemResponseMessage(), false);
    checkSend(message);
    if (message.getRootFolder() == null) {
      throw new ProviderRefused("exchange_error", "Exchange answered FindItem without a folder");
    }
    return message;
  }

  /**
   * CreateItem of this calendar item in the calendar of the mailbox the call acts as, with {@code
   * SendMeetingInvitations="SendToAllAndSaveCopy"}: Exchange sends the invitation to the attendees
   * from that mailbox and keeps a copy in its Sent Items. Answers the new item's id. A busy answer
   * is retried here (Exchange made nothing then); a refusal that will not pass is {@link
   * SendRefused}.
   */
  String createMeeting(EwsCall call, CalendarItemType meeting) {
    CreateItemType request = new CreateItemType();
    request.setSendMeetingInvitations(
        CalendarItemCreateOrDeleteOperationType.SEND_TO_ALL_AND_SAVE_COPY);
    TargetFolderIdType target = new TargetFolderIdType();
    target.setDistinguishedFolderId(folder(DistinguishedFolderIdNameType.CALENDAR));
    request.setSavedItemFolderId(target);
    NonEmptyArrayOfAllItemsType items = new NonEmptyArrayOfAllItemsType();
    items.getItemOrMessageOrCalendarItem().add(meeting);
    request.setItems(items);
    ExchangeImpersonationType impersonation = impersonation(call);
    CreateItemResponseType response =
        withRetries(
            call,
            () ->
                invoke(
                    call,
                    CREATE_ITEM,
                    impersonation,
                    (Operation<CreateItemResponseType>)
                        (p, i, v, r, s) -> p.createItem(request, i, v, r, s)),
            r -> List.copyOf(r.getResponseMessages().getCreateItemResponseMessage()),
            true);
    ItemInfoResponseMessageType message =
        (ItemInfoResponseMessageType)
            single(response.getResponseMessages().getCreateItemResponseMessage(), false);
    checkSend(message);
    if (message.getItems() != null) {
      for (ItemType item : message.getItems().getItemOrMessageOrCalendarItem()) {
        if (item.getItemId() != null && item.getItemId().getId() != null) {
          return item.getItemId().getId();
        }
      }
    }
    throw new ProviderRefused("exchange_error", "Exchange answered CreateItem without the meeting");
  }

  /**
   * GetUserAvailability of one mailbox between {@code from} and {@code to} (whole seconds, at most
   * 42 days apart: Exchange's limit), FreeBusy view: the calendar's occurrences with their times
   * and BusyType, nothing else of them. The request's TimeZone is UTC (every bias 0), the zone
   * MS-OXWAVLS says the window is read in and the answer's times are given in; so both travel as
   * UTC wall-clock times. A busy answer is retried after its back-off.
   */
  List<CalendarEvent> freeBusy(EwsCall call, String address, Instant from, Instant to) {
    GetUserAvailabilityRequestType request = new GetUserAvailabilityRequestType();
    request.setTimeZone(utc());
    EmailAddress email = new EmailAddress();
    email.setAddress(address);
    MailboxData mailbox = new MailboxData();
    mailbox.setEmail(email);
    mailbox.setAttendeeType(MeetingAttendeeType.REQUIRED);
    ArrayOfMailboxData mailboxes = new ArrayOfMailboxData();
    mailboxes.getMailboxData().add(mailbox);
    request.setMailboxDataArray(mailboxes);
    io.mailbridge.mailbox.ews.stubs.Duration window =
        new io.mailbridge.mailbox.ews.stubs.Duration();
    window.setStartTime(wallClockUtc(from));
    window.setEndTime(wallClockUtc(to));
    FreeBusyViewOptionsType options = new FreeBusyViewOptionsType();
    options.setTimeWindow(window);
    options.setRequestedView(FreeBusyViewType.FREE_BUSY);
    request.setFreeBusyViewOptions(options);
    ExchangeImpersonationType impersonation = impersonation(call);
    GetUserAvailabilityResponseType response =
        withRetries(
            call,
            () ->
                invoke(
                    call,
                    GET_USER_AVAILABILITY,
                    impersonation,
                    (Operation<GetUserAvailabilityResponseType>)
                        (p, i, v, r, s) -> p.getUserAvailability(request, i, v, r, s)),
            EwsClient::freeBusyMessages,
            false);
    List<FreeBusyResponseType> answers =
        response.getFreeBusyResponseArray() == null
            ? List.of()
            : response.getFreeBusyResponseArray().getFreeBusyResponse();
    if (answers.isEmpty()) {
      throw new ProviderRefused(
          "exchange_error", "Exchange answered GetUserAvailability without a free/busy response");
    }
    FreeBusyResponseType answer = answers.get(0);
    ResponseMessageType message = answer.getResponseMessage();
    if (message != null && message.getResponseClass() == ResponseClassType.ERROR) {
      throw exchangeError(message.getResponseCode());
    }
    FreeBusyView view = answer.getFreeBusyView();
    if (view == null) {
      throw new ProviderRefused(
          "exchange_error", "Exchange answered GetUserAvailability without a free/busy view");
    }
    ArrayOfCalendarEvent events = view.getCalendarEventArray();
    return events == null ? List.of() : events.getCalendarEvent();
  }

  // GetUserAvailability has no ResponseMessages: each mailbox's answer carries its own message.
  private static List<ResponseMessageType> freeBusyMessages(GetUserAvailabilityResponseType r) {
    if (r.getFreeBusyResponseArray() == null) {
      return List.of();
    }
    return r.getFreeBusyResponseArray().getFreeBusyResponse().stream()
        .map(FreeBusyResponseType::getResponseMessage)
        .filter(Objects::nonNull)
        .toList();
  }

  /** A notification subscription Exchange opened: its id and, for a pull one, its watermark. */
  record Subscription(String id, String watermark) {}

  /** The events capture follows: a new or changed message in a followed folder. */
  static final List<NotificationEventTypeType> FOLLOWED_EVENTS =
      List.of(
          NotificationEventTypeType.NEW_MAIL_EVENT,
          NotificationEventTypeType.CREATED_EVENT,
          NotificationEventTypeType.MODIFIED_EVENT,
          NotificationEventTypeType.MOVED_EVENT,
          NotificationEventTypeType.COPIED_EVENT,
          NotificationEventTypeType.DELETED_EVENT);

  /**
   * Subscribe with {@code StreamingSubscriptionRequest} on these folders, impersonating {@code
   * call.impersonate()} with server affinity ({@code affinity} keeps the cookie Exchange sets). A
   * server that will not stream answers {@link EwsRefused#streamingRefused()}.
   */
  Subscription subscribeStreaming(
      EwsCall call, List<DistinguishedFolderIdNameType> folders, EwsAffinity affinity) {
    StreamingSubscriptionRequestType streaming = new StreamingSubscriptionRequestType();
    streaming.setFolderIds(folderIds(folders));
    streaming.setEventTypes(eventTypes());
    SubscribeType request = new SubscribeType();
    request.setStreamingSubscriptionRequest(streaming);
    return subscribe(call, request, affinity);
  }

  /**
   * Subscribe with {@code PullSubscriptionRequest}: Exchange keeps the events for {@code
   * timeoutMinutes} (1–1 440) after the last {@code GetEvents}.
   */
  Subscription subscribePull(
      EwsCall call,
      List<DistinguishedFolderIdNameType> folders,
      int timeoutMinutes,
      EwsAffinity affinity) {
    PullSubscriptionRequestType pull = new PullSubscriptionRequestType();
    pull.setFolderIds(folderIds(folders));
    pull.setEventTypes(eventTypes());
    pull.setTimeout(Math.max(1, Math.min(1440, timeoutMinutes)));
    SubscribeType request = new SubscribeType();
    request.setPullSubscriptionRequest(pull);
    return subscribe(call, request, affinity);
  }

  /**
   * Subscribe with {@code PushSubscriptionRequest}: Exchange posts {@code SendNotification} to
   * {@code url} for each change, and a {@code StatusEvent} after {@code statusMinutes} (1–1 440)
   * without one.
   */
  Subscription subscribePush(
      EwsCall call,
      List<DistinguishedFolderIdNameType> folders,
      int statusMinutes,
      String url,
      EwsAffinity affinity) {
    PushSubscriptionRequestType push = new PushSubscriptionRequestType();
    push.setFolderIds(folderIds(folders));
    push.setEventTypes(eventTypes());
    push.setStatusFrequency(Math.max(1, Math.min(1440, statusMinutes)));
    push.setURL(url);
    SubscribeType request = new SubscribeType();
    request.setPushSubscriptionRequest(push);
    return subscribe(call, request, affinity);
  }

  private Subscription subscribe(EwsCall call, SubscribeType request, EwsAffinity affinity) {
    SubscribeResponseType response =
        withRetries(
            call,
            1,
            () ->
                invoke(
                    call,
                    SUBSCRIBE,
                    impersonation(call),
                    affinity,
                    new Holder<>(),
                    (Operation<SubscribeResponseType>)
                        (p, i, v, r, s) -> p.subscribe(request, i, v, r, s)),
            r -> r.getResponseMessages().getSubscribeResponseMessage(),
            false);
    SubscribeResponseMessageType message =
        (SubscribeResponseMessageType)
            single(response.getResponseMessages().getSubscribeResponseMessage(), true);
    if (message.getSubscriptionId() == null || message.getSubscriptionId().isBlank()) {
      throw new ProviderRefused("exchange_error", "Exchange subscribed without a subscription id");
    }
    return new Subscription(message.getSubscriptionId(), message.getWatermark());
  }

  /**
   * One {@code GetEvents} on a pull subscription from {@code watermark}: the notification (its
   * events, the last one's watermark, {@code MoreEvents}). A subscription Exchange no longer knows
   * is {@link EwsRefused#subscriptionLost()}.
   */
  NotificationType getEvents(
      EwsCall call, String subscriptionId, String watermark, EwsAffinity affinity) {
    GetEventsType request = new GetEventsType();
    request.setSubscriptionId(subscriptionId);
    request.setWatermark(watermark);
    GetEventsResponseType response =
        withRetries(
            call,
            1,
            () ->
                invoke(
                    call,
                    GET_EVENTS,
                    impersonation(call),
                    affinity,
                    new Holder<>(),
                    (Operation<GetEventsResponseType>)
                        (p, i, v, r, s) -> p.getEvents(request, i, v, r, s)),
            r -> r.getResponseMessages().getGetEventsResponseMessage(),
            false);
    GetEventsResponseMessageType message =
        (GetEventsResponseMessageType)
            single(response.getResponseMessages().getGetEventsResponseMessage(), true);
    return message.getNotification();
  }

  /**
   * {@code Unsubscribe} of a pull or streaming subscription (MS-OXWSNTIF 3.1.4.4; a push one cannot
   * be ended by a call), impersonating {@code call.impersonate()} with the subscription's server
   * affinity. A subscription Exchange no longer knows is {@link EwsRefused#subscriptionLost()}.
   */
  void unsubscribe(EwsCall call, String subscriptionId, EwsAffinity affinity) {
    UnsubscribeType request = new UnsubscribeType();
    request.setSubscriptionId(subscriptionId);
    UnsubscribeResponseType response =
        withRetries(
            call,
            1,
            () ->
                invoke(
                    call,
                    UNSUBSCRIBE,
                    impersonation(call),
                    affinity,
                    new Holder<>(),
                    (Operation<UnsubscribeResponseType>)
                        (p, i, v, r, s) -> p.unsubscribe(request, i, v, r, s)),
            r ->
                r.getResponseMessages() == null
                    ? List.of()
                    : r.getResponseMessages().getUnsubscribeResponseMessage(),
            false);
    if (response.getResponseMessages() == null) {
      throw new ProviderRefused("exchange_error", "Exchange answered without a response message");
    }
    single(response.getResponseMessages().getUnsubscribeResponseMessage(), true);
  }

  private static NonEmptyArrayOfBaseFolderIdsType folderIds(
      List<DistinguishedFolderIdNameType> folders) {
    NonEmptyArrayOfBaseFolderIdsType ids = new NonEmptyArrayOfBaseFolderIdsType();
    for (DistinguishedFolderIdNameType name : folders) {
      ids.getFolderIdOrDistinguishedFolderId().add(folder(name));
    }
    return ids;
  }

  private static NonEmptyArrayOfNotificationEventTypesType eventTypes() {
    NonEmptyArrayOfNotificationEventTypesType types =
        new NonEmptyArrayOfNotificationEventTypesType();
    types.getEventType().addAll(FOLLOWED_EVENTS);
    return types;
  }

  /**
   * The {@code ExchangeImpersonation} header for a call on behalf of a user, or null (for the
   * streaming request, which EwsStream writes itself).
   */
  static ExchangeImpersonationType impersonationOf(EwsCall call) {
    return impersonation(call);
  }

  /**
   * UTC as a SerializableTimeZone: no offset and transitions that change nothing (both biases 0),
   * in the shape Microsoft's availability examples use.
   */
  static SerializableTimeZone utc() {
    SerializableTimeZone zone = new SerializableTimeZone();
    zone.setBias(0);
    zone.setStandardTime(transition((short) 10, (short) 5));
    zone.setDaylightTime(transition((short) 3, (short) 5));
    return zone;
  }

  private static SerializableTimeZoneTime transition(short month, short dayOrder) {
    SerializableTimeZoneTime time = new SerializableTimeZoneTime();
    time.setBias(0);
    time.setTime("02:00:00");
    time.setDayOrder(dayOrder);
    time.setMonth(month);
    time.setDayOfWeek(DayOfWeekType.SUNDAY);
    return time;
  }

  /** The instant as a UTC wall-clock time without an offset, to the second. */
  static XMLGregorianCalendar wallClockUtc(Instant at) {
    LocalDateTime time = LocalDateTime.ofInstant(at, ZoneOffset.UTC);
    return DATATYPES.newXMLGregorianCalendar(
        time.getYear(),
        time.getMonthValue(),
        time.getDayOfMonth(),
        time.getHour(),
        time.getMinute(),
        time.getSecond(),
        DatatypeConstants.FIELD_UNDEFINED,
        DatatypeConstants.FIELD_UNDEFINED);
  }

  /** The instant as an xs:dateTime in UTC ({@code Z}), to the second. */
  static XMLGregorianCalendar utcTime(Instant at) {
    XMLGregorianCalendar time = wallClockUtc(at);
    time.setTimezone(0);
    return time;
  }

  private static final DatatypeFactory DATATYPES = datatypes();

  private static DatatypeFactory datatypes() {
    try {
      return DatatypeFactory.newInstance();
    } catch (DatatypeConfigurationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static DistinguishedFolderIdType folder(DistinguishedFolderIdNameType name) {
    DistinguishedFolderIdType folder = new DistinguishedFolderIdType();
    folder.setId(name);
    return folder;
  }

  /**
   * Codes that say this message or this mailbox will be refused again, whatever the wait: the send
   * fails and the rep is told; any other error code may pass.
   */
  static final java.util.Set<String> SEND_REFUSALS =
      java.util.Set.of(
          "ErrorSendAsDenied",
          "ErrorImpersonateUserDenied",
          "ErrorImpersonationDenied",
          "ErrorNonExistentMailbox",
          "ErrorInvalidRecipients",
          "ErrorMessageSizeExceeded",
          "ErrorQuotaExceeded",
          "ErrorAccessDenied",
          "ErrorAccountDisabled",
          "ErrorMailboxMoveInProgress",
          "ErrorInvalidSmtpAddress",
          "ErrorMimeContentConversionFailed",
          "ErrorMimeContentInvalid",
          "ErrorSchemaValidation");

  private static void checkSend(ResponseMessageType message) {
    if (message.getResponseClass() != ResponseClassType.ERROR) {
      return;
    }
    throw sendError(message.getResponseCode());
  }

  private static ProviderRefused sendError(String code) {
    if (code != null && SEND_REFUSALS.contains(code)) {
      return new SendRefused("exchange_send_refused", "Exchange refused to send it: " + code);
    }
    return exchangeError(code);
  }

  /** The server's version as EWS names it, e.g. {@code 15.2.1544.4 (V2017_07_11)}; or null. */
  static String describe(ServerVersionInfo version) {
    if (version == null || version.getMajorVersion() == null) {
      return null;
    }
    return version.getMajorVersion()
        + "."
        + version.getMinorVersion()
        + "."
        + version.getMajorBuildNumber()
        + "."
        + version.getMinorBuildNumber()
        + (version.getVersion() == null ? "" : " (" + version.getVersion() + ")");
  }

  /**
   * One operation on the impersonated user's mailbox, with the busy retries of {@link
   * #withRetries}: how nearly every EWS call here is made.
   */
  private <T> T impersonated(
      EwsCall call,
      int attempts,
      OutboundCall operation,
      Operation<T> request,
      Function<T, List<? extends ResponseMessageType>> messagesOf) {
    return withRetries(
        call,
        attempts,
        () -> invoke(call, operation, impersonation(call), request),
        messagesOf,
        false);
  }

  private <T> T withRetries(
      EwsCall call,
      Supplier<T> attempt,
      Function<T, List<? extends ResponseMessageType>> messagesOf,
      boolean sending) {
    return withRetries(call, busyAttempts, attempt, messagesOf, sending);
  }

  /** {@code attempts} 1: a busy answer is handed to the caller at once with its back-off. */
  private <T> T withRetries(
      EwsCall call,
      int attempts,
      Supplier<T> attempt,
      Function<T, List<? extends ResponseMessageType>> messagesOf,
      boolean sending) {
    for (int n = 1; ; n++) {
      try {
        T response = attempt.get();
        if (response == null) {
          throw new ProviderRefused("exchange_error", "Exchange answered without a response");
        }
        checkBusy(messagesOf.apply(response));
        return response;
      } catch (ServerBusy busy) {
        if (n >= attempts || busy.backoff.compareTo(maxBackoff) > 0) {
          throw new ProviderBusy(
              "exchange_busy",
              "Exchange is busy; try again in a moment",
              busy.backoff.isZero() ? Duration.ofSeconds(5) : busy.backoff);
        }
        LOG.fine(
            () -> "Exchange at " + call.endpoint().getHost() + " is busy; waiting " + busy.backoff);
        sleep(busy.backoff);
      } catch (SOAPFaultException fault) {
        String code = faultCode(fault.getFault());
        if ("ErrorServerBusy".equals(code)) {
          Duration backoff = backoffOf(fault.getFault().getDetail());
          if (n >= attempts || backoff.compareTo(maxBackoff) > 0) {
            throw new ProviderBusy(
                "exchange_busy",
                "Exchange is busy; try again in a moment",
                backoff.isZero() ? Duration.ofSeconds(5) : backoff);
          }
          sleep(backoff);
          continue;
        }
        // Impersonation and send refusals often come as faults rather than response messages.
        throw sending ? sendError(code) : exchangeError(code);
      } catch (EwsTransportFailure failure) {
        throw transportProblem(failure);
      } catch (WebServiceException e) {
        LOG.log(Level.INFO, "EWS call to " + call.endpoint().getHost() + " failed", e);
        throw new ProviderRefused("exchange_error", "Exchange's answer could not be understood");
      }
    }
  }

  // A busy answer inside a response message (ResponseClass Error) rather than a SOAP fault.
  private static void checkBusy(List<? extends ResponseMessageType> messages) {
    for (ResponseMessageType message : messages) {
      if (message.getResponseClass() == ResponseClassType.ERROR
          && "ErrorServerBusy".equals(message.getResponseCode())) {
        throw new ServerBusy(backoffOf(message));
      }
    }
  }

  /**
   * The {@code BackOffMilliseconds} an error response message carries in its {@code MessageXml}
   * ({@code <t:Value Name="BackOffMilliseconds">}), or zero when it names none.
   */
  static Duration backoffOf(ResponseMessageType message) {
    Duration backoff = Duration.ZERO;
    if (message.getMessageXml() != null) {
      for (Object any : message.getMessageXml().getAny()) {
        if (any instanceof Element element) {
          backoff = backoffOf(element).isZero() ? backoff : backoffOf(element);
        }
      }
    }
    return backoff;
  }

  private static ResponseMessageType single(List<ResponseMessageType> messages) {
    return single(messages, true);
  }

  private static ResponseMessageType single(
      List<? extends ResponseMessageType> messages, boolean check) {
    if (messages.isEmpty()) {
      throw new ProviderRefused("exchange_error", "Exchange answered without a response message");
    }
    ResponseMessageType message = messages.get(0);
    if (check) {
      check(message);
    }
    return message;
  }

  private static void check(ResponseMessageType message) {
    if (message.getResponseClass() != ResponseClassType.ERROR) {
      return;
    }
    String code = message.getResponseCode();
    if ("ErrorItemNotFound".equals(code) || "ErrorInvalidIdMalformed".equals(code)) {
      throw new NotFound("The email (Exchange: " + code + ")");
    }
    throw exchangeError(code);
  }

  private static ProviderRefused exchangeError(String code) {
    return new EwsRefused(code);
  }

  private static DomainProblem transportProblem(EwsTransportFailure failure) {
    return switch (failure.reason()) {
      case TOO_LARGE ->
          new ProviderAnswerTooLarge("The email is larger than Mailbridge accepts from Exchange");
      case TIMEOUT -> new ProviderTimeout("exchange_timeout", "Exchange did not answer in time");
      case REFUSED -> new ProviderRefused("exchange_error", failure.getMessage());
      case FAILED ->
          failure.httpStatus() == 401 || failure.httpStatus() == 403
              ? new ProviderRefused(
                  "exchange_unauthorized",
                  "Exchange refused the callback token; reopen the email and try again")
              : new ProviderRefused("exchange_error", failure.getMessage());
    };
  }

  private static String faultCode(SOAPFault fault) {
    if (fault.getDetail() != null) {
      String detailCode = firstText(fault.getDetail(), "ResponseCode");
      if (detailCode != null) {
        return detailCode;
      }
    }
    return fault.getFaultCodeAsQName() == null ? null : fault.getFaultCodeAsQName().getLocalPart();
  }

  private static Duration backoffOf(Node root) {
    if (root == null) {
      return Duration.ZERO;
    }
    List<Element> candidates = new ArrayList<>();
    if (root instanceof Element element) {
      candidates.add(element);
      NodeList values = element.getElementsByTagNameNS("*", "Value");
      for (int i = 0; i < values.getLength(); i++) {
        candidates.add((Element) values.item(i));
      }
    }
    for (Element value : candidates) {
      if ("Value".equals(value.getLocalName())
          && "BackOffMilliseconds".equals(value.getAttribute("Name"))) {
        try {
          return Duration.ofMillis(Long.parseLong(value.getTextContent().strip()));
        } catch (NumberFormatException e) {
          return Duration.ZERO;
        }
      }
    }
    return Duration.ZERO;
  }

  private static String firstText(Node root, String localName) {
    if (!(root instanceof Element element)) {
      return null;
    }
    NodeList found = element.getElementsByTagNameNS("*", localName);
    return found.getLength() == 0 ? null : found.item(0).getTextContent().strip();
  }

  /** One generated port operation: its request bound, the SOAP headers and the two answers. */
  @FunctionalInterface
  interface Operation<T> {
    void call(
        ExchangeServicePortType port,
        ExchangeImpersonationType impersonation,
        RequestServerVersion version,
        Holder<T> result,
        Holder<ServerVersionInfo> serverVersion);
  }

  private <T> T invoke(
      EwsCall call,
      OutboundCall operation,
      ExchangeImpersonationType impersonation,
      Operation<T> request) {
    Holder<ServerVersionInfo> version = new Holder<>();
    T result = invoke(call, operation, impersonation, null, version, request);
    noteVersion(call, version.value);
    return result;
  }

  /**
   * Runs one operation on a port taken from the pool: the port's request context (endpoint, HTTP
   * leg) is set for this call and cleared afterwards, and a port serves one thread at a time, since
   * a JAX-WS port's request context is not safe to share. Creating a port per request cost a fifth
   * of a backfill's CPU; the pool keeps the ports once made.
   */
  <T> T invoke(
      EwsCall call,
      OutboundCall operation,
      ExchangeImpersonationType impersonation,
      EwsAffinity affinity,
      Holder<ServerVersionInfo> version,
      Operation<T> request) {
    ExchangeServicePortType port = idlePorts.poll();
    if (port == null) {
      port = newPort();
    }
    Map<String, Object> context = ((BindingProvider) port).getRequestContext();
    try {
      context.put(BindingProvider.ENDPOINT_ADDRESS_PROPERTY, call.endpoint().toString());
      context.put(
          EwsHttpLeg.PROPERTY,
          new EwsHttpLeg(
              outbound,
              operation,
              call.endpoint(),
              call.policy(),
              new OutboundLimits(timeout, maxResponseBytes, 0),
              call.authorization(),
              call.trust(),
              call.impersonate(),
              call.ntlm(),
              affinity));
      Holder<T> result = new Holder<>();
      request.call(port, impersonation, requestVersion(), result, version);
      return result.value;
    } finally {
      // Credentials never stay on an idle port (the endpoint is overwritten by the next call).
      context.remove(EwsHttpLeg.PROPERTY);
      idlePorts.offer(port);
    }
  }

  private ExchangeServicePortType newPort() {
    ExchangeServices services = service;
    if (services == null) {
      synchronized (this) {
        if (service == null) {
          service = new ExchangeServices();
        }
        services = service;
      }
    }
    return services.getExchangeServicePort();
  }

  /** Ports created so far and not in use now (by count, never more than the threads calling). */
  int idlePortCount() {
    return idlePorts.size();
  }

  /**
   * The {@code ExchangeImpersonation} header for a call on behalf of a user (its primary SMTP
   * address; the transport sends the same address as {@code X-AnchorMailbox}), or none.
   */
  private static ExchangeImpersonationType impersonation(EwsCall call) {
    if (call.impersonate() == null) {
      return null;
    }
    ExchangeImpersonationType impersonation = new ExchangeImpersonationType();
    ConnectingSIDType sid = new ConnectingSIDType();
    sid.setPrimarySmtpAddress(call.impersonate());
    impersonation.setConnectingSID(sid);
    return impersonation;
  }

  private static RequestServerVersion requestVersion() {
    RequestServerVersion version = new RequestServerVersion();
    version.setVersion(REQUEST_VERSION);
    return version;
  }

  private static void noteVersion(EwsCall call, ServerVersionInfo version) {
    if (version != null) {
      LOG.fine(
          () ->
              "Exchange at "
                  + call.endpoint().getHost()
                  + " is version "
                  + version.getMajorVersion()
                  + "."
                  + version.getMinorVersion()
                  + "."
                  + version.getMajorBuildNumber()
                  + " ("
                  + version.getVersion()
                  + ")");
    }
  }

  static PathToUnindexedFieldType field(UnindexedFieldURIType uri) {
    PathToUnindexedFieldType field = new PathToUnindexedFieldType();
    field.setFieldURI(uri);
    return field;
  }

  static PathToExtendedFieldType stringProperty(String propertySetId, String name) {
    PathToExtendedFieldType property = new PathToExtendedFieldType();
    property.setPropertySetId(propertySetId);
    property.setPropertyName(name);
    property.setPropertyType(MapiPropertyTypeType.STRING);
    return property;
  }

  private static void sleep(Duration backoff) {
    try {
      Thread.sleep(Math.max(0, backoff.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderBusy("exchange_busy", "Interrupted while Exchange was busy", null);
    }
  }

  private static final class ServerBusy extends RuntimeException {
    final Duration backoff;

    ServerBusy(Duration backoff) {
      super(null, null, false, false);
      this.backoff = backoff;
    }
  }
}
