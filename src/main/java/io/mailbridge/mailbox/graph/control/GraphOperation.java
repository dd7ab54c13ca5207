package io.mailbridge.mailbox.graph.control;

import com.microsoft.kiota.RequestOption;
import io.mailbridge.platform.outbound.control.OutboundCall;

/**
 * The operation a Graph request performs, handed through the SDK as a request option (which becomes
 * a tag of the OkHttp request) so that the outbound client can label the call in the metrics.
 */
record GraphOperation(OutboundCall call) implements RequestOption {

  static final String PROVIDER = "graph";

  static final GraphOperation READ_MESSAGE = of("read_message");
  static final GraphOperation LIST_ATTACHMENTS = of("list_attachments");
  static final GraphOperation READ_ATTACHMENT = of("read_attachment");
  static final GraphOperation MARK_LOGGED = of("mark_logged");
  static final GraphOperation READ_LOGGED_MARK = of("read_logged_mark");
  static final GraphOperation MESSAGES_DELTA = of("messages_delta");
  static final GraphOperation CALENDAR_DELTA = of("calendar_delta");
  static final GraphOperation SUBSCRIBE = of("subscribe");
  static final GraphOperation RENEW_SUBSCRIPTION = of("renew_subscription");
  static final GraphOperation UNSUBSCRIBE = of("unsubscribe");
  static final GraphOperation FOLDER_COUNT = of("folder_count");
  static final GraphOperation SEND_MAIL = of("send_mail");
  static final GraphOperation FIND_SENT = of("find_sent");
  static final GraphOperation FIND_GROUP = of("find_group");
  static final GraphOperation GROUP_MEMBERS = of("group_members");
  static final GraphOperation GET_SCHEDULE = of("get_schedule");
  static final GraphOperation CREATE_EVENT = of("create_event");
  static final GraphOperation CONTACT_FOLDER = of("contact_folder");
  static final GraphOperation CONTACTS_DELTA = of("contacts_delta");
  static final GraphOperation WRITE_CONTACT = of("write_contact");
  static final GraphOperation READ_CONTACT = of("read_contact");
  static final GraphOperation DELETE_CONTACT = of("delete_contact");
  static final GraphOperation WRITE_EVENT = of("write_event");
  static final GraphOperation READ_EVENT = of("read_event");
  static final GraphOperation DELETE_EVENT = of("delete_event");

  /** For a request that carries no operation: none should, but the call is still counted. */
  static final GraphOperation UNNAMED = of("unnamed");

  private static GraphOperation of(String operation) {
    return new GraphOperation(new OutboundCall(PROVIDER, operation));
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends RequestOption> Class<T> getType() {
    return (Class<T>) GraphOperation.class;
  }
}
