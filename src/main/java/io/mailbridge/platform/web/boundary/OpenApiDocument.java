package io.mailbridge.platform.web.boundary;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi}: the API's OpenAPI document, written by hand in {@code
 * META-INF/openapi.yaml} and kept complete by {@code OpenApiDocumentTest}. The container's own
 * generator is switched off: it scans every class of the WAR and runs out of a 512 MB heap.
 */
@WebServlet(name = "OpenApiDocument", urlPatterns = "/openapi")
public class OpenApiDocument extends HttpServlet {

  static final String RESOURCE = "META-INF/openapi.yaml";

  private byte[] document;

  @Override
  public void init() {
    try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the application");
      }
      document = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setContentType("application/yaml");
    response.setCharacterEncoding("UTF-8");
    response.setHeader("Cache-Control", "public, max-age=3600");
    response.setContentLength(document.length);
    response.getOutputStream().write(document);
  }
}
