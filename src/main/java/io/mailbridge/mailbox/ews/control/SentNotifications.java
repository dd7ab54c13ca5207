package io.mailbridge.mailbox.ews.control;

import io.mailbridge.mailbox.ews.stubs.NotificationType;
import io.mailbridge.mailbox.ews.stubs.ObjectFactory;
import io.mailbridge.mailbox.ews.stubs.SendNotificationResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.SendNotificationResponseType;
import io.mailbridge.mailbox.ews.stubs.SendNotificationResultType;
import io.mailbridge.mailbox.ews.stubs.SubscriptionStatusType;
import io.mailbridge.platform.problem.InvalidRequest;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Marshaller;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The SOAP of Exchange's push callback: reads a {@code SendNotification} request (a SOAP 1.1
 * envelope whose body is {@code m:SendNotification}, one {@code SendNotificationResponseMessage}
 * per notification) with the generated JAXB types, and writes the {@code SendNotificationResult}
 * answer or a client fault. Anything else (not XML, a DTD, another element, a notification without
 * a subscription id) is {@link InvalidRequest}.
 */
final class SentNotifications {

  static final String SOAP = "http://schemas.xmlsoap.org/soap/envelope/";
  static final String MESSAGES = "http://schemas.microsoft.com/exchange/services/2006/messages";

  private static final XMLInputFactory XML = secureFactory();

  /** The most notifications one request may carry (each is a look-up). */
  static final int MAX_NOTIFICATIONS = 20;

  private SentNotifications() {}

  /** The notifications of a {@code SendNotification} request, in order. */
  static List<NotificationType> read(byte[] body) {
    if (body == null || body.length == 0) {
      throw unreadable();
    }
    int start = 0;
    while (start < body.length && Character.isWhitespace(body[start])) {
      start++;
    }
    if (OutboundTransportTube.declaresDocumentType(
        start == 0 ? body : java.util.Arrays.copyOfRange(body, start, body.length))) {
      throw unreadable();
    }
    try {
      XMLStreamReader xml =
          XML.createXMLStreamReader(new ByteArrayInputStream(body, start, body.length - start));
      try {
        if (xml.nextTag() != XMLStreamConstants.START_ELEMENT
            || !SOAP.equals(xml.getNamespaceURI())
            || !"Envelope".equals(xml.getLocalName())) {
          throw unreadable();
        }
        while (xml.hasNext()) {
          if (xml.next() != XMLStreamConstants.START_ELEMENT) {
            continue;
          }
          if (SOAP.equals(xml.getNamespaceURI()) && "Header".equals(xml.getLocalName())) {
            skip(xml);
            continue;
          }
          if (!SOAP.equals(xml.getNamespaceURI()) || !"Body".equals(xml.getLocalName())) {
            throw unreadable();
          }
          if (xml.nextTag() != XMLStreamConstants.START_ELEMENT
              || !MESSAGES.equals(xml.getNamespaceURI())
              || !"SendNotification".equals(xml.getLocalName())) {
            throw unreadable();
          }
          SendNotificationResponseType request =
              StreamedEnvelopes.JAXB
                  .createUnmarshaller()
                  .unmarshal(xml, SendNotificationResponseType.class)
                  .getValue();
          return notifications(request);
        }
        throw unreadable();
      } finally {
        xml.close();
      }
    } catch (XMLStreamException | JAXBException | RuntimeException e) {
      if (e instanceof InvalidRequest invalid) {
        throw invalid;
      }
      throw unreadable();
    }
  }

  private static List<NotificationType> notifications(SendNotificationResponseType request) {
    if (request == null
        || request.getResponseMessages() == null
        || request.getResponseMessages().getSendNotificationResponseMessage().isEmpty()) {
      throw unreadable();
    }
    List<SendNotificationResponseMessageType> messages =
        request.getResponseMessages().getSendNotificationResponseMessage();
    if (messages.size() > MAX_NOTIFICATIONS) {
      // Exchange posts one subscription's notification at a time; a pile of ids is not its post.
      throw unreadable();
    }
    List<NotificationType> out = new ArrayList<>();
    for (SendNotificationResponseMessageType message : messages) {
      NotificationType notification = message.getNotification();
      if (notification == null
          || notification.getSubscriptionId() == null
          || notification.getSubscriptionId().isBlank()) {
        throw unreadable();
      }
      out.add(notification);
    }
    return out;
  }

  // Skips the current element (the header: Mailbridge needs nothing from it).
  private static void skip(XMLStreamReader xml) throws XMLStreamException {
    for (int depth = 1; depth > 0 && xml.hasNext(); ) {
      int event = xml.next();
      if (event == XMLStreamConstants.START_ELEMENT) {
        depth++;
      } else if (event == XMLStreamConstants.END_ELEMENT) {
        depth--;
      }
    }
  }

  /** The answer to Exchange: {@code SendNotificationResult} with this status. */
  static byte[] result(SubscriptionStatusType status) {
    SendNotificationResultType result = new SendNotificationResultType();
    result.setSubscriptionStatus(status);
    StringWriter out = new StringWriter();
    out.write("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
    out.write("<soap:Envelope xmlns:soap=\"" + SOAP + "\"><soap:Body>");
    try {
      Marshaller marshaller = StreamedEnvelopes.JAXB.createMarshaller();
      marshaller.setProperty(Marshaller.JAXB_FRAGMENT, true);
      marshaller.marshal(new ObjectFactory().createSendNotificationResult(result), out);
    } catch (JAXBException e) {
      throw new IllegalStateException("The SendNotificationResult could not be written", e);
    }
    out.write("</soap:Body></soap:Envelope>");
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A SOAP 1.1 client fault: the request was not one Mailbridge reads. */
  static byte[] clientFault(String text) {
    return fault("soap:Client", text);
  }

  /** A SOAP 1.1 server fault: Mailbridge could not take the request now. */
  static byte[] serverFault(String text) {
    return fault("soap:Server", text);
  }

  private static byte[] fault(String code, String text) {
    String escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    return ("<?xml version=\"1.0\" encoding=\"utf-8\"?>"
            + "<soap:Envelope xmlns:soap=\""
            + SOAP
            + "\"><soap:Body><soap:Fault><faultcode>"
            + code
            + "</faultcode><faultstring>"
            + escaped
            + "</faultstring></soap:Fault></soap:Body></soap:Envelope>")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static InvalidRequest unreadable() {
    return new InvalidRequest(
        "invalid_notification", "The body is not an EWS SendNotification SOAP request");
  }

  private static XMLInputFactory secureFactory() {
    XMLInputFactory factory = XMLInputFactory.newFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    return factory;
  }
}
