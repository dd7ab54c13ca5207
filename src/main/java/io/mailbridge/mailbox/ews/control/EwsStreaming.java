package io.mailbridge.mailbox.ews.control;

import io.mailbridge.mailbox.ews.stubs.ExchangeImpersonationType;
import io.mailbridge.mailbox.ews.stubs.GetStreamingEventsResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.GetStreamingEventsType;
import io.mailbridge.mailbox.ews.stubs.NonEmptyArrayOfSubscriptionIdsType;
import io.mailbridge.mailbox.ews.stubs.ObjectFactory;
import io.mailbridge.mailbox.ews.stubs.RequestServerVersion;
import io.mailbridge.platform.outbound.control.OutboundCall;
import io.mailbridge.platform.outbound.control.OutboundFailure;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.outbound.control.OutboundLimits;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Marshaller;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One {@code GetStreamingEvents} connection: the request for up to 200 subscriptions of one server
 * affinity group, impersonating one of the group's mailboxes ({@code ExchangeImpersonation} and
 * {@code X-AnchorMailbox}) with {@code X-PreferServerAffinity} and the group's {@code
 * X-BackEndOverrideCookie}; the answer read envelope by envelope as Exchange writes it, each
 * message handed on at once, until Exchange closes the connection after {@code ConnectionTimeout}
 * minutes.
 */
@ApplicationScoped
public class EwsStreaming {

  /** Exchange's limit of subscriptions per GetStreamingEvents call. */
  static final int MAX_PER_CONNECTION = 200;

  private static final OutboundCall GET_STREAMING_EVENTS =
      new OutboundCall("ews", "get_streaming_events");
  private static final long MAX_ENVELOPE_BYTES = 4L * 1024 * 1024;
  private static final String SOAP = "http://schemas.xmlsoap.org/soap/envelope/";

  @Inject OutboundHttp outbound;

  /**
   * Holds the stream open for {@code minutes} (1–30) and hands on each message as it arrives;
   * returns when Exchange ends the answer. A broken connection is {@link EwsTransportFailure}, a
   * SOAP fault {@link EwsRefused}, an HTTP error status {@link EwsTransportFailure} with it.
   */
  void stream(
      EwsCall call,
      List<String> subscriptionIds,
      int minutes,
      EwsAffinity affinity,
      Consumer<Runnable> cancel,
      Consumer<GetStreamingEventsResponseMessageType> each) {
    int connectionMinutes = Math.max(1, Math.min(30, minutes));
    byte[] body = request(call, subscriptionIds, connectionMinutes);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "text/xml; charset=utf-8");
    headers.put("Accept", "text/xml");
    headers.put(
        "SOAPAction",
        "\"http://schemas.microsoft.com/exchange/services/2006/messages/GetStreamingEvents\"");
    if (call.authorization() != null && call.ntlm() == null) {
      headers.put("Authorization", call.authorization());
    }
    if (call.impersonate() != null) {
      headers.put("X-AnchorMailbox", call.impersonate());
    }
    headers.put("X-PreferServerAffinity", "true");
    if (affinity != null && affinity.cookie() != null) {
      headers.put("Cookie", EwsAffinity.COOKIE + "=" + affinity.cookie());
    }
    // Exchange closes the stream itself after ConnectionTimeout; a minute more before giving up.
    OutboundLimits limits =
        new OutboundLimits(Duration.ofMinutes(connectionMinutes + 1L), MAX_ENVELOPE_BYTES, 0);
    try {
      outbound.postStreamed(
          GET_STREAMING_EVENTS,
          call.endpoint(),
          call.policy(),
          limits,
          headers,
          body,
          call.trust(),
          call.ntlm() == null ? null : new NtlmHandshake(call.ntlm()),
          cancel,
          (status, responseHeaders, in) -> {
            if (affinity != null) {
              affinity.noteSetCookies(responseHeaders.allValues("Set-Cookie"));
            }
            String type = responseHeaders.firstValue("Content-Type").orElse("");
            if (status == 401 || status == 403) {
              throw new EwsTransportFailure(
                  OutboundFailure.Reason.FAILED,
                  status,
                  "Exchange refused the credentials (HTTP " + status + ")");
            }
            if (!type.toLowerCase(Locale.ROOT).contains("xml")) {
              throw new EwsTransportFailure(
                  OutboundFailure.Reason.FAILED,
                  status,
                  "Exchange answered HTTP " + status + " without a SOAP message");
            }
            new StreamedEnvelopes(MAX_ENVELOPE_BYTES).read(in, each);
          });
    } catch (OutboundFailure failure) {
      throw new EwsTransportFailure(
          failure.reason(), 0, failure.getMessage(), failure.certificateProblem());
    }
  }

  /** The request envelope, headers as the generated port writes them. */
  static byte[] request(EwsCall call, List<String> subscriptionIds, int minutes) {
    ObjectFactory factory = new ObjectFactory();
    GetStreamingEventsType request = new GetStreamingEventsType();
    NonEmptyArrayOfSubscriptionIdsType ids = new NonEmptyArrayOfSubscriptionIdsType();
    ids.getSubscriptionId().addAll(subscriptionIds);
    request.setSubscriptionIds(ids);
    request.setConnectionTimeout(minutes);
    RequestServerVersion version = new RequestServerVersion();
    version.setVersion(EwsClient.REQUEST_VERSION);
    ExchangeImpersonationType impersonation = EwsClient.impersonationOf(call);
    StringWriter out = new StringWriter();
    out.write("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
    out.write("<soap:Envelope xmlns:soap=\"" + SOAP + "\"><soap:Header>");
    try {
      Marshaller marshaller = StreamedEnvelopes.JAXB.createMarshaller();
      marshaller.setProperty(Marshaller.JAXB_FRAGMENT, true);
      if (impersonation != null) {
        marshaller.marshal(factory.createExchangeImpersonation(impersonation), out);
      }
      marshaller.marshal(version, out);
      out.write("</soap:Header><soap:Body>");
      marshaller.marshal(factory.createGetStreamingEvents(request), out);
    } catch (JAXBException e) {
      throw new IllegalStateException("The GetStreamingEvents request could not be written", e);
    }
    out.write("</soap:Body></soap:Envelope>");
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }
}
