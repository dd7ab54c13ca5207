package io.mailbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the rooms of DESIGN.md ("Packages") true: the dependency arrows between domain parts, the
 * provider packages closed to everyone else, boundary at the edge, and no cycle between any two
 * packages. Reads the imports (and fully qualified names) of src/main/java, so a violation fails
 * here, naming the file, before a review has to find it.
 */
class PackageDependenciesTest {

  private static final Path SOURCES = Path.of("src/main/java");
  private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");
  private static final Pattern COMMENTS = Pattern.compile("/\\*[\\s\\S]*?\\*/|//[^\\n]*");
  // A reference to a class of ours: io.mailbridge.<lower-case segments>.<Upper-case name>.
  private static final Pattern REFERENCE =
      Pattern.compile("\\b(io\\.mailbridge(?:\\.[a-z]\\w*)+)\\.[A-Z]");
  private static final Set<String> DOMAIN_PARTS =
      Set.of("message", "crm", "mailbox", "addin", "capture", "sync", "productivity", "admin");
  private static final Set<String> PROVIDERS = Set.of("ews", "graph", "gmail");

  /** One package's use of another, with the file that makes it. */
  record Use(String from, String to, String file) {
    @Override
    public String toString() {
      return file + ": " + from + " -> " + to;
    }
  }

  private static final List<Use> USES = new ArrayList<>();

  @BeforeAll
  static void readSources() throws IOException {
    try (Stream<Path> files = Files.walk(SOURCES)) {
      files.filter(f -> f.toString().endsWith(".java")).forEach(PackageDependenciesTest::read);
    }
  }

