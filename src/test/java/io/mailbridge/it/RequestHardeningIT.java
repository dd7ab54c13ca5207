package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.ApiClient.Reply;
import io.mailbridge.platform.security.entity.AppUser;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an outsider can send: every JSON endpoint gets bodies of the wrong type, too deep, with
 * trailing data and too large, and must answer a 4xx JSON error while stored data stays intact;
 * methods, paths and headers the container would answer on its own get the API's answers too.
 */
@ExtendWith(ArquillianExtension.class)
class RequestHardeningIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;

  // HTTP/1.1 as browsers and SDKs speak it: the JDK client's default cleartext HTTP/2 upgrade
  // fails on its own side when the server answers a chunked upload before reading it all.
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private String base() {
    return "http://127.0.0.1:" + request.getLocalPort();
  }

  private ApiClient api() {
    return new ApiClient(base());
  }

  /** One JAX-RS operation: its HTTP method, its path template and the Java method. */
  record Operation(String method, String path, Method java) {}

  @Test
  void everyJsonEndpointRefusesMalformedBodiesWithA4xxAndKeepsItsData() {
    AppUser admin = testOrgs.orgWithAdmin("Hardening");
    String token = api().accessToken(admin.email(), TestOrgs.PASSWORD);
    Reply created =
        api()
            .post(
                "/api/records/contacts",
                token,
                "{\"firstName\":\"Ada\",\"lastName\":\"Keep\",\"emails\":[\"ada.keep@keep.example\"]}");
    assertEquals(201, created.status(), created.body());
    String contactId = created.json().getString("id");

    String deep = "{\"a\":".repeat(5000) + "1" + "}".repeat(5000);
    String oversized = "{\"firstName\":\"" + "x".repeat(300 * 1024) + "\"}";
    Map<String, String> malformed =
        Map.of(
            "null", "null",
            "array", "[{\"firstName\":\"A\"}]",
            "string", "\"firstName\"",
            "number", "42",
            "deep nesting", deep,
            "trailing garbage", "{\"firstName\":\"A\"}xyz",
            "second value", "{\"firstName\":\"A\"} {}",
            "empty", "");

    // Send later takes a message with its attachments: a limit of its own, larger than JSON's.
    long scheduledSendLimit =
        org.eclipse.microprofile.config.ConfigProvider.getConfig()
            .getOptionalValue("mailbridge.http.max-scheduled-send-bytes", Long.class)
            .orElse(16_777_216L);
    String oversizedMessage = "{\"mime\":\"" + "x".repeat((int) scheduledSendLimit + 1024) + "\"}";

    List<Operation> operations = jsonBodyOperations();
    assertTrue(operations.size() >= 12, "JSON endpoints found: " + operations);
    List<String> failures = new ArrayList<>();
    for (Operation operation : operations) {
      String path = concrete(operation.path(), contactId);
      for (Map.Entry<String, String> body : malformed.entrySet()) {
        boolean wantsArray = operation.path().endsWith("/exchange/hosts");
        if (wantsArray && body.getKey().equals("array")) {
          continue; // an array is what this one takes; its items are checked by the resource
        }
        HttpResponse<String> reply = send(operation.method(), path, token, body.getValue(), false);
        expectError(failures, operation, body.getKey(), reply, 400);
      }
      String tooLarge = path.equals("/api/scheduled-sends") ? oversizedMessage : oversized;
      expectError(
          failures,
          operation,
          "oversized",
          send(operation.method(), path, token, tooLarge, false),
          413);
      expectError(
          failures,
          operation,
          "oversized, chunked",
          send(operation.method(), path, token, tooLarge, true),
          413);
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));

    Reply after = api().get("/api/records/contacts/" + contactId, token);
    assertEquals(200, after.status(), after.body());
    assertEquals(created.json(), after.json(), "the contact is unchanged");
    Reply list = api().get("/api/records/contacts", token);
    assertEquals(1, list.json().getJsonArray("items").size(), list.body());
    assertEquals(200, api().get("/health/ready", null).status(), "the server is still ready");
    api().accessToken(admin.email(), TestOrgs.PASSWORD);
  }

  @Test
  void anUnauthenticatedOversizedLoginIsRefusedBeforeItIsRead() {
    String password = "p".repeat(2 * 1024 * 1024);
    HttpResponse<String> declared =
        send(
            "POST",
            "/api/auth/login",
            null,
            ApiClient.credentials("a@it.example", password),
            false);
    assertEquals(413, declared.statusCode(), declared.body());
    assertTrue(declared.body().contains("\"body_too_large\""), declared.body());
    HttpResponse<String> chunked =
        send(
            "POST", "/api/auth/login", null, ApiClient.credentials("a@it.example", password), true);
    assertEquals(413, chunked.statusCode(), chunked.body());
    assertFalse(chunked.body().contains(password.substring(0, 64)), "never echoes the body");
  }

  @Test
  void methodsTheServerNeverServesAnswerTheJson405() throws Exception {
    // TRACE is refused by the container itself before any filter (405, empty body); it is off.
    for (String method : List.of("TRACK", "PROPFIND", "MKCOL", "LOCK")) {
      for (String path : List.of("/api/records/contacts", "/addin/taskpane.html", "/nothing")) {
        HttpResponse<String> reply =
            http.send(
                HttpRequest.newBuilder(URI.create(base() + path))
                    .method(method, HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, reply.statusCode(), method + " " + path + ": " + reply.body());
        assertTrue(reply.body().contains("\"method_not_allowed\""), reply.body());
        assertTrue(
            reply.headers().firstValue("Allow").orElse("").contains("GET"),
            method + " " + path + ": " + reply.headers().map());
      }
    }
  }

  @Test
  void theDirectoryRedirectDoesNotFollowTheHostHeader() throws Exception {
    for (String path : List.of("/addin", "/addin/lib", "/console")) {
      String head = rawGet(path, "evil.test");
      assertTrue(head.startsWith("HTTP/1.1 301"), head);
      assertFalse(head.toLowerCase().contains("evil.test"), head);
      assertTrue(head.contains("Location: " + path + "/\r\n"), head);
    }
    // The root leads to the web console, also without the Host header's help.
    String root = rawGet("/", "evil.test");
    assertTrue(root.startsWith("HTTP/1.1 301"), root);
    assertFalse(root.toLowerCase().contains("evil.test"), root);
    assertTrue(root.contains("Location: /console/\r\n"), root);
  }

  @Test
  void theMarkersThatKeepPayaraFromParsingTheLibrariesAreNotServed() throws Exception {
    List<String> markers =
        request.getServletContext().getResourcePaths("/").stream()
            .filter(path -> path.startsWith("/WEB-INF__lib__"))
            .sorted()
            .toList();
    // The deployed WAR carries them (pom.xml, library-scan-markers): one per library jar.
    assertTrue(markers.size() > 50, markers::toString);
    String guava =
        markers.stream().filter(m -> m.startsWith("/WEB-INF__lib__guava-")).findFirst().orElse("");
    for (String path : List.of(markers.get(0), guava, guava + "?x=1")) {
      HttpResponse<String> reply = send("GET", path, null, null, false);
      assertEquals(404, reply.statusCode(), path + ": " + reply.body());
      assertTrue(reply.body().contains("\"not_found\""), path + ": " + reply.body());
    }
    String head = rawGet(guava, "evil.test");
    assertTrue(head.startsWith("HTTP/1.1 404"), head);
  }

  @Test
  void theApiIsDescribedByItsOpenApiDocumentOnlyNotByJerseysWadl() throws Exception {
    AppUser admin = testOrgs.orgWithAdmin("No WADL");
    String token = api().accessToken(admin.email(), TestOrgs.PASSWORD);
    HttpResponse<String> wadl = send("GET", "/api/application.wadl", token, null, false);
    assertEquals(404, wadl.statusCode(), wadl.body());
    assertTrue(wadl.body().contains("\"not_found\""), wadl.body());

    HttpResponse<String> options = send("OPTIONS", "/api/auth/login", token, null, false);
    assertFalse(
        options.headers().firstValue("Content-Type").orElse("").contains("wadl"),
        options.headers().map().toString());
    assertFalse(options.body().contains("Jersey"), options.body());
    assertTrue(
        options.headers().firstValue("Allow").orElse("").contains("POST"),
        options.headers().map().toString());
  }

  @Test
  void answersCarryTheSecurityHeadersAndNoProductName() throws Exception {
    HttpResponse<String> api = send("GET", "/api/auth/me", null, null, false);
    assertEquals(401, api.statusCode());
    assertEquals("nosniff", api.headers().firstValue("X-Content-Type-Options").orElse(null));
    assertEquals("DENY", api.headers().firstValue("X-Frame-Options").orElse(null));
    assertNull(api.headers().firstValue("Server").orElse(null), "no Server header");
    assertNull(api.headers().firstValue("X-Powered-By").orElse(null));
    // Not behind HTTPS in the suite (the public URL is http://), so no HSTS here.
    assertNull(api.headers().firstValue("Strict-Transport-Security").orElse(null));
  }

  @Test
  void theTaskPaneMayBeFramedByOutlookAndTheOrgsOwaHostsOnly() {
    AppUser admin = testOrgs.orgWithAdmin("Framing");
    String token = api().accessToken(admin.email(), TestOrgs.PASSWORD);
    Reply hosts =
        api()
            .put(
                "/api/admin/exchange/hosts",
                token,
                "[{\"host\":\"owa.framing.example\",\"plainHttp\":false,\"privateAddress\":false}]");
    assertEquals(200, hosts.status(), hosts.body());

    HttpResponse<String> pane = send("GET", "/addin/taskpane.html", null, null, false);
    assertEquals(200, pane.statusCode());
    String csp = pane.headers().firstValue("Content-Security-Policy").orElse("");
    String ancestors = directive(csp, "frame-ancestors");
    assertTrue(ancestors.contains("https://outlook.office.com"), csp);
    assertTrue(ancestors.contains("https://owa.framing.example"), csp);
    assertFalse(ancestors.contains("*.example") || ancestors.contains(" * "), csp);
    assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval"), csp);
    assertTrue(directive(csp, "script-src").contains("'self'"), csp);
    assertTrue(pane.headers().firstValue("X-Frame-Options").isEmpty(), "no X-Frame-Options");
    assertEquals("nosniff", pane.headers().firstValue("X-Content-Type-Options").orElse(null));

    HttpResponse<String> help = send("GET", "/addin/support.html", null, null, false);
    assertEquals(
        "'none'",
        directive(
            help.headers().firstValue("Content-Security-Policy").orElse(""), "frame-ancestors"));
    assertEquals("DENY", help.headers().firstValue("X-Frame-Options").orElse(null));
  }

  @Test
  void openApiDescribesEveryResourceOperation() {
    HttpResponse<String> openapi = send("GET", "/openapi", null, null, false);
    assertEquals(200, openapi.statusCode());
    String document = openapi.body();
    assertTrue(document.contains("\nopenapi: 3.0"), "an OpenAPI 3.0 document");
    Set<String> missing = new TreeSet<>();
    List<Operation> operations = operations();
    assertTrue(operations.size() > 30, "operations found: " + operations.size());
    for (Operation operation : operations) {
      if (!document.contains("\n  " + operation.path() + ":")) {
        missing.add(operation.path());
      }
    }
    assertTrue(missing.isEmpty(), "paths missing from /openapi: " + missing);
    assertTrue(document.contains("securitySchemes:"), "a security scheme is declared");
    assertTrue(document.contains("X-Mailbridge-Addin"), "the add-in's header is documented");
  }

  // --- the operations of the deployed application, found as the container found them

  private List<Operation> operations() {
    List<Operation> operations = new ArrayList<>();
    Set<Class<?>> resources = resourceClasses();
    for (Class<?> resource : resources) {
      String root = "/api/" + trim(resource.getAnnotation(Path.class).value());
      for (Method method : resource.getMethods()) {
        String verb = verb(method);
        if (verb == null) {
          continue;
        }
        Path sub = method.getAnnotation(Path.class);
        String path = sub == null ? root : root + "/" + trim(sub.value());
        operations.add(new Operation(verb, path, method));
      }
    }
    return operations;
  }

  /**
   * The application's JAX-RS resource classes, read from its deployed classes (they are not all CDI
   * beans, so the bean manager does not know them).
   */
  private static Set<Class<?>> resourceClasses() {
    Set<Class<?>> resources = new java.util.HashSet<>();
    ClassLoader loader = RequestHardeningIT.class.getClassLoader();
    try {
      java.util.Enumeration<URL> roots = loader.getResources("io/mailbridge");
      while (roots.hasMoreElements()) {
        URL root = roots.nextElement();
        if (!"file".equals(root.getProtocol())) {
          continue;
        }
        java.nio.file.Path base = java.nio.file.Path.of(root.toURI()).getParent().getParent();
        try (var files = java.nio.file.Files.walk(java.nio.file.Path.of(root.toURI()))) {
          for (java.nio.file.Path file : files.toList()) {
            String name = base.relativize(file).toString();
            if (!name.endsWith(".class")
                || name.contains("$")
                || name.startsWith("io/mailbridge/it/")) {
              continue;
            }
            Class<?> type =
                Class.forName(
                    name.substring(0, name.length() - 6).replace('/', '.'), false, loader);
            if (type.isAnnotationPresent(Path.class)) {
              resources.add(type);
            }
          }
        }
      }
    } catch (Exception e) {
      throw new AssertionError("Cannot list the deployed classes", e);
    }
    assertFalse(resources.isEmpty(), "no JAX-RS resource classes found in the deployment");
    return resources;
  }

  private List<Operation> jsonBodyOperations() {
    return operations().stream()
        .filter(o -> Set.of("POST", "PUT", "PATCH").contains(o.method()))
        .filter(o -> Arrays.stream(o.java().getParameters()).anyMatch(RequestHardeningIT::isEntity))
        .filter(o -> consumesJson(o.java()))
        .toList();
  }

  private static boolean isEntity(Parameter parameter) {
    for (Annotation annotation : parameter.getAnnotations()) {
      Class<?> type = annotation.annotationType();
      if (type == PathParam.class
          || type == QueryParam.class
          || type == HeaderParam.class
          || type == CookieParam.class
          || type == FormParam.class
          || type == BeanParam.class
          || type == Context.class) {
        return false;
      }
    }
    return true;
  }

  private static boolean consumesJson(Method method) {
    Consumes consumes = method.getAnnotation(Consumes.class);
    if (consumes == null) {
      consumes = method.getDeclaringClass().getAnnotation(Consumes.class);
    }
    return consumes == null
        || Arrays.stream(consumes.value()).anyMatch(type -> type.contains("json"));
  }

  private static String verb(Method method) {
    if (method.isAnnotationPresent(GET.class)) {
      return "GET";
    }
    if (method.isAnnotationPresent(POST.class)) {
      return "POST";
    }
    if (method.isAnnotationPresent(PUT.class)) {
      return "PUT";
    }
    if (method.isAnnotationPresent(PATCH.class)) {
      return "PATCH";
    }
    if (method.isAnnotationPresent(DELETE.class)) {
      return "DELETE";
    }
    return null;
  }

  private static String trim(String path) {
    String trimmed = path.startsWith("/") ? path.substring(1) : path;
    return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
  }

  private static String concrete(String template, String id) {
    return template
        .replace("{type}", "contacts")
        .replace("{provider}", "google")
        .replace("{id}", id)
        .replaceAll("\\{[^}]+}", "x");
  }

  private static void expectError(
      List<String> failures,
      Operation operation,
      String body,
      HttpResponse<String> reply,
      int status) {
    String where = operation.method() + " " + operation.path() + " with " + body + ": ";
    if (reply.statusCode() != status) {
      failures.add(where + reply.statusCode() + " " + abbreviate(reply.body()));
      return;
    }
    if (!reply.body().contains("\"error\"") || !reply.body().contains("\"message\"")) {
      failures.add(where + "no JSON error body: " + abbreviate(reply.body()));
    }
  }

  private static String abbreviate(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }

  private static String directive(String csp, String name) {
    for (String part : csp.split(";")) {
      String trimmed = part.trim();
      if (trimmed.startsWith(name + " ")) {
        return trimmed.substring(name.length() + 1);
      }
    }
    return "";
  }

  private HttpResponse<String> send(
      String method, String path, String token, String body, boolean chunked) {
    HttpRequest.BodyPublisher publisher;
    if (body == null) {
      publisher = HttpRequest.BodyPublishers.noBody();
    } else if (chunked) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      publisher = HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes));
    } else {
      publisher = HttpRequest.BodyPublishers.ofString(body);
    }
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base() + path))
            .timeout(Duration.ofSeconds(60))
            .method(method, publisher);
    if (body != null) {
      builder.header("Content-Type", "application/json");
    }
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    try {
      return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(method + " " + path + " failed", e);
    }
  }

  private String rawGet(String path, String host) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", request.getLocalPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      int end = answer.indexOf("\r\n\r\n");
      return end < 0 ? answer : answer.substring(0, end + 2);
    }
  }
}
