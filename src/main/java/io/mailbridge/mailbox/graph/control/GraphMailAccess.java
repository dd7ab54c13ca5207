package io.mailbridge.mailbox.graph.control;

import io.mailbridge.mailbox.control.EntraMailAccess;
import io.mailbridge.mailbox.control.VerifiedEntraToken;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** {@link EntraMailAccess} over Entra's token checks and Graph's on-behalf-of grant. */
@ApplicationScoped
public class GraphMailAccess implements EntraMailAccess {

  @Inject EntraAccessTokens tokens;
  @Inject GraphOnBehalfOf onBehalfOf;

  @Override
  public VerifiedEntraToken verify(String accessToken) {
    return tokens.verify(accessToken);
  }

  @Override
  public String connectOnBehalfOf(
      String orgId, String userId, VerifiedEntraToken token, String assertion) {
    return onBehalfOf.connect(orgId, userId, token, assertion).id();
  }
}
