package io.mailbridge.addin.boundary;

import io.mailbridge.addin.control.ExchangeIdentities;
import io.mailbridge.addin.control.ExchangeIdentity;
import io.mailbridge.addin.entity.ExchangeIdentityLink;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.security.control.Caller;
import io.mailbridge.platform.web.boundary.Page;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;

/** Exchange mailboxes linked to the org's CRM users, for an admin to review and remove. */
@Path("admin/exchange/identities")
@RolesAllowed("ADMIN")
@Produces(MediaType.APPLICATION_JSON)
public class ExchangeIdentitiesResource {

  @Inject ExchangeIdentities identities;
  @Inject Caller caller;

  /** One link as the admin sees it. */
  public record IdentityView(
      String id,
      String userId,
      String exchangeServer,
      String exchangeUserId,
      String mailbox,
      Instant createdAt,
      Instant lastUsedAt) {
    static IdentityView of(ExchangeIdentityLink link) {
      return new IdentityView(
          link.id(),
          link.userId(),
          new ExchangeIdentity(link.metadataUrl(), link.exchangeUserId()).host(),
          link.exchangeUserId(),
          link.mailbox(),
          link.createdAt(),
          link.lastUsedAt());
    }
  }

  @GET
  public Page<IdentityView> list(
      @QueryParam("cursor") String cursor, @QueryParam("limit") @DefaultValue("50") int limit) {
    if (limit < 1 || limit > 200) {
      throw new InvalidField("limit", "must be between 1 and 200");
    }
    List<ExchangeIdentityLink> rows = identities.page(caller.orgId(), cursor, limit + 1);
    boolean more = rows.size() > limit;
    List<IdentityView> items = rows.stream().limit(limit).map(IdentityView::of).toList();
    return new Page<>(items, more ? items.get(items.size() - 1).id() : null);
  }

  @DELETE
  @Path("{id}")
  public Response remove(@PathParam("id") String id) {
    identities.remove(caller.orgId(), id);
    return Response.noContent().build();
  }
}
