package io.mailbridge.platform.web.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.MatrixParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Keeps the hand-written {@code META-INF/openapi.yaml} (served at {@code /openapi}; annotation
 * scanning is off) in step with the JAX-RS resources found in the compiled classes.
 */
class OpenApiDocumentTest {

  private static final String DOCUMENT = "META-INF/openapi.yaml";
  private static final String ERROR_SCHEMA = "#/components/schemas/Error";
  private static final String ADDIN_HEADER = "X-Mailbridge-Addin";
  private static final String ADDIN_SCHEME = "addinSession";
  private static final Set<String> DOC_METHODS =
      Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
  private static final Pattern TEMPLATE_PARAM = Pattern.compile("\\{([^}:]+)[^}]*}");

  private static java.nio.file.Path classes;
  private static Map<String, Object> document;
  private static Map<String, JavaOperation> javaOperations;
  private static Map<String, DocOperation> docOperations;

  /** A resource method as JAX-RS serves it. */
  record JavaOperation(String method, String path, Method java) {
    String where() {
      return java.getDeclaringClass().getSimpleName() + "#" + java.getName();
    }

    /** The same rule as ApiAuthorization: a method's own roles win over a public class. */
    boolean isPublic() {
      return java.isAnnotationPresent(PermitAll.class)
          || (!java.isAnnotationPresent(RolesAllowed.class)
              && java.getDeclaringClass().isAnnotationPresent(PermitAll.class));
    }

    boolean isAdmin() {
      if (isPublic()) {
        return false;
      }
      RolesAllowed roles = java.getAnnotation(RolesAllowed.class);
      if (roles == null) {
        roles = java.getDeclaringClass().getAnnotation(RolesAllowed.class);
      }
      return roles != null && Arrays.asList(roles.value()).contains("ADMIN");
    }

    boolean hasEntity() {
      return Arrays.stream(java.getParameters()).anyMatch(OpenApiDocumentTest::isEntity);
    }
  }

  /** An operation of the document with the path item it sits in. */
  record DocOperation(
      String method, String path, Map<String, Object> operation, Map<String, Object> pathItem) {
    String where() {
      return method + " " + path + " (" + operation.get("operationId") + ")";
    }
  }

