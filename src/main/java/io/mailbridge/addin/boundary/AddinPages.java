package io.mailbridge.addin.boundary;

import io.mailbridge.mailbox.control.ExchangeAllowList;
import io.mailbridge.mailbox.control.ExchangeHostEntry;
import io.mailbridge.platform.web.boundary.PagePolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The Content-Security-Policy of the add-in's static pages: no inline script, Office.js from
 * Microsoft's CDN, and framing only by Outlook: Outlook on the web and the OWA hosts of the orgs'
 * Exchange allow-lists for the task pane and function file, nobody for the other pages.
 */
@ApplicationScoped
public class AddinPages implements PagePolicy {

  static final Set<String> FRAMED = Set.of("/addin/taskpane.html", "/addin/functions.html");

  private static final String BASE =
      "default-src 'none'; script-src 'self' https://appsforoffice.microsoft.com;"
          + " style-src 'self'; img-src 'self' data:; font-src 'self';"
          + " connect-src 'self' https://login.microsoftonline.com;"
          + " frame-src https://login.microsoftonline.com; form-action 'self'; base-uri 'none';"
          + " object-src 'none'; frame-ancestors ";

  @Inject ExchangeAllowList exchangeHosts;

  @Inject
  @ConfigProperty(
      name = "mailbridge.addin.frame-ancestors",
      defaultValue =
          "https://outlook.office.com,https://outlook.office365.com,https://outlook.live.com,"
              + "https://outlook.cloud.microsoft,https://*.officeapps.live.com")
  List<String> outlookOnTheWeb;

  @Override
  public Optional<String> contentSecurityPolicy(String path) {
    if (!path.startsWith("/addin/") || !path.endsWith(".html")) {
      return Optional.empty();
    }
    return Optional.of(BASE + (FRAMED.contains(path) ? framers() : "'none'"));
  }

  // One small query per page load: the pane is opened by people, not in bulk, and a host an admin
  // adds must work at once.
  private String framers() {
    return ancestors(outlookOnTheWeb, exchangeHosts.ofEveryOrg());
  }

  /** The frame-ancestors sources: Outlook on the web, then each on-premises OWA host. */
  static String ancestors(List<String> outlook, List<ExchangeHostEntry> exchange) {
    Set<String> sources = new LinkedHashSet<>(outlook);
    for (ExchangeHostEntry host : exchange) {
      String name = host.host().contains(":") ? "[" + host.host() + "]" : host.host();
      sources.add("https://" + name);
      if (host.plainHttp()) {
        sources.add("http://" + name + ":*");
      }
    }
    return String.join(" ", sources);
  }
}
