package io.mailbridge.it.exchange;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Exchange's autodiscover for the fakes: SOAP {@code GetUserSettings} at any path ending in {@code
 * /autodiscover/autodiscover.svc} and POX at {@code …/autodiscover.xml}, answering per path and
 * address as scripted, in the shapes of Microsoft's examples (MS-OXWSADISC, MS-OXDSCLI). An address
 * without a script gets {@code InvalidUser} (SOAP) or error 500 (POX), as Exchange answers an
 * unknown mailbox.
 */
public final class FakeAutodiscover {

  public static final String SOAP_PATH = "/autodiscover/autodiscover.svc";
  public static final String POX_PATH = "/autodiscover/autodiscover.xml";
  static final String SOAP_NS = "http://schemas.microsoft.com/exchange/2010/Autodiscover";
  static final String POX_RESPONSE =
      "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

  /** What one endpoint answers for one address. */
  public sealed interface Answer {}

  /** The settings: ExternalEwsUrl (SOAP) or the EXPR protocol's EwsUrl (POX). */
  public record Ews(String ewsUrl) implements Answer {}

  /** SOAP ErrorCode RedirectAddress / POX Action redirectAddr. */
  public record RedirectAddress(String address) implements Answer {}

  /** SOAP ErrorCode RedirectUrl / POX Action redirectUrl. */
  public record RedirectUrl(String url) implements Answer {}

  /** An HTTP 302 to this location. */
  public record Http302(String location) implements Answer {}

  /** HTTP 404, as a server without this endpoint answers. */
  public record Missing() implements Answer {}

  /** A request autodiscover received. */
  public record Received(String path, String body, String authorization) {}

  private static final Pattern SOAP_MAILBOX =
      Pattern.compile("<(?:\\w+:)?Mailbox>([^<]*)</(?:\\w+:)?Mailbox>");
  private static final Pattern POX_ADDRESS =
      Pattern.compile("<(?:\\w+:)?EMailAddress>([^<]*)</(?:\\w+:)?EMailAddress>");

  private final Map<String, Answer> script = new ConcurrentHashMap<>();
  public final List<Received> requests = new CopyOnWriteArrayList<>();

  /** From now on {@code path} answers this for {@code address}. */
  public void answer(String path, String address, Answer answer) {
    script.put(path + " " + address.toLowerCase(Locale.ROOT), answer);
  }

  /** Requests to paths ending so, for assertions. */
  public long count(String pathSuffix) {
    return requests.stream().filter(r -> r.path().endsWith(pathSuffix)).count();
  }

  void serve(HttpExchange exchange, byte[] raw) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String body = new String(raw, StandardCharsets.UTF_8);
    requests.add(new Received(path, body, exchange.getRequestHeaders().getFirst("Authorization")));
    boolean soap = path.endsWith(SOAP_PATH);
    if (!"POST".equals(exchange.getRequestMethod())) {
      FakeExchange.respond(exchange, 405, "text/plain", new byte[0]);
      return;
    }
    Matcher address = (soap ? SOAP_MAILBOX : POX_ADDRESS).matcher(body);
    if (!address.find()) {
      FakeExchange.respond(exchange, 400, "text/plain", new byte[0]);
      return;
    }
    Answer answer = script.get(path + " " + address.group(1).strip().toLowerCase(Locale.ROOT));
    if (answer instanceof Missing) {
      FakeExchange.respond(
          exchange, 404, "text/html", "Not Found".getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (answer instanceof Http302 redirect) {
      exchange.getResponseHeaders().add("Location", redirect.location());
      FakeExchange.respond(exchange, 302, "text/html", new byte[0]);
      return;
    }
    String document = soap ? soap(answer) : pox(answer);
    FakeExchange.respond(
        exchange, 200, "text/xml; charset=utf-8", document.getBytes(StandardCharsets.UTF_8));
  }

  private static String soap(Answer answer) {
    String code;
    String target = "<RedirectTarget i:nil=\"true\" />";
    String settings = "";
    if (answer instanceof Ews ews) {
      code = "NoError";
      settings =
          "<UserSetting i:type=\"StringSetting\"><Name>InternalEwsUrl</Name>"
              + "<Value>https://exch01.internal.contoso.example/EWS/Exchange.asmx</Value>"
              + "</UserSetting>"
              + "<UserSetting i:type=\"StringSetting\"><Name>ExternalEwsUrl</Name><Value>"
              + ews.ewsUrl()
              + "</Value></UserSetting>";
    } else if (answer instanceof RedirectAddress redirect) {
      code = "RedirectAddress";
      target = "<RedirectTarget>" + redirect.address() + "</RedirectTarget>";
    } else if (answer instanceof RedirectUrl redirect) {
      code = "RedirectUrl";
      target = "<RedirectTarget>" + redirect.url() + "</RedirectTarget>";
    } else {
      code = "InvalidUser";
    }
    return "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\""
        + " xmlns:a=\"http://www.w3.org/2005/08/addressing\">"
        + "<s:Header><a:Action s:mustUnderstand=\"1\">"
        + SOAP_NS
        + "/Autodiscover/GetUserSettingsResponse</a:Action></s:Header>"
        + "<s:Body><GetUserSettingsResponseMessage xmlns=\""
        + SOAP_NS
        + "\">"
        + "<Response xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\">"
        + "<ErrorCode>NoError</ErrorCode><ErrorMessage />"
        + "<UserResponses><UserResponse>"
        + "<ErrorCode>"
        + code
        + "</ErrorCode><ErrorMessage>"
        + (code.equals("InvalidUser") ? "Invalid user." : "No error.")
        + "</ErrorMessage>"
        + target
        + "<UserSettingErrors />"
        + "<UserSettings>"
        + settings
        + "</UserSettings>"
        + "</UserResponse></UserResponses></Response>"
        + "</GetUserSettingsResponseMessage></s:Body></s:Envelope>";
  }

  private static String pox(Answer answer) {
    String account;
    if (answer instanceof Ews ews) {
      account =
          "<AccountType>email</AccountType><Action>settings</Action>"
              + "<Protocol><Type>EXCH</Type><Server>EXCH01.internal.contoso.example</Server>"
              + "<EwsUrl>https://exch01.internal.contoso.example/EWS/Exchange.asmx</EwsUrl>"
              + "</Protocol>"
              + "<Protocol><Type>EXPR</Type><Server>mail.contoso.example</Server><EwsUrl>"
              + ews.ewsUrl()
              + "</EwsUrl></Protocol>";
    } else if (answer instanceof RedirectAddress redirect) {
      account =
          "<AccountType>email</AccountType><Action>redirectAddr</Action><RedirectAddr>"
              + redirect.address()
              + "</RedirectAddr>";
    } else if (answer instanceof RedirectUrl redirect) {
      account =
          "<AccountType>email</AccountType><Action>redirectUrl</Action><RedirectUrl>"
              + redirect.url()
              + "</RedirectUrl>";
    } else {
      return "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
          + "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006\">"
          + "<Response><Error Time=\"10:00:00.0000000\" Id=\"2471686349\">"
          + "<ErrorCode>500</ErrorCode><Message>The e-mail address cannot be found.</Message>"
          + "<DebugData /></Error></Response></Autodiscover>";
    }
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
        + "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006\">"
        + "<Response xmlns=\""
        + POX_RESPONSE
        + "\"><User><DisplayName>Alice</DisplayName></User><Account>"
        + account
        + "</Account></Response></Autodiscover>";
  }
}
