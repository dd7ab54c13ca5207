package io.mailbridge.mailbox.control;

import io.mailbridge.platform.outbound.control.OutboundCall;
import io.mailbridge.platform.outbound.control.OutboundFailure;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.outbound.control.OutboundLimits;
import io.mailbridge.platform.outbound.control.OutboundPolicy;
import io.mailbridge.platform.outbound.control.OutboundResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Form POSTs to OAuth token and revocation endpoints (RFC 6749 §4.1.3, §6; RFC 7009) through the
 * outbound client, and their JSON answers read into a {@link TokenGrant} or a {@link
 * TokenEndpointError}.
 */
@ApplicationScoped
public class TokenEndpoint {

  private static final long MAX_BYTES = 256 * 1024;
  private static final int MAX_CLAIMS_CHARS = 8 * 1024;

  @Inject OutboundHttp outbound;

  @Inject
  @ConfigProperty(name = "mailbridge.oauth.timeout", defaultValue = "PT15S")
  Duration timeout;

  Clock clock = Clock.systemUTC();

  /** POSTs the form and reads a token answer; {@code call} labels it in the metrics. */
  public TokenGrant requestTokens(
      OutboundCall call, URI endpoint, Map<String, String> form, OutboundPolicy policy)
      throws TokenEndpointError, OutboundFailure {
    OutboundResponse response = postForm(call, endpoint, form, Map.of(), policy);
    JsonObject json = jsonOrNull(response.body());
    if (response.status() != 200 || json == null || text(json, "access_token") == null) {
      throw errorOf(response, json);
    }
    long expiresIn = json.containsKey("expires_in") ? seconds(json.get("expires_in")) : 3600;
    String scope = text(json, "scope");
    List<String> scopes =
        scope == null
            ? List.of()
            : Arrays.stream(scope.split("\\s+")).filter(s -> !s.isEmpty()).toList();
    return new TokenGrant(
        text(json, "access_token"),
        clock.instant().plusSeconds(Math.max(0, expiresIn)),
        text(json, "refresh_token"),
        scopes,
        text(json, "id_token"));
  }

  /** POSTs a form whose answer carries no tokens (revocation); any 2xx is success. */
  public void post(
      OutboundCall call,
      URI endpoint,
      Map<String, String> form,
      Map<String, String> headers,
      OutboundPolicy policy)
      throws TokenEndpointError, OutboundFailure {
    OutboundResponse response = postForm(call, endpoint, form, headers, policy);
    if (response.status() / 100 != 2) {
      throw errorOf(response, jsonOrNull(response.body()));
    }
  }

  private OutboundResponse postForm(
      OutboundCall call,
      URI endpoint,
      Map<String, String> form,
      Map<String, String> headers,
      OutboundPolicy policy)
      throws OutboundFailure {
    String body = formEncoded(form);
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put("Content-Type", "application/x-www-form-urlencoded");
    all.put("Accept", "application/json");
    return outbound.post(
        call,
        endpoint,
        policy,
        new OutboundLimits(timeout, MAX_BYTES, 0),
        all,
        body.getBytes(StandardCharsets.UTF_8));
  }

  private static TokenEndpointError errorOf(OutboundResponse response, JsonObject json) {
    String error = json == null ? null : text(json, "error");
    String description = json == null ? null : text(json, "error_description");
    if (error == null) {
      error = response.status() >= 500 ? "server_error" : "http_" + response.status();
    }
    if (description != null && description.length() > 300) {
      // Microsoft appends trace ids and timestamps; the first sentence is what a person needs.
      description = description.substring(0, 300) + "…";
    }
    return new TokenEndpointError(response.status(), error, description, claimsOf(json));
  }

  /** Entra's claims challenge, when it is a JSON object of a sane size; else null. */
  private static String claimsOf(JsonObject json) {
    String claims = json == null ? null : text(json, "claims");
    if (claims == null || claims.length() > MAX_CLAIMS_CHARS) {
      return null;
    }
    try (JsonReader reader = Json.createReader(new java.io.StringReader(claims))) {
      return reader.readValue() instanceof JsonObject ? claims : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static JsonObject jsonOrNull(byte[] body) {
    try (JsonReader reader = Json.createReader(new ByteArrayInputStream(body))) {
      JsonValue value = reader.readValue();
      return value instanceof JsonObject object ? object : null;
    } catch (JsonParsingException | IllegalStateException e) {
      return null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String text(JsonObject json, String field) {
    return json.get(field) instanceof JsonString s && !s.getString().isEmpty()
        ? s.getString()
        : null;
  }

  private static long seconds(JsonValue value) {
    if (value instanceof jakarta.json.JsonNumber number) {
      return number.longValue();
    }
    if (value instanceof JsonString s) {
      try {
        return Long.parseLong(s.getString().strip());
      } catch (NumberFormatException e) {
        return 3600;
      }
    }
    return 3600;
  }

  /** {@code application/x-www-form-urlencoded}, also used for authorization URL queries. */
  public static String formEncoded(Map<String, String> form) {
    return form.entrySet().stream()
        .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
        .collect(Collectors.joining("&"));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
