package io.mailbridge.platform.web.boundary;

import jakarta.inject.Inject;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Times every request Mailbridge answers, as {@code mailbridge_http_requests_seconds} by route,
 * method and status. The route is the API's path template ({@link RouteTemplate}), a servlet's own
 * path, {@code static} for the add-in's files, {@code unmatched} for a path nothing serves, or
 * {@code container} for a request the container refused before Mailbridge saw it (a bearer token
 * MicroProfile JWT did not accept): never a path as sent. Declared first in {@code web.xml}, so it
 * also times what the other filters refuse. Every answer is synchronous, so the request is over
 * when the chain returns.
 */
public class HttpMetrics extends HttpFilter {

  static final Metadata REQUESTS =
      Metadata.builder()
          .withName("mailbridge_http_requests")
          .withDescription("HTTP requests by route template, method and status")
          // Recorded in nanoseconds; the exporter scales to seconds and names it _seconds.
          .withUnit(MetricUnits.NANOSECONDS)
          .build();

  static final String UNMATCHED = "unmatched";
  static final String STATIC = "static";
  static final String CONTAINER = "container";
  static final String OTHER_METHOD = "other";

  static final Set<String> METHODS = ResponseHeaders.METHODS;

  private static final String TIMED = HttpMetrics.class.getName() + ".timed";

  @Inject MetricRegistry registry;

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (request.getDispatcherType() == DispatcherType.ERROR) {
      chain.doFilter(request, response);
      if (request.getAttribute(TIMED) == null) {
        // The container answered before the request reached the filters: only its error page
        // runs through them.
        Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        record(CONTAINER, request.getMethod(), status instanceof Integer s ? s : 500, 0);
      }
      return;
    }
    request.setAttribute(TIMED, Boolean.TRUE);
    long start = System.nanoTime();
    int status = 500;
    try {
      chain.doFilter(request, response);
      status = response.getStatus();
    } finally {
      Object template = request.getAttribute(RouteTemplate.ATTRIBUTE);
      record(
          route(template instanceof String t ? t : null, request.getHttpServletMapping(), status),
          request.getMethod(),
          status,
          System.nanoTime() - start);
    }
  }

  private void record(String route, String method, int status, long nanos) {
    registry
        .timer(
            REQUESTS,
            new Tag("route", route),
            new Tag("method", methodLabel(method)),
            new Tag("status", Integer.toString(status)))
        .update(Duration.ofNanos(nanos));
  }

  /** The route label: the matched template, else what the servlet mapping says. */
  static String route(String template, HttpServletMapping mapping, int status) {
    if (template != null) {
      return template;
    }
    if (status == 404 || mapping == null || mapping.getMappingMatch() == null) {
      return UNMATCHED;
    }
    MappingMatch match = mapping.getMappingMatch();
    return switch (match) {
      // The container's file servlet: the add-in's pages, scripts and icons.
      case DEFAULT -> STATIC;
      case CONTEXT_ROOT -> "/";
      // A servlet's path, or a path prefix JAX-RS answered without a resource method of ours.
      case EXACT, PATH, EXTENSION -> mapping.getPattern();
    };
  }

  /** The method, or {@code other} for one Mailbridge never serves (any word can be sent). */
  static String methodLabel(String method) {
    return METHODS.contains(method) ? method : OTHER_METHOD;
  }
}
