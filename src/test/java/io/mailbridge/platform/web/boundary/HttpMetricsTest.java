package io.mailbridge.platform.web.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.MappingMatch;
import org.junit.jupiter.api.Test;

/** The route and method labels of requests that JAX-RS did not name. */
class HttpMetricsTest {

  private static HttpServletMapping mapping(MappingMatch match, String pattern) {
    return new HttpServletMapping() {
      @Override
      public String getMatchValue() {
        return "whatever-the-client-sent";
      }

      @Override
      public String getPattern() {
        return pattern;
      }

      @Override
      public String getServletName() {
        return "servlet";
      }

      @Override
      public MappingMatch getMappingMatch() {
        return match;
      }
    };
  }

  @Test
  void aMatchedTemplateIsTheRouteWhateverTheStatus() {
    assertEquals(
        "/api/records/{type}/{id}",
        HttpMetrics.route("/api/records/{type}/{id}", mapping(MappingMatch.PATH, "/api/*"), 404));
  }

  @Test
  void withoutATemplateTheServletMappingNamesTheRouteAndNeverTheSentPath() {
    assertEquals("/openapi", HttpMetrics.route(null, mapping(MappingMatch.EXACT, "/openapi"), 200));
    assertEquals("static", HttpMetrics.route(null, mapping(MappingMatch.DEFAULT, "/"), 200));
    assertEquals("static", HttpMetrics.route(null, mapping(MappingMatch.DEFAULT, "/"), 304));
    assertEquals("/api/*", HttpMetrics.route(null, mapping(MappingMatch.PATH, "/api/*"), 405));
    assertEquals("/", HttpMetrics.route(null, mapping(MappingMatch.CONTEXT_ROOT, ""), 200));
  }

  @Test
  void aPathNothingServesIsUnmatched() {
    assertEquals("unmatched", HttpMetrics.route(null, mapping(MappingMatch.PATH, "/api/*"), 404));
    assertEquals("unmatched", HttpMetrics.route(null, mapping(MappingMatch.DEFAULT, "/"), 404));
    assertEquals("unmatched", HttpMetrics.route(null, null, 200));
  }

  @Test
  void aMethodMailbridgeNeverServesIsOther() {
    assertEquals("GET", HttpMetrics.methodLabel("GET"));
    assertEquals("PATCH", HttpMetrics.methodLabel("PATCH"));
    assertEquals("other", HttpMetrics.methodLabel("PROPFIND"));
    assertEquals("other", HttpMetrics.methodLabel("get"));
    assertEquals("other", HttpMetrics.methodLabel("X".repeat(1000)));
  }
}
