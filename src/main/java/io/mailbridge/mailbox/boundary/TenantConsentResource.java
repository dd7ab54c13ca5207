package io.mailbridge.mailbox.boundary;

import io.mailbridge.mailbox.control.TenantConsents;
import io.mailbridge.mailbox.control.TenantConsents.ConsentedTenantView;
import io.mailbridge.platform.config.control.MailbridgeSettings;
import io.mailbridge.platform.security.control.Caller;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * Tenant admin consent for the org's Microsoft app: {@code GET /api/admin/microsoft/consent}
 * answers Microsoft's admin-consent URL (and binds the flow to this browser), {@code …/callback}
 * records the tenant, and {@code …/tenants} lists the consented ones.
 */
@Path("admin/microsoft")
@RolesAllowed("ADMIN")
public class TenantConsentResource {

  @Inject TenantConsents consent;
  @Inject MailbridgeSettings settings;
  @Inject Caller caller;

  @GET
  @Path("consent")
  @Produces(MediaType.APPLICATION_JSON)
  public Response start() {
    return OutcomePage.started(consent.start(caller.orgId(), caller.userId()), settings);
  }

  @GET
  @Path("consent/callback")
  @PermitAll
  @Produces(MediaType.TEXT_HTML)
  public Response callback(
      @QueryParam("state") String state,
      @QueryParam("admin_consent") String adminConsent,
      @QueryParam("tenant") String tenant,
      @QueryParam("error") String error,
      @QueryParam("error_description") String errorDescription,
      @Context HttpHeaders headers) {
    return OutcomePage.response(
        consent.complete(
            OAuthResource.bounded(state),
            OAuthResource.bounded(adminConsent),
            OAuthResource.bounded(tenant),
            OAuthResource.bounded(error),
            OAuthResource.bounded(errorDescription),
            OutcomePage.cookies(headers)),
        OutcomePage.PROVIDERS_PAGE);
  }

  @GET
  @Path("tenants")
  @Produces(MediaType.APPLICATION_JSON)
  public List<ConsentedTenantView> consented() {
    return consent.consented(caller.orgId());
  }
}
