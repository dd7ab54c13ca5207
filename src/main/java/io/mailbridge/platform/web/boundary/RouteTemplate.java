package io.mailbridge.platform.web.boundary;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Names the route of an API request for {@link HttpMetrics}: the path template of the resource
 * method JAX-RS matched ({@code /api/records/{type}/{id}}), never the path as sent, so no id
 * becomes a label. It runs before any filter that may refuse the request, so refusals are counted
 * under their route too.
 */
@Provider
@Priority(Priorities.AUTHENTICATION - 500)
public class RouteTemplate implements ContainerRequestFilter {

  /** The request attribute (JAX-RS properties are the servlet request's attributes). */
  static final String ATTRIBUTE = "io.mailbridge.http.route";

  private static final Map<Method, String> TEMPLATES = new ConcurrentHashMap<>();

  @Context ResourceInfo resource;
  @Context UriInfo uri;

  @Override
  public void filter(ContainerRequestContext request) {
    Method method = resource.getResourceMethod();
    Class<?> type = resource.getResourceClass();
    if (method == null || type == null) {
      return;
    }
    // One application path, so the method alone keys its template.
    String template =
        TEMPLATES.computeIfAbsent(method, m -> of(uri.getBaseUri().getPath(), type, m));
    if (!template.isEmpty()) {
      request.setProperty(ATTRIBUTE, template);
    }
  }

  /**
   * The template of a resource method under the application's base path: the {@code @Path} of its
   * class and its own joined, with regular expressions dropped ({@code {id: \\d+}} is {@code
   * {id}}); empty when neither has a {@code @Path}.
   */
  static String of(String base, Class<?> type, Method method) {
    Path onType = pathOf(type);
    Path onMethod = method.getAnnotation(Path.class);
    if (onType == null && onMethod == null) {
      return "";
    }
    StringBuilder template = new StringBuilder();
    for (String part :
        new String[] {
          base, onType == null ? "" : onType.value(), onMethod == null ? "" : onMethod.value()
        }) {
      for (String segment : withoutRegex(part).split("/")) {
        if (!segment.isEmpty()) {
          template.append('/').append(segment);
        }
      }
    }
    return template.length() == 0 ? "/" : template.toString();
  }

  // The container may hand over a subclass (a CDI proxy) of the annotated class.
  private static Path pathOf(Class<?> type) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      Path path = c.getAnnotation(Path.class);
      if (path != null) {
        return path;
      }
    }
    return null;
  }

  /** {@code {name: regex}} to {@code {name}}; a regex may hold braces of its own. */
  static String withoutRegex(String template) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c != '{') {
        out.append(c);
        i++;
        continue;
      }
      int depth = 0;
      boolean inName = true;
      out.append('{');
      for (i++; i < template.length(); i++) {
        char d = template.charAt(i);
        if (d == '{') {
          depth++;
        } else if (d == '}') {
          if (depth == 0) {
            break;
          }
          depth--;
        } else if (d == ':') {
          inName = false;
        } else if (inName && !Character.isWhitespace(d)) {
          out.append(d);
        }
      }
      out.append('}');
      i++;
    }
    return out.toString();
  }
}