  private static void read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Matcher pkg = PACKAGE.matcher(text);
    if (!pkg.find()) {
      return;
    }
    String from = pkg.group(1);
    Matcher ref = REFERENCE.matcher(COMMENTS.matcher(text).replaceAll(""));
    Set<String> seen = new TreeSet<>();
    while (ref.find()) {
      String to = ref.group(1);
      // The EWS stubs are generated into mailbox/ews and used only there.
      if (!to.equals(from) && !to.startsWith("io.mailbridge.mailbox.ews.stubs") && seen.add(to)) {
        USES.add(new Use(from, to, SOURCES.relativize(file).toString()));
      }
    }
  }

  /** {@code platform}, {@code crm}, … for {@code io.mailbridge.crm.control}. */
  private static String part(String pkg) {
    String[] segments = pkg.split("\\.");
    return segments.length > 2 ? segments[2] : "";
  }

  /** {@code ews} for {@code io.mailbridge.mailbox.ews.control}, else null. */
  private static String provider(String pkg) {
    String[] segments = pkg.split("\\.");
    return segments.length > 3 && segments[2].equals("mailbox") && PROVIDERS.contains(segments[3])
        ? segments[3]
        : null;
  }

  private static String role(String pkg) {
    return pkg.substring(pkg.lastIndexOf('.') + 1);
  }

  private static void assertNone(String rule, Stream<Use> violations) {
    List<String> found = violations.map(Use::toString).sorted().toList();
    assertEquals(List.of(), found, rule);
  }

  @Test
  void platformDependsOnNoDomainPart() {
    assertNone(
        "platform is the base every part builds on",
        USES.stream()
            .filter(u -> part(u.from()).equals("platform") && DOMAIN_PARTS.contains(part(u.to()))));
  }

  @Test
  void theMessageModelDependsOnNothingButThePlatform() {
    assertNone(
        "message is the one normalized model; it knows no reader and no store",
        USES.stream()
            .filter(u -> part(u.from()).equals("message"))
            .filter(u -> !part(u.to()).equals("platform") && !part(u.to()).equals("message")));
  }

  @Test
  void crmAndMailboxDoNotKnowEachOtherNorTheirCallers() {
    assertNone(
        "crm and mailbox meet only in the message model; addin, capture and sync use them",
        USES.stream()
            .filter(
                u ->
                    (part(u.from()).equals("crm") || part(u.from()).equals("mailbox"))
                        && Set.of("crm", "mailbox", "addin", "capture", "sync", "productivity")
                            .contains(part(u.to()))
                        && !part(u.to()).equals(part(u.from()))));
  }

  @Test
  void syncUsesOnlyThePlatformMailboxAndCrm() {
    assertNone(
        "sync, like addin, capture and productivity, builds on mailbox and crm only",
        USES.stream()
            .filter(u -> part(u.from()).equals("sync"))
            .filter(
                u ->
                    DOMAIN_PARTS.contains(part(u.to()))
                        && !Set.of("sync", "mailbox", "crm", "message").contains(part(u.to()))));
  }

  @Test
  void providerTypesNeverLeaveTheirPackage() {
    assertNone(
        "everything else reads mailboxes through the ports in mailbox/control",
        USES.stream()
            .filter(u -> provider(u.to()) != null)
            .filter(u -> !provider(u.to()).equals(provider(u.from()))));
  }

  @Test
  void aDomainPartUsesAnotherOnlyThroughItsControlServices() {
    assertNone(
        "another part's entities and boundary are its own",
        USES.stream()
            .filter(u -> DOMAIN_PARTS.contains(part(u.from())))
            .filter(u -> DOMAIN_PARTS.contains(part(u.to())))
            .filter(u -> !part(u.to()).equals(part(u.from())))
            .filter(u -> role(u.to()).equals("entity") || role(u.to()).equals("boundary")));
  }

  @Test
  void controlAndEntityNeverReachIntoABoundary() {
    assertNone(
        "boundary is the edge: it calls control, never the other way",
        USES.stream()
            .filter(u -> role(u.from()).equals("control") || role(u.from()).equals("entity"))
            .filter(u -> role(u.to()).equals("boundary")));
  }

  @Test
  void noTwoPackagesDependOnEachOtherEvenThroughOthers() {
    Map<String, Set<String>> graph = new TreeMap<>();
    for (Use use : USES) {
      graph.computeIfAbsent(use.from(), k -> new TreeSet<>()).add(use.to());
      graph.computeIfAbsent(use.to(), k -> new TreeSet<>());
    }
    List<String> cycles = new ArrayList<>();
    for (Set<String> component : new StronglyConnected(graph).components()) {
      if (component.size() > 1) {
        List<Use> inside =
            USES.stream()
                .filter(u -> component.contains(u.from()) && component.contains(u.to()))
                .toList();
        cycles.add(component + " through " + inside);
      }
    }
    assertEquals(List.of(), cycles, "package cycles");
  }

  /** Tarjan's strongly connected components (recursive: the package graph is small). */
  private static final class StronglyConnected {
    private final Map<String, Set<String>> graph;
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, Integer> low = new HashMap<>();
    private final Deque<String> stack = new ArrayDeque<>();
    private final Set<String> onStack = new TreeSet<>();
    private final List<Set<String>> components = new ArrayList<>();
    private int next;

    StronglyConnected(Map<String, Set<String>> graph) {
      this.graph = graph;
    }

    List<Set<String>> components() {
      for (String node : graph.keySet()) {
        if (!index.containsKey(node)) {
          visit(node);
        }
      }
      return components;
    }

    private void visit(String node) {
      index.put(node, next);
      low.put(node, next);
      next++;
      stack.push(node);
      onStack.add(node);
      for (String to : graph.get(node)) {
        if (!index.containsKey(to)) {
          visit(to);
          low.put(node, Math.min(low.get(node), low.get(to)));
        } else if (onStack.contains(to)) {
          low.put(node, Math.min(low.get(node), index.get(to)));
        }
      }
      if (low.get(node).equals(index.get(node))) {
        Set<String> component = new TreeSet<>();
        String member;
        do {
          member = stack.pop();
          onStack.remove(member);
          component.add(member);
        } while (!member.equals(node));
        components.add(component);
      }
    }
  }
}
