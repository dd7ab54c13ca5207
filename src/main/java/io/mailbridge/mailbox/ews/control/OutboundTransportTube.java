package io.mailbridge.mailbox.ews.control;

import com.sun.xml.ws.api.message.Header;
import com.sun.xml.ws.api.message.MessageHeaders;
import com.sun.xml.ws.api.message.Packet;
import com.sun.xml.ws.api.pipe.Codec;
import com.sun.xml.ws.api.pipe.ContentType;
import com.sun.xml.ws.api.pipe.NextAction;
import com.sun.xml.ws.api.pipe.TubeCloner;
import com.sun.xml.ws.api.pipe.helper.AbstractTubeImpl;
import io.mailbridge.platform.outbound.control.OutboundFailure;
import io.mailbridge.platform.outbound.control.OutboundResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Metro's transport for the EWS stubs: encodes the SOAP request with Metro's codec, sends it
 * through the platform's outbound client (allow-list, timeout, size cap) and decodes the answer. An
 * answer carrying a DTD is refused before any parser sees it: SOAP forbids DTDs, and without one no
 * entity can be declared, let alone expanded.
 */
class OutboundTransportTube extends AbstractTubeImpl {

  private static final int PROLOG_SCAN = 4096;
  private static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";

  private final Codec codec;

  OutboundTransportTube(Codec codec) {
    this.codec = codec;
  }

  private OutboundTransportTube(OutboundTransportTube that, TubeCloner cloner) {
    super(that, cloner);
    this.codec = that.codec.copy();
  }

  @Override
  public NextAction processRequest(Packet request) {
    EwsHttpLeg leg = (EwsHttpLeg) request.invocationProperties.get(EwsHttpLeg.PROPERTY);
    if (leg == null) {
      return doThrow(
          new EwsTransportFailure(
              OutboundFailure.Reason.REFUSED, 0, "EWS calls must go through EwsClient"));
    }
    dropNilHeaders(request);
    try {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      ContentType contentType = codec.encode(request, body);
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Content-Type", contentType.getContentType());
      headers.put("Accept", "text/xml");
      String soapAction = contentType.getSOAPActionHeader();
      if (soapAction == null && request.soapAction != null) {
        soapAction = "\"" + request.soapAction + "\"";
      }
      if (soapAction != null) {
        headers.put("SOAPAction", soapAction);
      }
      if (leg.authorization() != null && leg.ntlm() == null) {
        headers.put("Authorization", leg.authorization());
      }
      if (leg.anchorMailbox() != null) {
        headers.put("X-AnchorMailbox", leg.anchorMailbox());
      }
      if (leg.affinity() != null) {
        headers.put("X-PreferServerAffinity", "true");
        if (leg.affinity().cookie() != null) {
          headers.put("Cookie", EwsAffinity.COOKIE + "=" + leg.affinity().cookie());
        }
      }
      OutboundResponse response =
          leg.ntlm() == null
              ? leg.outbound()
                  .post(
                      leg.operation(),
                      leg.endpoint(),
                      leg.policy(),
                      leg.limits(),
                      headers,
                      body.toByteArray(),
                      leg.trust())
              : leg.outbound()
                  .post(
                      leg.operation(),
                      leg.endpoint(),
                      leg.policy(),
                      leg.limits(),
                      headers,
                      body.toByteArray(),
                      leg.trust(),
                      new NtlmHandshake(leg.ntlm()));
      if (leg.affinity() != null) {
        leg.affinity().noteSetCookies(response.headers().allValues("Set-Cookie"));
      }
      return doReturnWith(decode(request, response));
    } catch (OutboundFailure failure) {
      return doThrow(
          new EwsTransportFailure(
              failure.reason(), 0, failure.getMessage(), failure.certificateProblem()));
    } catch (IOException e) {
      return doThrow(
          new EwsTransportFailure(
              OutboundFailure.Reason.FAILED, 0, "The answer of Exchange could not be read"));
    }
  }

  // JAX-WS writes an absent header parameter (no impersonation) as an xsi:nil element, which
  // Exchange's schema validation refuses: an absent header must not be sent at all.
  private static void dropNilHeaders(Packet request) {
    if (request.getMessage() == null || !request.getMessage().hasHeaders()) {
      return;
    }
    MessageHeaders headers = request.getMessage().getHeaders();
    List<Header> nil =
        headers.asList().stream().filter(h -> "true".equals(h.getAttribute(XSI, "nil"))).toList();
    for (Header header : nil) {
      headers.remove(header.getNamespaceURI(), header.getLocalPart());
    }
  }

  private Packet decode(Packet request, OutboundResponse response) throws IOException {
    String contentType = response.header("Content-Type");
    int status = response.status();
    if (status == 401 || status == 403) {
      throw new EwsTransportFailure(
          OutboundFailure.Reason.FAILED,
          status,
          "Exchange refused the credentials (HTTP " + status + ")");
    }
    boolean xml = contentType != null && contentType.toLowerCase(Locale.ROOT).contains("xml");
    if (!xml || response.body().length == 0) {
      throw new EwsTransportFailure(
          OutboundFailure.Reason.FAILED,
          status,
          "Exchange answered HTTP " + status + " without a SOAP message");
    }
    if (declaresDocumentType(response.body())) {
      throw new EwsTransportFailure(
          OutboundFailure.Reason.REFUSED,
          status,
          "Exchange's answer declares a DTD, which SOAP forbids; it was not parsed");
    }
    Packet reply = request.createClientResponse(null);
    codec.decode(new ByteArrayInputStream(response.body()), contentType, reply);
    return reply;
  }

  /** Whether a DOCTYPE comes before the root element (UTF-16 answers are refused outright). */
  static boolean declaresDocumentType(byte[] body) {
    if (body.length >= 2
        && ((body[0] == (byte) 0xFE && body[1] == (byte) 0xFF)
            || (body[0] == (byte) 0xFF && body[1] == (byte) 0xFE)
            || body[0] == 0
            || body[1] == 0)) {
      return true;
    }
    String prolog =
        new String(body, 0, Math.min(body.length, PROLOG_SCAN), StandardCharsets.ISO_8859_1);
    int at = 0;
    while (true) {
      int lt = prolog.indexOf('<', at);
      if (lt < 0) {
        // No root element within the scanned prefix: too odd to trust.
        return prolog.length() == PROLOG_SCAN;
      }
      if (lt + 1 >= prolog.length()) {
        return true;
      }
      char next = prolog.charAt(lt + 1);
      if (next == '?') {
        at = prolog.indexOf("?>", lt);
      } else if (prolog.startsWith("<!--", lt)) {
        at = prolog.indexOf("-->", lt);
      } else if (next == '!') {
        return true;
      } else {
        return false;
      }
      if (at < 0) {
        return true;
      }
    }
  }

  @Override
  public NextAction processResponse(Packet response) {
    return doReturnWith(response);
  }

  @Override
  public NextAction processException(Throwable t) {
    return doThrow(t);
  }

  @Override
  public void preDestroy() {
    // Nothing held: the outbound client belongs to the application.
  }

  @Override
  public OutboundTransportTube copy(TubeCloner cloner) {
    return new OutboundTransportTube(this, cloner);
  }
}
