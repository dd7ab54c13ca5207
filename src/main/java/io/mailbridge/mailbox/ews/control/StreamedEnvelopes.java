package io.mailbridge.mailbox.ews.control;

import io.mailbridge.mailbox.ews.stubs.GetStreamingEventsResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.GetStreamingEventsResponseType;
import io.mailbridge.mailbox.ews.stubs.ObjectFactory;
import io.mailbridge.platform.outbound.control.OutboundFailure;
import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Unmarshaller;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads the body of a {@code GetStreamingEvents} answer: one SOAP envelope after another in one
 * chunked HTTP body, for as long as the connection lasts, each envelope's end arriving in whatever
 * piece the network gives. Each complete envelope is parsed at once (its {@code
 * GetStreamingEventsResponseMessage}s handed on in order); a SOAP fault is {@link EwsRefused}; an
 * envelope larger than the cap, or one declaring a DTD, ends the stream as refused.
 */
final class StreamedEnvelopes {

  static final JAXBContext JAXB = context();
  private static final XMLInputFactory XML = secureFactory();

  private final long maxEnvelopeBytes;
  private byte[] buffer = new byte[8192];
  private int length;
  private int scanFrom;

  StreamedEnvelopes(long maxEnvelopeBytes) {
    this.maxEnvelopeBytes = maxEnvelopeBytes;
  }

  /** Reads {@code in} to its end, handing on each message of each envelope as it completes. */
  void read(InputStream in, Consumer<GetStreamingEventsResponseMessageType> each)
      throws IOException {
    byte[] piece = new byte[8192];
    for (int n; (n = in.read(piece)) != -1; ) {
      append(piece, n);
      for (int end; (end = envelopeEnd()) >= 0; ) {
        byte[] envelope = Arrays.copyOfRange(buffer, 0, end);
        System.arraycopy(buffer, end, buffer, 0, length - end);
        length -= end;
        scanFrom = 0;
        parse(envelope, each);
      }
      if (length > maxEnvelopeBytes) {
        throw new EwsTransportFailure(
            OutboundFailure.Reason.TOO_LARGE,
            200,
            "An envelope of Exchange's notification stream is larger than Mailbridge accepts");
      }
    }
  }

  private void append(byte[] piece, int n) {
    if (length + n > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + n));
    }
    System.arraycopy(piece, 0, buffer, length, n);
    length += n;
  }

  /**
   * The offset just after the first complete {@code </…Envelope>} end tag, or -1 while it has not
   * arrived whole. Text inside an envelope cannot hold {@code </} unescaped, so the first such tag
   * whose name is {@code Envelope} (with any prefix) closes the document.
   */
  private int envelopeEnd() {
    for (int i = scanFrom; i + 1 < length; i++) {
      if (buffer[i] != '<' || buffer[i + 1] != '/') {
        continue;
      }
      int close = -1;
      for (int j = i + 2; j < length; j++) {
        if (buffer[j] == '>') {
          close = j;
          break;
        }
      }
      if (close < 0) {
        scanFrom = i; // the tag's end has not arrived yet
        return -1;
      }
      String name = new String(buffer, i + 2, close - i - 2, StandardCharsets.US_ASCII).strip();
      if (name.equals("Envelope") || name.endsWith(":Envelope")) {
        return close + 1;
      }
      i = close;
    }
    scanFrom = Math.max(0, length - 1);
    return -1;
  }

  /** One complete envelope: its messages handed on, or its fault thrown. */
  static void parse(byte[] envelope, Consumer<GetStreamingEventsResponseMessageType> each) {
    int start = 0;
    while (start < envelope.length && Character.isWhitespace(envelope[start])) {
      start++;
    }
    byte[] document = start == 0 ? envelope : Arrays.copyOfRange(envelope, start, envelope.length);
    if (OutboundTransportTube.declaresDocumentType(document)) {
      throw new EwsTransportFailure(
          OutboundFailure.Reason.REFUSED,
          200,
          "Exchange's notification stream declares a DTD, which SOAP forbids; it was not parsed");
    }
    try {
      XMLStreamReader xml = XML.createXMLStreamReader(new ByteArrayInputStream(document));
      try {
        boolean inBody = false;
        while (xml.hasNext()) {
          if (xml.next() != XMLStreamConstants.START_ELEMENT) {
            continue;
          }
          String name = xml.getLocalName();
          if (!inBody) {
            inBody = name.equals("Body");
            continue;
          }
          if (name.equals("Fault")) {
            throw new EwsRefused(faultCode(xml));
          }
          if (name.equals("GetStreamingEventsResponse")) {
            Unmarshaller unmarshaller = JAXB.createUnmarshaller();
            GetStreamingEventsResponseType response =
                unmarshaller.unmarshal(xml, GetStreamingEventsResponseType.class).getValue();
            if (response.getResponseMessages() != null) {
              response.getResponseMessages().getGetStreamingEventsResponseMessage().forEach(each);
            }
            return;
          }
          throw new EwsTransportFailure(
              OutboundFailure.Reason.FAILED,
              200,
              "Exchange's notification stream carried " + name + " instead of notifications");
        }
      } finally {
        xml.close();
      }
    } catch (XMLStreamException | JAXBException e) {
      throw new EwsTransportFailure(
          OutboundFailure.Reason.FAILED, 200, "Exchange's notification stream is not SOAP");
    }
  }

  // The fault's ResponseCode (in its detail) when it has one, else the faultcode's local part.
  private static String faultCode(XMLStreamReader xml) throws XMLStreamException {
    String faultCode = null;
    int depth = 1;
    while (xml.hasNext() && depth > 0) {
      int event = xml.next();
      if (event == XMLStreamConstants.START_ELEMENT) {
        depth++;
        String name = xml.getLocalName();
        if (name.equals("ResponseCode")) {
          return xml.getElementText().strip();
        }
        if (name.equals("faultcode")) {
          String text = xml.getElementText().strip();
          faultCode = text.substring(text.indexOf(':') + 1);
          depth--;
        }
      } else if (event == XMLStreamConstants.END_ELEMENT) {
        depth--;
      }
    }
    return faultCode;
  }

  private static JAXBContext context() {
    try {
      return JAXBContext.newInstance(ObjectFactory.class);
    } catch (JAXBException e) {
      throw new IllegalStateException(e);
    }
  }

  private static XMLInputFactory secureFactory() {
    XMLInputFactory factory = XMLInputFactory.newFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    return factory;
  }
}
