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

  private static final String OWNED_OR_FOLLOWED = "owned_or_followed";
  private static final String ALL = "all";

  /** The settings as sent; a field left out is off (records: owned or followed). */
  public record Body(String contacts, String events, Boolean includeLeads, String records) {}

  /** The settings as shown. */
  public record View(String contacts, String events, boolean includeLeads, String records) {
    static View of(SyncChoice choice) {
      return new View(
          choice.contacts().wireName(),
          choice.events().wireName(),
          choice.includeLeads(),
          choice.allRecords() ? ALL : OWNED_OR_FOLLOWED);
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
    if (body.records() != null
        && !body.records().equals(ALL)
        && !body.records().equals(OWNED_OR_FOLLOWED)) {
      throw new InvalidField("records", "must be one of owned_or_followed, all");
    }
    boolean all = ALL.equals(body.records());
    return View.of(
        settings.replace(
            caller.orgId(), caller.userId(), new SyncChoice(contacts, events, leads, all)));
  }

  private static SyncDirection direction(String field, String value) {
    if (value == null) {
      return SyncDirection.OFF;
    }
    return SyncDirection.fromWire(value).orElseThrow(() -> new InvalidField(field, DIRECTIONS));
  }
}
