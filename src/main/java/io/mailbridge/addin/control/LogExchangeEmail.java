package io.mailbridge.addin.control;

import io.mailbridge.crm.control.ActivityStore;
import io.mailbridge.crm.control.Records;
import io.mailbridge.crm.control.StoredActivity;
import io.mailbridge.mailbox.ews.control.EwsCall;
import io.mailbridge.mailbox.ews.control.ExchangeHosts;
import io.mailbridge.mailbox.ews.control.ExchangeItem;
import io.mailbridge.mailbox.ews.control.ExchangeMailbox;
import io.mailbridge.message.MailAttachment;
import io.mailbridge.platform.outbound.control.OutboundFailure;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.outbound.control.OutboundPolicy;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.InvalidRequest;
import io.mailbridge.platform.problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * Logs an Exchange email the rep has open to the records they chose: reads it over EWS with the
 * item's callback token, downloads only the chosen attachments, and stores it through the CRM's one
 * storage path. Logging it again adds links to the same activity.
 */
@ApplicationScoped
public class LogExchangeEmail {

  @Inject ExchangeHosts hosts;
  @Inject OutboundHttp outbound;
  @Inject ExchangeMailbox mailbox;
  @Inject Records records;
  @Inject ActivityStore activities;

  @Inject ChosenAttachments attachments;

  /** What the task pane asked for, already checked for shape. */
  public record Request(
      String ewsUrl,
      String callbackToken,
      String itemId,
      List<String> recordIds,
      List<String> attachmentIds) {}

  /** The stored activity and the item property that marks the email as logged. */
  public record Logged(
      String activityId, boolean alreadyLogged, String propertySetId, String propertyName) {}

  public Logged log(String orgId, String userId, Request request) {
    URI endpoint = ewsEndpoint(request.ewsUrl());
    OutboundPolicy policy = hosts.policyFor(orgId);
    try {
      outbound.checkDestination(endpoint, policy);
    } catch (OutboundFailure refused) {
      throw new InvalidRequest(
          "exchange_host_not_allowed",
          refused.getMessage() + "; an admin manages the Exchange allow-list");
    }
    for (String id : request.recordIds()) {
      records.findAnyType(orgId, id).orElseThrow(() -> new NotFound("Record " + id));
    }
    EwsCall call = new EwsCall(endpoint, request.callbackToken(), policy);
    ExchangeItem item = mailbox.read(call, request.itemId());
    List<String> chosen = attachments.checked(item.attachments(), request.attachmentIds());
    List<MailAttachment> downloaded = mailbox.download(call, chosen);
    StoredActivity stored =
        activities.storeEmail(
            orgId, item.message().withAttachments(downloaded), request.recordIds(), userId);
    return new Logged(
        stored.id(),
        !stored.created(),
        ExchangeMailbox.LOGGED_PROPERTY_SET,
        ExchangeMailbox.LOGGED_PROPERTY_NAME);
  }

  private static URI ewsEndpoint(String ewsUrl) {
    try {
      URI uri = new URI(ewsUrl.strip());
      if (!uri.isAbsolute() || uri.getHost() == null) {
        throw new InvalidField("ewsUrl", "must be an absolute URL");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new InvalidField("ewsUrl", "is not a URL");
    }
  }
}
