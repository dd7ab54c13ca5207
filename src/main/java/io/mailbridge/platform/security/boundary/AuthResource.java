package io.mailbridge.platform.security.boundary;

import io.mailbridge.platform.security.control.Authentication;
import io.mailbridge.platform.security.control.Caller;
import io.mailbridge.platform.security.control.TokenPair;
import io.mailbridge.platform.security.control.Users;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Sign-in with a CRM user's email and password, token refresh and logout. */
@Path("auth")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {

  @Inject Authentication authentication;
  @Inject Caller caller;
  @Inject Users users;
  @Context HttpServletRequest http;

  /** Login body. */
  public record Credentials(String email, String password) {}

  /** Refresh and logout body. */
  public record RefreshRequest(String refreshToken) {}

  @POST
  @Path("login")
  @PermitAll
  public TokenPair login(Credentials credentials) {
    Credentials given = credentials == null ? new Credentials(null, null) : credentials;
    return authentication.login(given.email(), given.password(), http.getRemoteAddr());
  }

  @POST
  @Path("refresh")
  @PermitAll
  public TokenPair refresh(RefreshRequest request) {
    return authentication.refresh(request == null ? null : request.refreshToken());
  }

  @POST
  @Path("logout")
  @PermitAll
  public Response logout(RefreshRequest request) {
    authentication.logout(request == null ? null : request.refreshToken());
    return Response.noContent().build();
  }

  /** The signed-in user. */
  @GET
  @Path("me")
  public UserView me() {
    return UserView.of(users.find(caller.orgId(), caller.userId()));
  }
}
