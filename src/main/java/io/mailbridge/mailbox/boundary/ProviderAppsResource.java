package io.mailbridge.mailbox.boundary;

import io.mailbridge.mailbox.control.ConnectMailbox;
import io.mailbridge.mailbox.control.OAuthProviders;
import io.mailbridge.mailbox.control.ProviderAppSettings;
import io.mailbridge.mailbox.control.ProviderApps;
import io.mailbridge.mailbox.control.ProviderCredentials;
import io.mailbridge.mailbox.entity.MailProvider;
import io.mailbridge.mailbox.entity.ProviderApp;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.InvalidRequest;
import io.mailbridge.platform.security.control.Caller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The org's app registration at Google or Microsoft: {@code GET/PUT
 * /api/admin/providers/{google,microsoft}}. Secrets go in and never come out.
 */
@Path("admin/providers/{provider}")
@RolesAllowed("ADMIN")
@Produces(MediaType.APPLICATION_JSON)
public class ProviderAppsResource {

  @Inject ProviderApps apps;
  @Inject OAuthProviders providers;
  @Inject ConnectMailbox connect;
  @Inject Caller caller;

  /** The settings as shown back: whether a secret is set, never the secret. */
  public record ProviderAppView(
      String provider,
      boolean configured,
      String clientId,
      boolean clientSecretSet,
      String certificateThumbprint,
      List<String> allowed,
      boolean connectionsBlocked,
      String redirectUri,
      List<String> scopes,
      Instant updatedAt) {}

  @GET
  public ProviderAppView get(@PathParam("provider") String name) {
    MailProvider provider = providers.named(name);
    return view(provider, apps.find(caller.orgId(), provider).orElse(null));
  }

  @PUT
  @Consumes(MediaType.APPLICATION_JSON)
  public ProviderAppView put(@PathParam("provider") String name, JsonValue body) {
    MailProvider provider = providers.named(name);
    if (!(body instanceof JsonObject json)) {
      throw new InvalidRequest("invalid_json", "Send a JSON object");
    }
    String allowedField = provider == MailProvider.GOOGLE ? "allowedDomains" : "allowedTenants";
    JsonObject certificate = json.get("certificate") instanceof JsonObject c ? c : null;
    if (json.containsKey("certificate")
        && certificate == null
        && json.get("certificate") != JsonValue.NULL) {
      throw new InvalidField("certificate", "must be {\"privateKeyPem\",\"certificatePem\"}");
    }
    ProviderAppSettings settings =
        new ProviderAppSettings(
            text(json, "clientId"),
            text(json, "clientSecret"),
            certificate == null ? null : text(certificate, "privateKeyPem"),
            certificate == null ? null : text(certificate, "certificatePem"),
            list(json, allowedField),
            flag(json, "connectionsBlocked"));
    ProviderApp app = apps.update(caller.orgId(), caller.userId(), provider, settings);
    return view(provider, app);
  }

  private ProviderAppView view(MailProvider provider, ProviderApp app) {
    return new ProviderAppView(
        provider.pathName(),
        app != null,
        app == null ? null : app.clientId(),
        app != null && app.hasClientSecret(),
        app != null && app.hasCertificate()
            ? ProviderCredentials.thumbprint(app.certificatePem())
            : null,
        app == null ? List.of() : app.allowed(),
        app != null && app.connectionsBlocked(),
        connect.redirectUri(provider),
        providers.of(provider).requestedScopes(),
        app == null ? null : app.updatedAt());
  }

  private static String text(JsonObject json, String field) {
    JsonValue value = json.get(field);
    if (value == null || value == JsonValue.NULL) {
      return null;
    }
    if (!(value instanceof JsonString s)) {
      throw new InvalidField(field, "must be a string");
    }
    return s.getString();
  }

  private static List<String> list(JsonObject json, String field) {
    JsonValue value = json.get(field);
    if (value == null || value == JsonValue.NULL) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw new InvalidField(field, "must be an array of strings");
    }
    List<String> items = new ArrayList<>();
    for (JsonValue item : array) {
      if (!(item instanceof JsonString s)) {
        throw new InvalidField(field, "must be an array of strings");
      }
      items.add(s.getString());
    }
    return items;
  }

  private static boolean flag(JsonObject json, String field) {
    JsonValue value = json.get(field);
    if (value == null || value == JsonValue.NULL || value == JsonValue.FALSE) {
      return false;
    }
    if (value == JsonValue.TRUE) {
      return true;
    }
    throw new InvalidField(field, "must be true or false");
  }
}
