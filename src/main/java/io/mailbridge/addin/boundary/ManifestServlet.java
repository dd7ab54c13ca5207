package io.mailbridge.addin.boundary;

import io.mailbridge.mailbox.control.ProviderApps;
import io.mailbridge.platform.config.control.MailbridgeSettings;
import io.mailbridge.platform.web.boundary.PageHtml;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The Outlook add-in manifest an Exchange admin installs, pointing at this server's public URL. Its
 * id is derived from that URL, so it stays the same across restarts and nodes.
 */
@WebServlet(name = "ManifestServlet", urlPatterns = "/addin/manifest.xml")
public class ManifestServlet extends HttpServlet {

  private static final String TEMPLATE = load();
  private static final List<String> NAA_SCOPES =
      List.of(
          "openid",
          "profile",
          "offline_access",
          "User.Read",
          "Mail.ReadWrite.Shared",
          "Calendars.ReadWrite.Shared");

  @Inject MailbridgeSettings settings;
  @Inject ProviderApps apps;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setContentType("application/xml; charset=UTF-8");
    response.setHeader("Content-Disposition", "inline; filename=\"mailbridge-manifest.xml\"");
    response
        .getWriter()
        .write(render(settings.publicUrl(), microsoftApp(request.getParameter("org"))));
  }

  /** The manifest for this public URL, with nested app authentication for {@code app} if given. */
  static String render(String base, Optional<String> app) {
    String id =
        UUID.nameUUIDFromBytes(("mailbridge-addin\n" + base).getBytes(StandardCharsets.UTF_8))
            .toString();
    return TEMPLATE
        .replace("{{versionOverrides11}}", app.map(a -> versionOverrides11(a, base)).orElse(""))
        .replace("{{app}}", app.map(a -> "?app=" + a).orElse(""))
        .replace("{{id}}", id)
        .replace("{{base}}", PageHtml.escape(base));
  }

  /**
   * The Microsoft app the task pane signs in with on Exchange Online: that of the org named by
   * {@code ?org=}, or the only one on this server. Client ids are not secret.
   */
  private Optional<String> microsoftApp(String orgId) {
    return apps.addinClientId(orgId);
  }

  /**
   * The VersionOverrides 1.1 that Outlook reads for nested app authentication: the same commands
   * again, plus WebApplicationInfo naming the app and the API it exposes.
   */
  private static String versionOverrides11(String clientId, String base) {
    String commands =
        TEMPLATE.substring(
            TEMPLATE.indexOf("    <Requirements>"), TEMPLATE.indexOf("{{versionOverrides11}}"));
    String host = URI.create(base).getHost();
    StringBuilder scopes = new StringBuilder();
    for (String scope : NAA_SCOPES) {
      scopes.append("          <Scope>").append(scope).append("</Scope>\n");
    }
    return "    <VersionOverrides xmlns=\"http://schemas.microsoft.com/office/mailappversionoverrides/1.1\""
        + " xsi:type=\"VersionOverridesV1_1\">\n"
        + commands.replace("\n    ", "\n      ").replaceFirst("^    ", "      ")
        + "      <WebApplicationInfo>\n"
        + "        <Id>"
        + clientId
        + "</Id>\n"
        + "        <Resource>api://"
        + PageHtml.escape(host)
        + "/"
        + clientId
        + "</Resource>\n"
        + "        <Scopes>\n"
        + scopes
        + "        </Scopes>\n"
        + "      </WebApplicationInfo>\n"
        + "    </VersionOverrides>\n";
  }

  private static String load() {
    try (InputStream in =
        ManifestServlet.class.getResourceAsStream("/io/mailbridge/addin/manifest.xml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
