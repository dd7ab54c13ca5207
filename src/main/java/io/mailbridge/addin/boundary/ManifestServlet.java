package io.mailbridge.addin.boundary;

import io.mailbridge.platform.config.boundary.PageHtml;
import io.mailbridge.platform.config.control.MailbridgeSettings;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The Outlook add-in manifest an Exchange admin installs, pointing at this server's public URL. Its
 * id is derived from that URL, so it stays the same across restarts and nodes.
 */
@WebServlet(name = "ManifestServlet", urlPatterns = "/addin/manifest.xml")
public class ManifestServlet extends HttpServlet {

  private static final String TEMPLATE = load();

  @Inject MailbridgeSettings settings;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String base = settings.publicUrl();
    String id =
        UUID.nameUUIDFromBytes(("mailbridge-addin\n" + base).getBytes(StandardCharsets.UTF_8))
            .toString();
    response.setContentType("application/xml; charset=UTF-8");
    response.setHeader("Content-Disposition", "inline; filename=\"mailbridge-manifest.xml\"");
    response
        .getWriter()
        .write(TEMPLATE.replace("{{id}}", id).replace("{{base}}", PageHtml.escape(base)));
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
