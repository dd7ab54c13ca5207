package io.mailbridge.mailbox.ews.control;

import io.mailbridge.platform.outbound.control.OutboundCall;
import io.mailbridge.platform.outbound.control.OutboundFailure;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.outbound.control.OutboundLimits;
import io.mailbridge.platform.outbound.control.OutboundPolicy;
import io.mailbridge.platform.outbound.control.OutboundResponse;
import io.mailbridge.platform.outbound.control.OutboundTrust;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Finds the EWS URL of a mailbox from its email address as Exchange documents it: SOAP {@code
 * GetUserSettings} first and POX as fallback, at {@code https://<domain>/autodiscover/…} then
 * {@code https://autodiscover.<domain>/…}, then the HTTP redirect method ({@code GET
 * http://autodiscover.<domain>/autodiscover/autodiscover.xml} answered by a 302 to HTTPS). HTTP
 * redirects and the answers {@code RedirectUrl} / {@code RedirectAddress} are followed at most ten
 * times, never twice to the same place, and every request, the first and each redirected one, goes
 * through the org's outbound policy (its Exchange allow-list), so autodiscover cannot be used to
 * reach a host the org may not reach. SCP lookup needs Active Directory and DNS SRV is not asked.
 */
@ApplicationScoped
public class Autodiscover {

  private static final Logger LOG = Logger.getLogger(Autodiscover.class.getName());

  static final String SOAP_NS = "http://schemas.microsoft.com/exchange/2010/Autodiscover";
  static final String POX_REQUEST_NS =
      "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006";
  static final String POX_RESPONSE_SCHEMA =
      "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";
  static final String SOAP_PATH = "/autodiscover/autodiscover.svc";
  static final String POX_PATH = "/autodiscover/autodiscover.xml";
  static final String GET_USER_SETTINGS_ACTION = SOAP_NS + "/Autodiscover/GetUserSettings";
  static final int MAX_REDIRECTS = 10;
  private static final int MAX_ANSWER_BYTES = 1_048_576;

  private static final OutboundCall SOAP_CALL = new OutboundCall("ews", "autodiscover_soap");
  private static final OutboundCall POX_CALL = new OutboundCall("ews", "autodiscover_pox");
  private static final OutboundCall REDIRECT_PROBE =
      new OutboundCall("ews", "autodiscover_redirect");

  @Inject OutboundHttp outbound;

  @Inject
  @ConfigProperty(name = "mailbridge.ews.autodiscover.timeout", defaultValue = "PT15S")
  Duration timeout;

  /**
   * Origins to send a candidate to instead of its documented one, {@code
   * https://contoso.com=https://10.0.0.5:8443,…}: for split DNS and tests. The allow-list still
   * judges the origin actually called.
   */
  @Inject
  @ConfigProperty(name = "mailbridge.ews.autodiscover.candidate-origins")
  Optional<String> candidateOrigins;

  /** How the service account signs in: a Basic header, or NTLM. */
  public record Credential(String authorization, NtlmAccount ntlm) {
    @Override
    public String toString() {
      return ntlm != null ? "Credential[ntlm]" : "Credential[header]";
    }
  }

  private enum Method {
    SOAP,
    POX
  }

  /** One autodiscover run: its hops, the places it has been to and what happened. */
  private final class Run {
    final Credential credential;
    final OutboundPolicy policy;
    final OutboundTrust trust;
    final Map<String, String> origins = origins();
    final List<String> attempts = new ArrayList<>();
    final Set<String> visited = new HashSet<>();
    final Set<String> addresses = new HashSet<>();
    int redirects;

    Run(Credential credential, OutboundPolicy policy, OutboundTrust trust) {
      this.credential = credential;
      this.policy = policy;
      this.trust = trust;
    }

    void redirected(String what) throws AutodiscoverFailed {
      redirects++;
      if (redirects > MAX_REDIRECTS) {
        attempts.add(what + ": not followed, more than " + MAX_REDIRECTS + " redirects");
        throw new AutodiscoverFailed(
            "Autodiscover was redirected more than " + MAX_REDIRECTS + " times", attempts);
      }
      attempts.add(what);
    }
  }

  /** What one endpoint answered. */
  private record Answer(URI ewsUrl, URI answeredBy, String redirectAddress, boolean hostDown) {
    static final Answer NOTHING = new Answer(null, null, null, false);
    static final Answer HOST_DOWN = new Answer(null, null, null, true);
  }

  /** Finds the EWS URL for this mailbox, or says why not. */
  public AutodiscoverResult find(
      String email, Credential credential, OutboundPolicy policy, OutboundTrust trust)
      throws AutodiscoverFailed {
    Run run = new Run(credential, policy, trust);
    String address = email.strip();
    while (true) {
      if (!run.addresses.add(address.toLowerCase(Locale.ROOT))) {
        run.attempts.add("RedirectAddress back to " + address + ": not followed, a loop");
        throw new AutodiscoverFailed(
            "Autodiscover redirects in a loop (" + address + " again)", run.attempts);
      }
      Answer answer = forAddress(run, address);
      if (answer.ewsUrl() != null) {
        return new AutodiscoverResult(answer.ewsUrl(), answer.answeredBy(), run.attempts);
      }
      if (answer.redirectAddress() == null) {
        throw new AutodiscoverFailed(
            "No autodiscover candidate for " + domainOf(email) + " gave an EWS URL", run.attempts);
      }
      run.redirected("Redirected to the address " + answer.redirectAddress());
      address = answer.redirectAddress();
    }
  }

  private Answer forAddress(Run run, String email) throws AutodiscoverFailed {
    String domain = domainOf(email);
    for (String host : List.of(domain, "autodiscover." + domain)) {
      for (Method method : Method.values()) {
        URI candidate = candidate(run, "https", host, method);
        Answer answer = ask(run, method, candidate, email, documented("https", host, method));
        if (answer.ewsUrl() != null || answer.redirectAddress() != null) {
          return answer;
        }
        if (answer.hostDown()) {
          break;
        }
      }
    }
    // The HTTP redirect method: an unauthenticated GET over plain HTTP whose 302 names the
    // autodiscover server over HTTPS; nothing is sent to it but this GET.
    URI probe = candidate(run, "http", "autodiscover." + domain, Method.POX);
    Optional<URI> location =
        redirectProbe(run, probe, documented("http", "autodiscover." + domain, Method.POX));
    if (location.isPresent()) {
      URI pox = location.get();
      run.redirected("http://autodiscover." + domain + " redirected to " + pox);
      URI soap = pox.resolve(SOAP_PATH);
      Answer answer = ask(run, Method.SOAP, soap, email, soap.toString());
      if (answer.ewsUrl() != null || answer.redirectAddress() != null || answer.hostDown()) {
        return answer;
      }
      return ask(run, Method.POX, pox, email, pox.toString());
    }
    return Answer.NOTHING;
  }

  private Optional<URI> redirectProbe(Run run, URI probe, String documented) {
    String label = label(probe, documented);
    OutboundResponse response;
    try {
      response =
          outbound.getOnce(
              REDIRECT_PROBE,
              probe,
              run.policy,
              new OutboundLimits(timeout, MAX_ANSWER_BYTES, 0),
              Map.of());
    } catch (OutboundFailure failure) {
      run.attempts.add(label + ": " + notAsked(failure));
      return Optional.empty();
    }
    String location = response.header("Location");
    if (!isRedirect(response.status()) || location == null) {
      run.attempts.add(label + ": no redirect (HTTP " + response.status() + ")");
      return Optional.empty();
    }
    URI target;
    try {
      target = probe.resolve(new URI(location.strip()));
    } catch (URISyntaxException e) {
      run.attempts.add(label + ": redirected to a malformed URL");
      return Optional.empty();
    }
    if (!"https".equalsIgnoreCase(target.getScheme())
        || target.getRawPath() == null
        || !target.getRawPath().toLowerCase(Locale.ROOT).endsWith(POX_PATH)) {
      run.attempts.add(
          label + ": redirected to " + target + ", which is not an HTTPS autodiscover.xml URL");
      return Optional.empty();
    }
    return Optional.of(target);
  }

  /** Asks one endpoint, following its HTTP redirects and RedirectUrl answers. */
  private Answer ask(Run run, Method method, URI first, String email, String documented)
      throws AutodiscoverFailed {
    URI url = first;
    String label = label(url, documented);
    while (true) {
      if (!run.visited.add(method + " " + url + " " + email.toLowerCase(Locale.ROOT))) {
        run.attempts.add(label + ": not asked again, a redirect loop");
        throw new AutodiscoverFailed(
            "Autodiscover redirects in a loop (" + url + " again)", run.attempts);
      }
      OutboundResponse response;
      try {
        response = send(run, method, url, email);
      } catch (OutboundFailure failure) {
        run.attempts.add(label + ": " + notAsked(failure));
        return failure.reason() == OutboundFailure.Reason.TOO_LARGE
            ? Answer.NOTHING
            : Answer.HOST_DOWN;
      }
      int status = response.status();
      if (isRedirect(status)) {
        URI target = redirectTarget(url, response.header("Location"));
        if (target == null) {
          run.attempts.add(label + ": HTTP " + status + " to a missing or non-HTTPS location");
          return Answer.NOTHING;
        }
        run.redirected(label + ": HTTP " + status + " to " + target);
        url = target;
        label = target.toString();
        continue;
      }
      if (status == 401 || status == 403) {
        run.attempts.add(
            label + ": refused the service account's credentials (HTTP " + status + ")");
        return Answer.NOTHING;
      }
      if (status != 200) {
        run.attempts.add(label + ": HTTP " + status);
        return Answer.NOTHING;
      }
      Document document = parse(response);
      if (document == null) {
        run.attempts.add(label + ": the answer is not an autodiscover XML document");
        return Answer.NOTHING;
      }
      Reading reading = method == Method.SOAP ? readSoap(document) : readPox(document);
      if (reading.ewsUrl() != null) {
        URI ews = ewsUrl(reading.ewsUrl());
        if (ews == null) {
          run.attempts.add(label + ": named an EWS URL that is not an absolute HTTP(S) URL");
          return Answer.NOTHING;
        }
        run.attempts.add(label + ": EWS URL " + ews + " (" + reading.setting() + ")");
        return new Answer(ews, url, null, false);
      }
      if (reading.redirectUrl() != null) {
        URI target = redirectTarget(url, reading.redirectUrl());
        if (target == null) {
          run.attempts.add(label + ": redirected to a non-HTTPS URL, not followed");
          return Answer.NOTHING;
        }
        run.redirected(label + ": RedirectUrl " + target);
        url = target;
        label = target.toString();
        continue;
      }
      if (reading.redirectAddress() != null) {
        if (!isAddress(reading.redirectAddress())) {
          run.attempts.add(label + ": redirected to something that is not an email address");
          return Answer.NOTHING;
        }
        return new Answer(null, null, reading.redirectAddress().strip(), false);
      }
      run.attempts.add(label + ": " + reading.error());
      return Answer.NOTHING;
    }
  }

  private OutboundResponse send(Run run, Method method, URI url, String email)
      throws OutboundFailure {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "text/xml; charset=utf-8");
    headers.put("Accept", "text/xml");
    byte[] body;
    if (method == Method.SOAP) {
      headers.put("SOAPAction", "\"" + GET_USER_SETTINGS_ACTION + "\"");
      body = soapRequest(url, email).getBytes(StandardCharsets.UTF_8);
    } else {
      body = poxRequest(email).getBytes(StandardCharsets.UTF_8);
    }
    OutboundLimits limits = new OutboundLimits(timeout, MAX_ANSWER_BYTES, 0);
    OutboundCall call = method == Method.SOAP ? SOAP_CALL : POX_CALL;
    if (run.credential.ntlm() != null) {
      return outbound.post(
          call,
          url,
          run.policy,
          limits,
          headers,
          body,
          run.trust,
          new NtlmHandshake(run.credential.ntlm()));
    }
    if (run.credential.authorization() != null) {
      headers.put("Authorization", run.credential.authorization());
    }
    return outbound.post(call, url, run.policy, limits, headers, body, run.trust);
  }

  static String soapRequest(URI to, String email) {
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
        + "<soap:Envelope xmlns:a=\""
        + SOAP_NS
        + "\" xmlns:wsa=\"http://www.w3.org/2005/08/addressing\""
        + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
        + " xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
        + "<soap:Header>"
        + "<a:RequestedServerVersion>Exchange2013</a:RequestedServerVersion>"
        + "<wsa:Action>"
        + GET_USER_SETTINGS_ACTION
        + "</wsa:Action>"
        + "<wsa:To>"
        + escape(to.toString())
        + "</wsa:To>"
        + "</soap:Header>"
        + "<soap:Body>"
        + "<a:GetUserSettingsRequestMessage>"
        + "<a:Request>"
        + "<a:Users><a:User><a:Mailbox>"
        + escape(email)
        + "</a:Mailbox></a:User></a:Users>"
        + "<a:RequestedSettings>"
        + "<a:Setting>ExternalEwsUrl</a:Setting>"
        + "<a:Setting>InternalEwsUrl</a:Setting>"
        + "</a:RequestedSettings>"
        + "</a:Request>"
        + "</a:GetUserSettingsRequestMessage>"
        + "</soap:Body>"
        + "</soap:Envelope>";
  }

  static String poxRequest(String email) {
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
        + "<Autodiscover xmlns=\""
        + POX_REQUEST_NS
        + "\"><Request><EMailAddress>"
        + escape(email)
        + "</EMailAddress><AcceptableResponseSchema>"
        + POX_RESPONSE_SCHEMA
        + "</AcceptableResponseSchema></Request></Autodiscover>";
  }

  /** What an autodiscover answer says: an EWS URL, a redirect, or an error in words. */
  private record Reading(
      String ewsUrl, String setting, String redirectUrl, String redirectAddress, String error) {
    static Reading error(String error) {
      return new Reading(null, null, null, null, error);
    }
  }

  static Reading readSoap(Document document) {
    Element response = first(document.getDocumentElement(), SOAP_NS, "Response");
    if (response == null) {
      return Reading.error("the answer holds no GetUserSettings response");
    }
    String code = text(response, SOAP_NS, "ErrorCode");
    Element user = first(response, SOAP_NS, "UserResponse");
    if (user == null) {
      return Reading.error(
          "Autodiscover answered "
              + (code == null ? "without a user response" : code)
              + describe(text(response, SOAP_NS, "ErrorMessage")));
    }
    String userCode = directText(user, "ErrorCode");
    String target = directText(user, "RedirectTarget");
    if ("RedirectUrl".equals(userCode) && target != null) {
      return new Reading(null, null, target, null, null);
    }
    if ("RedirectAddress".equals(userCode) && target != null) {
      return new Reading(null, null, null, target, null);
    }
    Map<String, String> settings = new LinkedHashMap<>();
    NodeList list = user.getElementsByTagNameNS(SOAP_NS, "UserSetting");
    for (int i = 0; i < list.getLength(); i++) {
      Element setting = (Element) list.item(i);
      String name = text(setting, SOAP_NS, "Name");
      String value = text(setting, SOAP_NS, "Value");
      if (name != null && value != null && !value.isBlank()) {
        settings.put(name, value);
      }
    }
    for (String name : List.of("ExternalEwsUrl", "InternalEwsUrl")) {
      if (settings.containsKey(name)) {
        return new Reading(settings.get(name), name, null, null, null);
      }
    }
    return Reading.error(
        "Autodiscover answered "
            + (userCode == null ? "without an EWS URL" : userCode)
            + describe(directText(user, "ErrorMessage")));
  }

  static Reading readPox(Document document) {
    Element root = document.getDocumentElement();
    Element response = first(root, POX_RESPONSE_SCHEMA, "Response");
    if (response == null) {
      // Errors come back in the generic response schema (…/responseschema/2006).
      NodeList errors = root.getElementsByTagNameNS("*", "ErrorCode");
      if (errors.getLength() > 0) {
        NodeList messages = root.getElementsByTagNameNS("*", "Message");
        return Reading.error(
            "Autodiscover answered error "
                + errors.item(0).getTextContent().strip()
                + (messages.getLength() > 0
                    ? describe(messages.item(0).getTextContent().strip())
                    : ""));
      }
      return Reading.error("the answer holds no Outlook autodiscover response");
    }
    Element account = first(response, POX_RESPONSE_SCHEMA, "Account");
    if (account == null) {
      String code = text(response, POX_RESPONSE_SCHEMA, "ErrorCode");
      return Reading.error(
          "Autodiscover answered "
              + (code == null ? "without an account" : "error " + code)
              + describe(text(response, POX_RESPONSE_SCHEMA, "Message")));
    }
    String action = text(account, POX_RESPONSE_SCHEMA, "Action");
    if ("redirectUrl".equals(action)) {
      String url = text(account, POX_RESPONSE_SCHEMA, "RedirectUrl");
      return url == null
          ? Reading.error("Autodiscover said redirectUrl without a URL")
          : new Reading(null, null, url, null, null);
    }
    if ("redirectAddr".equals(action)) {
      String address = text(account, POX_RESPONSE_SCHEMA, "RedirectAddr");
      return address == null
          ? Reading.error("Autodiscover said redirectAddr without an address")
          : new Reading(null, null, null, address, null);
    }
    // EXPR is the outside view of Exchange (as ExternalEwsUrl), EXCH the inside one.
    Map<String, String> byType = new LinkedHashMap<>();
    NodeList protocols = account.getElementsByTagNameNS(POX_RESPONSE_SCHEMA, "Protocol");
    for (int i = 0; i < protocols.getLength(); i++) {
      Element protocol = (Element) protocols.item(i);
      String type = text(protocol, POX_RESPONSE_SCHEMA, "Type");
      String ews = text(protocol, POX_RESPONSE_SCHEMA, "EwsUrl");
      if (type != null && ews != null && !ews.isBlank()) {
        byType.putIfAbsent(type, ews);
      }
    }
    for (String type : List.of("EXPR", "EXCH")) {
      if (byType.containsKey(type)) {
        return new Reading(byType.get(type), "EwsUrl of " + type, null, null, null);
      }
    }
    String code = text(account, POX_RESPONSE_SCHEMA, "ErrorCode");
    return Reading.error(
        code != null
            ? "Autodiscover answered error " + code
            : "Autodiscover answered without an EWS URL");
  }

  private static Document parse(OutboundResponse response) {
    String type = response.header("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).contains("xml")) {
      return null;
    }
    if (OutboundTransportTube.declaresDocumentType(response.body())) {
      return null;
    }
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setExpandEntityReferences(false);
      factory.setXIncludeAware(false);
      return factory.newDocumentBuilder().parse(new ByteArrayInputStream(response.body()));
    } catch (ParserConfigurationException | SAXException | IOException e) {
      LOG.fine(() -> "Autodiscover answer of " + response.uri().getHost() + " not parsed: " + e);
      return null;
    }
  }

  private static URI redirectTarget(URI from, String location) {
    if (location == null || location.isBlank()) {
      return null;
    }
    try {
      URI target = from.resolve(new URI(location.strip()));
      // Credentials are sent along: never downgrade to plain HTTP.
      return "https".equalsIgnoreCase(target.getScheme()) && target.getHost() != null
          ? target
          : null;
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }

  private static URI ewsUrl(String raw) {
    try {
      URI uri = new URI(raw.strip());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("https") || scheme.equals("http"))
          && uri.getHost() != null
          && uri.getRawUserInfo() == null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // Reported by the caller.
    }
    return null;
  }

  private URI candidate(Run run, String scheme, String host, Method method) {
    String origin = scheme + "://" + host;
    String sentTo = run.origins.getOrDefault(origin, origin);
    return URI.create(sentTo + (method == Method.SOAP ? SOAP_PATH : POX_PATH));
  }

  private static String documented(String scheme, String host, Method method) {
    return scheme + "://" + host + (method == Method.SOAP ? SOAP_PATH : POX_PATH);
  }

  /** The candidate as documented, and where it was sent when an origin is mapped. */
  private static String label(URI sentTo, String documented) {
    return sentTo.toString().equals(documented)
        ? documented
        : documented + " (sent to " + sentTo + ")";
  }

  private Map<String, String> origins() {
    Map<String, String> map = new LinkedHashMap<>();
    for (String entry : candidateOrigins.orElse("").split(",")) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        map.put(
            entry.substring(0, eq).strip().toLowerCase(Locale.ROOT),
            entry.substring(eq + 1).strip());
      }
    }
    return map;
  }

  private static String notAsked(OutboundFailure failure) {
    return switch (failure.reason()) {
      case REFUSED -> "not asked: " + failure.getMessage();
      case TIMEOUT -> "no answer in time";
      case TOO_LARGE -> "the answer is too large";
      case FAILED -> failure.getMessage();
    };
  }

  static String domainOf(String email) {
    int at = email.lastIndexOf('@');
    return email.substring(at + 1).strip().toLowerCase(Locale.ROOT);
  }

  static boolean isAddress(String value) {
    String v = value.strip();
    int at = v.lastIndexOf('@');
    return at > 0
        && at < v.length() - 1
        && v.length() <= 320
        && v.chars().noneMatch(c -> Character.isWhitespace(c) || c == '/' || c == '\\');
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private static Element first(Element parent, String ns, String name) {
    NodeList list = parent.getElementsByTagNameNS(ns, name);
    return list.getLength() == 0 ? null : (Element) list.item(0);
  }

  private static String text(Element parent, String ns, String name) {
    Element element = first(parent, ns, name);
    if (element == null) {
      return null;
    }
    String text = element.getTextContent().strip();
    return text.isEmpty() ? null : text;
  }

  /** The text of a direct child: UserResponse's ErrorCode, not one nested deeper. */
  private static String directText(Element parent, String name) {
    for (org.w3c.dom.Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e
          && SOAP_NS.equals(e.getNamespaceURI())
          && name.equals(e.getLocalName())) {
        String text = e.getTextContent().strip();
        return text.isEmpty() ? null : text;
      }
    }
    return null;
  }

  private static String describe(String message) {
    return message == null || message.isBlank() ? "" : " (" + message + ")";
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
