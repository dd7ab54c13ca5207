package io.mailbridge.sync.boundary;

import io.mailbridge.platform.security.control.Caller;
import io.mailbridge.sync.control.SyncStatus;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The caller's own contact sync: {@code GET /api/sync/status}. */
@Path("sync/status")
@Produces(MediaType.APPLICATION_JSON)
public class SyncStatusResource {

  @Inject SyncStatus status;
  @Inject Caller caller;

  @GET
  public SyncStatus.UserStatus get() {
    return status.of(caller.orgId(), caller.userId());
  }
}
