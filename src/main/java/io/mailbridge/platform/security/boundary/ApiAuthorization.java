package io.mailbridge.platform.security.boundary;

import io.mailbridge.platform.security.control.AccessTokens;
import io.mailbridge.platform.security.control.AddinSessions;
import io.mailbridge.platform.security.control.Caller;
import io.mailbridge.platform.security.control.Users;
import io.mailbridge.platform.security.entity.AddinSession;
import io.mailbridge.platform.security.entity.AppUser;
import io.mailbridge.platform.web.boundary.ApiError;
import jakarta.annotation.Priority;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.Method;
import java.security.Principal;
import java.util.Arrays;
import java.util.Optional;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Every {@code /api} call not marked {@code @PermitAll} needs a valid Mailbridge JWT (verified by
 * MicroProfile JWT) or an add-in session cookie, whose user still exists and is enabled;
 * {@code @RolesAllowed} is checked against the user's current role in the database, not the one in
 * the token.
 */
@Provider
@Priority(Priorities.AUTHORIZATION)
public class ApiAuthorization implements ContainerRequestFilter {

  @Context ResourceInfo resource;
  @Inject Caller caller;
  @Inject Users users;
  @Inject AddinSessions addinSessions;

  @Override
  public void filter(ContainerRequestContext request) {
    Method method = resource.getResourceMethod();
    if (method == null || isPublic(method)) {
      return;
    }
    Principal principal = request.getSecurityContext().getUserPrincipal();
    Optional<AppUser> user;
    boolean addinSession = false;
    String addinMailbox = null;
    if (principal instanceof JsonWebToken jwt && AccessTokens.ISSUER.equals(jwt.getIssuer())) {
      user = users.findActive(jwt.getClaim(AccessTokens.ORG_CLAIM), jwt.getSubject());
    } else if (principal == null && request.getCookies().containsKey(AddinSessions.COOKIE)) {
      if (!"1".equals(request.getHeaderString(AddinSessions.CSRF_HEADER))) {
        deny(
            request,
            Response.Status.FORBIDDEN,
            "forbidden",
            "Add-in calls must carry the " + AddinSessions.CSRF_HEADER + " header");
        return;
      }
      Optional<AddinSession> session =
          addinSessions.find(request.getCookies().get(AddinSessions.COOKIE).getValue());
      if (session.isEmpty()) {
        deny(
            request,
            Response.Status.UNAUTHORIZED,
            "session_expired",
            "The add-in session has ended; sign in again");
        return;
      }
      user = users.findActive(session.get().orgId(), session.get().userId());
      addinSession = true;
      addinMailbox = session.get().mailboxId();
    } else {
      deny(request, Response.Status.UNAUTHORIZED, "unauthorized", "Sign in first");
      return;
    }
    if (user.isEmpty()) {
      deny(
          request, Response.Status.UNAUTHORIZED, "unauthorized", "The account is disabled or gone");
      return;
    }
    RolesAllowed roles = rolesAllowed(method);
    // The add-in's cookie is for the task pane's own calls; administration needs a real sign-in.
    if (roles != null && addinSession) {
      deny(
          request,
          Response.Status.FORBIDDEN,
          "forbidden",
          "Administration is not available from the Outlook add-in");
      return;
    }
    if (roles != null
        && Arrays.stream(roles.value()).noneMatch(r -> r.equals(user.get().role().name()))) {
      deny(
          request,
          Response.Status.FORBIDDEN,
          "forbidden",
          "This needs the role " + String.join(" or ", roles.value()));
      return;
    }
    caller.signedIn(user.get().id(), user.get().orgId(), user.get().role());
    if (addinSession) {
      caller.signedInThroughAddin(addinMailbox);
    }
  }

  private static boolean isPublic(Method method) {
    return method.isAnnotationPresent(PermitAll.class)
        || (!method.isAnnotationPresent(RolesAllowed.class)
            && method.getDeclaringClass().isAnnotationPresent(PermitAll.class));
  }

  private static RolesAllowed rolesAllowed(Method method) {
    RolesAllowed onMethod = method.getAnnotation(RolesAllowed.class);
    return onMethod != null
        ? onMethod
        : method.getDeclaringClass().getAnnotation(RolesAllowed.class);
  }

  private static void deny(
      ContainerRequestContext request, Response.Status status, String code, String message) {
    request.abortWith(ApiError.response(status.getStatusCode(), code, message).build());
  }
}
