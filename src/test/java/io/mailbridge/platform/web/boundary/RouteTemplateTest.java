package io.mailbridge.platform.web.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mailbridge.crm.boundary.RecordsResource;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.junit.jupiter.api.Test;

/** The route label of an API request is its resource method's template, never the sent path. */
class RouteTemplateTest {

  @Path("/things/{type}/")
  static class Things {
    @GET
    public String list(@PathParam("type") String type) {
      return type;
    }

    @GET
    @Path("{id}")
    public String one(@PathParam("id") String id) {
      return id;
    }

    @POST
    @Path("/{ id : [0-9a-f]{32} }/parts/{n:\\d+}")
    public String part(@PathParam("id") String id, @PathParam("n") int n) {
      return id + n;
    }
  }

  /** What a CDI container may hand over instead of the annotated class. */
  static class ThingsProxy extends Things {}

  static class NotAResource {
    public String nothing() {
      return "";
    }
  }

  @Test
  void theTemplateJoinsBasePathClassAndMethodPaths() throws Exception {
    assertEquals(
        "/api/things/{type}",
        RouteTemplate.of("/api/", Things.class, method(Things.class, "list")));
    assertEquals(
        "/api/things/{type}/{id}",
        RouteTemplate.of("/api/", Things.class, method(Things.class, "one")));
    assertEquals(
        "/api/things/{type}/{id}",
        RouteTemplate.of("/api/", ThingsProxy.class, method(Things.class, "one")));
  }

  @Test
  void regularExpressionsInTemplatesAreDropped() throws Exception {
    assertEquals(
        "/api/things/{type}/{id}/parts/{n}",
        RouteTemplate.of("/api/", Things.class, method(Things.class, "part")));
    assertEquals("{a}/{b}/c", RouteTemplate.withoutRegex("{a: x{2,3}}/{ b }/c"));
  }

  @Test
  void aRecordReadIsNamedByItsTemplate() throws Exception {
    assertEquals(
        "/api/records/{type}/{id}",
        RouteTemplate.of("/api/", RecordsResource.class, method(RecordsResource.class, "get")));
    assertEquals(
        "/api/records/{type}/{id}/timeline",
        RouteTemplate.of(
            "/api/", RecordsResource.class, method(RecordsResource.class, "timeline")));
  }

  @Test
  void aMethodWithoutAnyPathHasNoTemplate() throws Exception {
    assertEquals(
        "", RouteTemplate.of("/api/", NotAResource.class, NotAResource.class.getMethod("nothing")));
  }

  private static java.lang.reflect.Method method(Class<?> type, String name) {
    for (java.lang.reflect.Method m : type.getMethods()) {
      if (m.getName().equals(name)) {
        return m;
      }
    }
    throw new AssertionError("no method " + name);
  }
}