  @BeforeAll
  static void load() throws IOException, URISyntaxException {
    classes =
        Paths.get(
            MailbridgeApplication.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    try (InputStream in = Files.newInputStream(classes.resolve(DOCUMENT))) {
      document = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
    }
    javaOperations = javaOperations();
    docOperations = docOperations();
  }

  @Test
  void findsTheResourcesOfTheApplication() {
    // Guards the scan itself: an empty scan would make every other check pass.
    assertTrue(
        javaOperations.containsKey("POST /api/auth/login"),
        "the scan of " + classes + " found " + javaOperations.keySet());
    assertTrue(javaOperations.size() > 30, "found only " + javaOperations.keySet());
  }

  @Test
  void everyJaxRsOperationIsDocumented() {
    List<String> missing = new ArrayList<>();
    javaOperations.forEach(
        (key, op) -> {
          if (!docOperations.containsKey(key)) {
            missing.add(op.method() + " " + op.path() + "  <- " + op.where());
          }
        });
    assertTrue(
        missing.isEmpty(),
        () ->
            "Describe these operations in src/main/resources/"
                + DOCUMENT
                + ":\n  "
                + String.join("\n  ", missing));
  }

  @Test
  void documentListsNoOperationTheApiDoesNotHave() {
    List<String> stale = new ArrayList<>();
    docOperations.forEach(
        (key, op) -> {
          if (op.path().startsWith(apiRoot() + "/") && !javaOperations.containsKey(key)) {
            stale.add(op.where());
          }
        });
    assertTrue(
        stale.isEmpty(),
        () ->
            "No JAX-RS method serves these operations of "
                + DOCUMENT
                + "; remove them or fix the path:\n  "
                + String.join("\n  ", stale));
  }

  @Test
  void operationIdsArePresentAndUnique() {
    Map<String, List<String>> byId = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    for (DocOperation op : docOperations.values()) {
      Object id = op.operation().get("operationId");
      if (!(id instanceof String s) || s.isBlank()) {
        problems.add(op.where() + ": no operationId");
      } else {
        byId.computeIfAbsent(s, k -> new ArrayList<>()).add(op.method() + " " + op.path());
      }
    }
    byId.forEach(
        (id, ops) -> {
          if (ops.size() > 1) {
            problems.add("operationId " + id + " is used by " + ops);
          }
        });
    assertNoProblems("operationIds", problems);
  }

  @Test
  void everyOperationAnswersSuccessAndItsErrorsInTheErrorShape() {
    List<String> problems = new ArrayList<>();
    for (DocOperation op : docOperations.values()) {
      Map<String, Object> responses = map(op.operation().get("responses"));
      // A redirect is the success of a redirecting operation (the tracked link's 302).
      if (responses.keySet().stream()
          .noneMatch(code -> code.startsWith("2") || code.startsWith("3"))) {
        problems.add(op.where() + ": no 2xx (or 3xx) response");
      }
      if (!op.path().startsWith(apiRoot() + "/")) {
        continue; // health checks answer MicroProfile Health's own shape, also when DOWN
      }
      boolean answersHtml =
          responses.entrySet().stream()
              .filter(e -> e.getKey().startsWith("2"))
              .anyMatch(e -> map(resolve(e.getValue()).get("content")).containsKey("text/html"));
      responses.forEach(
          (code, value) -> {
            if (!code.startsWith("4") && !code.startsWith("5")) {
              return;
            }
            Map<String, Object> content = map(resolve(value).get("content"));
            if (content.isEmpty()) {
              problems.add(op.where() + ": " + code + " has no content; refer to " + ERROR_SCHEMA);
            }
            content.forEach(
                (type, media) -> {
                  if (type.equals("application/json")) {
                    if (!refersToError(map(media).get("schema"), new HashSet<>())) {
                      problems.add(
                          op.where()
                              + ": "
                              + code
                              + " JSON schema does not refer to "
                              + ERROR_SCHEMA);
                    }
                  } else if (!(type.equals("text/html") && answersHtml)) {
                    // Only the OAuth callbacks, which answer a page to a browser, answer HTML.
                    problems.add(op.where() + ": " + code + " answers " + type + ", not JSON");
                  }
                });
          });
    }
    assertNoProblems("responses", problems);
  }

  @Test
  void operationsWithABodyDocumentOversizedAndMalformedBodies() {
    List<String> problems = new ArrayList<>();
    for (DocOperation op : docOperations.values()) {
      if (op.operation().containsKey("requestBody")) {
        Map<String, Object> responses = map(op.operation().get("responses"));
        for (String code : List.of("400", "413")) {
          if (!responses.containsKey(code)) {
            problems.add(op.where() + ": has a request body but lists no " + code);
          }
        }
      }
    }
    javaOperations.forEach(
        (key, java) -> {
          DocOperation op = docOperations.get(key);
          if (op != null && java.hasEntity() != op.operation().containsKey("requestBody")) {
            problems.add(
                op.where()
                    + (java.hasEntity()
                        ? ": " + java.where() + " reads a body; add a requestBody"
                        : ": " + java.where() + " reads no body; remove the requestBody"));
          }
        });
    assertNoProblems("request bodies", problems);
  }

  @Test
  void publicOperationsAreExactlyThePermitAllOnes() {
    List<String> problems = new ArrayList<>();
    Set<String> schemes = map(map(document.get("components")).get("securitySchemes")).keySet();
    javaOperations.forEach(
        (key, java) -> {
          DocOperation op = docOperations.get(key);
          if (op == null) {
            return; // reported by everyJaxRsOperationIsDocumented
          }
          List<Object> security = security(op);
          if (java.isPublic() && !security.isEmpty()) {
            problems.add(op.where() + ": " + java.where() + " is @PermitAll; add security: []");
          }
          if (!java.isPublic() && security.isEmpty()) {
            problems.add(
                op.where() + ": " + java.where() + " needs a sign-in; remove security: []");
          }
          Set<String> named = schemeNames(security);
          if (!schemes.containsAll(named)) {
            problems.add(op.where() + ": unknown security scheme in " + named);
          }
          if (java.isAdmin()) {
            Map<String, Object> responses = map(op.operation().get("responses"));
            if (!responses.containsKey("403")) {
              problems.add(op.where() + ": admin operation lists no 403");
            }
            if (!String.valueOf(op.operation().get("description")).contains("ADMIN")) {
              problems.add(op.where() + ": admin operation does not say ADMIN in its description");
            }
            if (named.contains(ADDIN_SCHEME)) {
              problems.add(op.where() + ": the add-in cookie cannot call admin operations");
            }
          }
        });
    assertNoProblems("security", problems);
  }

  @Test
  void cookieAuthenticatedOperationsDeclareTheAddinHeader() {
    List<String> problems = new ArrayList<>();
    for (DocOperation op : docOperations.values()) {
      if (schemeNames(security(op)).contains(ADDIN_SCHEME)
          && parameters(op).stream()
              .noneMatch(p -> "header".equals(p.get("in")) && ADDIN_HEADER.equals(p.get("name")))) {
        problems.add(
            op.where()
                + ": accepts the add-in cookie; add - $ref: '#/components/parameters/AddinHeader'");
      }
    }
    assertNoProblems("add-in header", problems);
  }

  @Test
  void everyParameterIsDeclared() {
    List<String> problems = new ArrayList<>();
    for (DocOperation op : docOperations.values()) {
      Set<String> inTemplate = new TreeSet<>();
      Matcher m = TEMPLATE_PARAM.matcher(op.path());
      while (m.find()) {
        inTemplate.add(m.group(1).strip());
      }
      Set<String> declared = new TreeSet<>();
      for (Map<String, Object> p : parameters(op)) {
        if ("path".equals(p.get("in"))) {
          declared.add(String.valueOf(p.get("name")));
          if (!Boolean.TRUE.equals(p.get("required"))) {
            problems.add(
                op.where() + ": path parameter " + p.get("name") + " needs required: true");
          }
        }
      }
      if (!inTemplate.equals(declared)) {
        problems.add(op.where() + ": path parameters " + inTemplate + " but declared " + declared);
      }
    }
    javaOperations.forEach(
        (key, java) -> {
          DocOperation op = docOperations.get(key);
          if (op == null) {
            return;
          }
          Set<String> declared = new HashSet<>();
          parameters(op).forEach(p -> declared.add(p.get("in") + " " + p.get("name")));
          for (Parameter parameter : java.java().getParameters()) {
            QueryParam query = parameter.getAnnotation(QueryParam.class);
            CookieParam cookie = parameter.getAnnotation(CookieParam.class);
            HeaderParam header = parameter.getAnnotation(HeaderParam.class);
            String wanted =
                query != null
                    ? "query " + query.value()
                    : cookie != null
                        ? "cookie " + cookie.value()
                        : header != null ? "header " + header.value() : null;
            if (wanted != null && !declared.contains(wanted)) {
              problems.add(op.where() + ": " + java.where() + " reads " + wanted + "; declare it");
            }
          }
        });
    assertNoProblems("parameters", problems);
  }

  @Test
  void everyReferenceResolves() {
    List<String> problems = new ArrayList<>();
    collectRefs(document, problems);
    assertEquals("3.0.3", document.get("openapi"));
    assertNoProblems("$ref", problems);
  }

  // ---- the Java side --------------------------------------------------------------------------

  private static Map<String, JavaOperation> javaOperations() throws IOException {
    Map<String, JavaOperation> found = new TreeMap<>();
    List<String> unloadable = new ArrayList<>();
    List<String> locators = new ArrayList<>();
    ClassLoader loader = OpenApiDocumentTest.class.getClassLoader();
    List<java.nio.file.Path> files;
    try (Stream<java.nio.file.Path> walk = Files.walk(classes.resolve("io/mailbridge"))) {
      files = walk.filter(f -> f.toString().endsWith(".class")).sorted().toList();
    }
    for (java.nio.file.Path file : files) {
      String relative = classes.relativize(file).toString();
      String name = relative.substring(0, relative.length() - ".class".length());
      name = name.replace(java.io.File.separatorChar, '.');
      if (name.endsWith("package-info")) {
        continue;
      }
      Class<?> type;
      try {
        type = Class.forName(name, false, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        unloadable.add(name + ": " + e);
        continue;
      }
      Path classPath = type.getAnnotation(Path.class);
      if (classPath == null) {
        continue;
      }
      for (Method method : type.getMethods()) {
        if (method.getDeclaringClass() == Object.class) {
          continue;
        }
        String httpMethod = httpMethod(method);
        Path methodPath = method.getAnnotation(Path.class);
        if (httpMethod == null) {
          if (methodPath != null) {
            locators.add(type.getSimpleName() + "#" + method.getName());
          }
          continue;
        }
        String path =
            join(apiRoot(), classPath.value(), methodPath == null ? "" : methodPath.value());
        JavaOperation op = new JavaOperation(httpMethod, path, method);
        JavaOperation twin = found.put(key(httpMethod, path), op);
        assertTrue(twin == null, () -> op.where() + " and " + twin.where() + " serve one path");
      }
    }
    assertTrue(unloadable.isEmpty(), () -> "Classes that could not be loaded: " + unloadable);
    assertTrue(
        locators.isEmpty(),
        () -> "Sub-resource locators are not followed by this test; describe them: " + locators);
    return found;
  }

  private static String apiRoot() {
    return join(MailbridgeApplication.class.getAnnotation(ApplicationPath.class).value());
  }

  private static String httpMethod(Method method) {
    for (Annotation annotation : method.getAnnotations()) {
      HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
      if (http != null) {
        return http.value();
      }
    }
    return null;
  }

  private static boolean isEntity(Parameter parameter) {
    return Stream.of(
            PathParam.class,
            QueryParam.class,
            HeaderParam.class,
            CookieParam.class,
            FormParam.class,
            MatrixParam.class,
            BeanParam.class,
            Context.class,
            Suspended.class)
        .noneMatch(parameter::isAnnotationPresent);
  }

  private static String join(String... parts) {
    String joined =
        "/" + String.join("/", Arrays.stream(parts).map(p -> p.replaceAll("^/+|/+$", "")).toList());
    joined = joined.replaceAll("/{2,}", "/");
    return joined.length() > 1 && joined.endsWith("/")
        ? joined.substring(0, joined.length() - 1)
        : joined;
  }

  /** Method and path with every template parameter reduced to {}, so names do not matter. */
  private static String key(String method, String path) {
    StringBuilder out = new StringBuilder();
    int depth = 0;
    for (char c : path.toCharArray()) {
      if (c == '{') {
        if (depth++ == 0) {
          out.append("{}");
        }
      } else if (c == '}') {
        depth--;
      } else if (depth == 0) {
        out.append(c);
      }
    }
    return method.toUpperCase(Locale.ROOT) + " " + out;
  }

  // ---- the document side ----------------------------------------------------------------------

  private static Map<String, DocOperation> docOperations() {
    Map<String, DocOperation> found = new TreeMap<>();
    map(document.get("paths"))
        .forEach(
            (path, item) -> {
              Map<String, Object> pathItem = map(item);
              pathItem.forEach(
                  (method, operation) -> {
                    if (DOC_METHODS.contains(method)) {
                      DocOperation op =
                          new DocOperation(
                              method.toUpperCase(Locale.ROOT), path, map(operation), pathItem);
                      DocOperation twin = found.put(key(method, path), op);
                      assertTrue(
                          twin == null, () -> op.where() + " and " + twin.where() + " collide");
                    }
                  });
            });
    return found;
  }

  /** The operation's own security, else the document's. */
  private static List<Object> security(DocOperation op) {
    Object own = op.operation().get("security");
    return list(own != null ? own : document.get("security"));
  }

  private static Set<String> schemeNames(List<Object> security) {
    Set<String> names = new LinkedHashSet<>();
    security.forEach(requirement -> names.addAll(map(requirement).keySet()));
    return names;
  }

  /** Path-item and operation parameters, with $refs resolved. */
  private static List<Map<String, Object>> parameters(DocOperation op) {
    List<Map<String, Object>> all = new ArrayList<>();
    for (Object p : list(op.pathItem().get("parameters"))) {
      all.add(resolve(p));
    }
    for (Object p : list(op.operation().get("parameters"))) {
      all.add(resolve(p));
    }
    return all;
  }

  private static boolean refersToError(Object schema, Set<String> seen) {
    Map<String, Object> s = map(schema);
    Object ref = s.get("$ref");
    if (ref != null) {
      if (ERROR_SCHEMA.equals(ref)) {
        return true;
      }
      return seen.add(String.valueOf(ref)) && refersToError(resolve(s), seen);
    }
    for (String combinator : List.of("allOf", "oneOf", "anyOf")) {
      for (Object part : list(s.get(combinator))) {
        if (refersToError(part, seen)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The object a {@code $ref} names, or the object itself. */
  private static Map<String, Object> resolve(Object value) {
    Map<String, Object> object = map(value);
    Object ref = object.get("$ref");
    if (ref == null) {
      return object;
    }
    Object target = document;
    for (String part : String.valueOf(ref).replaceFirst("^#/", "").split("/")) {
      target = map(target).get(part);
    }
    assertTrue(target != null, "unresolved $ref " + ref);
    return map(target);
  }

  private static void collectRefs(Object node, List<String> problems) {
    if (node instanceof Map<?, ?> m) {
      m.forEach(
          (k, v) -> {
            if ("$ref".equals(k)) {
              String ref = String.valueOf(v);
              Object target = ref.startsWith("#/components/") ? document : null;
              if (target != null) {
                for (String part : ref.substring(2).split("/")) {
                  target = target instanceof Map<?, ?> t ? t.get(part) : null;
                }
              }
              if (target == null) {
                problems.add(ref + " does not name a component of the document");
              }
            } else {
              collectRefs(v, problems);
            }
          });
    } else if (node instanceof List<?> l) {
      l.forEach(v -> collectRefs(v, problems));
    }
  }

  /** A YAML mapping with its keys as text (response codes may be read as numbers). */
  private static Map<String, Object> map(Object value) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (value instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put(String.valueOf(k), v));
    }
    return out;
  }

  private static List<Object> list(Object value) {
    return value instanceof List<?> l ? new ArrayList<>(l) : List.of();
  }

  private static void assertNoProblems(String what, List<String> problems) {
    assertTrue(
        problems.isEmpty(),
        () ->
            "src/main/resources/"
                + DOCUMENT
                + " ("
                + what
                + "), "
                + problems.size()
                + " to fix:\n  "
                + String.join("\n  ", problems));
  }
}
