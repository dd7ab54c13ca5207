package io.mailbridge.sync.boundary;

import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.InvalidRequest;
import io.mailbridge.platform.security.control.Caller;
import io.mailbridge.sync.control.OrgSyncSettings;
import io.mailbridge.sync.control.SyncChoice;
import io.mailbridge.sync.entity.SyncDirection;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The org's sync settings for its admins: {@code GET/PUT /api/admin/sync/settings}. */
@Path("admin/sync/settings")
@RolesAllowed("ADMIN")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class SyncSettingsResource {

  private static final String DIRECTIONS = "must be one of off, crm_to_mail, mail_to_crm, both";

  @Inject OrgSyncSettings settings;
  @Inject Caller caller;

  /** The settings as sent; a field left out is off. */
  public record Body(String contacts, String events, Boolean includeLeads) {}

  /** The settings as shown. */
  public record View(String contacts, String events, boolean includeLeads) {
    static View of(SyncChoice choice) {
      return new View(
          choice.contacts().wireName(), choice.events().wireName(), choice.includeLeads());
    }
  }

  @GET
  public View get() {
    return View.of(settings.of(caller.orgId()));
  }

  @PUT
  public View replace(Body body) {
    if (body == null) {
      throw new InvalidRequest("invalid_json", "Send the sync settings as a JSON object");
    }
    SyncDirection contacts = direction("contacts", body.contacts());
    SyncDirection events = direction("events", body.events());
    boolean leads = body.includeLeads() != null && body.includeLeads();
    return View.of(
        settings.replace(caller.orgId(), caller.userId(), new SyncChoice(contacts, events, leads)));
  }

  private static SyncDirection direction(String field, String value) {
    if (value == null) {
      return SyncDirection.OFF;
    }
    return SyncDirection.fromWire(value).orElseThrow(() -> new InvalidField(field, DIRECTIONS));
  }
}
