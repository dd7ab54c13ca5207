package io.mailbridge.mailbox.control;

import io.mailbridge.mailbox.entity.MailProvider;
import io.mailbridge.platform.problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/** Finds the {@link OAuthProvider} of a provider, or of a path segment a caller sent. */
@ApplicationScoped
public class OAuthProviders {

  @Inject @Any Instance<OAuthProvider> providers;

  public OAuthProvider of(MailProvider provider) {
    for (OAuthProvider candidate : providers) {
      if (candidate.provider() == provider) {
        return candidate;
      }
    }
    throw new IllegalStateException("No OAuth support for " + provider);
  }

  /** The provider named in a path ({@code google}, {@code microsoft}); 404 for any other. */
  public MailProvider named(String pathName) {
    return MailProvider.fromPath(pathName)
        .orElseThrow(() -> new NotFound("Provider \"" + pathName + "\""));
  }
}
