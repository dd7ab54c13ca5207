package io.mailbridge.crm.boundary;

import io.mailbridge.crm.control.Activities;
import io.mailbridge.platform.security.control.Caller;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** One activity, and the bytes of one of its attachments. */
@Path("activities/{id}")
public class ActivitiesResource {

  @Inject Activities activities;
  @Inject Caller caller;

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public JsonObject get(@PathParam("id") String id) {
    return activities.get(caller.orgId(), id);
  }

  @GET
  @Path("attachments/{n}")
  public Response attachment(@PathParam("id") String id, @PathParam("n") int n) {
    Activities.Download download = activities.attachment(caller.orgId(), id, n);
    return Response.ok(download.content(), download.contentType())
        .header("Content-Disposition", contentDisposition(download.name()))
        .header("Content-Length", download.content().length)
        .header("X-Content-Type-Options", "nosniff")
        .header("Cache-Control", "private, no-store")
        .build();
  }

  /** RFC 6266: an ASCII fallback name and the exact name in UTF-8. */
  static String contentDisposition(String name) {
    String ascii = name.replaceAll("[^\\x20-\\x7e]", "_").replace("\\", "_").replace("\"", "'");
    String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }
}
