package io.mailbridge.itsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.CodeClasses;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

class MachineRequirementsTest {

  private static final String CHROMIUM_LINE =
      "SKIPPED TaskPaneBrowserIT: needs Chromium and ChromeDriver at /usr/bin/chromium and"
          + " /usr/bin/chromedriver (apt-get install chromium chromium-driver)"
          + " [here: no executable /usr/bin/chromium]";

  @Test
  void aMissingRequirementSkipsWithOneLineSayingWhatToInstall() {
    ConditionEvaluationResult result =
        MachineRequirements.verdict(
            "TaskPaneBrowserIT",
            Map.of(MachineRequirement.CHROMIUM, "no executable /usr/bin/chromium"),
            false);

    assertTrue(result.isDisabled());
    assertEquals(Optional.of(CHROMIUM_LINE), result.getReason());
  }

  @Test
  void underCiAMissingRequirementFailsWithTheSameSentence() {
    AssertionError failure =
        assertThrows(
            AssertionError.class,
            () ->
                MachineRequirements.verdict(
                    "TaskPaneBrowserIT",
                    Map.of(MachineRequirement.CHROMIUM, "no executable /usr/bin/chromium"),
                    true));

    assertEquals(
        "CI=true and " + CHROMIUM_LINE.substring("SKIPPED ".length()), failure.getMessage());
  }

  @Test
  void everyMissingRequirementIsNamedOnTheOneLine() {
    Map<MachineRequirement, String> absent = new EnumMap<>(MachineRequirement.class);
    absent.put(MachineRequirement.MARIADB, "refused");
    absent.put(MachineRequirement.POSTGRESQL, "refused");

    String line =
        MachineRequirements.verdict("ChangelogPortabilityTest", absent, false)
            .getReason()
            .orElseThrow();

    assertTrue(line.contains("(apt-get install postgresql"), line);
    assertTrue(line.contains("(apt-get install mariadb-server,"), line);
    assertFalse(line.contains("\n"), line);
  }

  @Test
  void nothingMissingRunsTheTestEvenUnderCi() {
    assertFalse(MachineRequirements.verdict("AnyIT", Map.of(), true).isDisabled());
  }

  @Test
  void anExecutableThatIsNotThereIsReported() {
    assertEquals(
        Optional.of("no executable /nonexistent/chromium"),
        MachineRequirement.notExecutable(Path.of("/bin/sh"), Path.of("/nonexistent/chromium")));
    assertEquals(Optional.empty(), MachineRequirement.notExecutable(Path.of("/bin/sh")));
  }

  @Test
  void aDatabaseThatNeverAnswersIsGivenUpOnWithinSeconds() throws Exception {
    // Accepts the connection but never speaks: the drivers' defaults would wait half a minute.
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = silent.getLocalPort();
      Instant start = Instant.now();

      Optional<String> postgres =
          MachineRequirement.refusal(
              MachineRequirement.POSTGRESQL_PROBE.formatted(port), "postgres");
      Optional<String> mariadb =
          MachineRequirement.refusal(MachineRequirement.MARIADB_PROBE.formatted(port), "root");

      assertTrue(postgres.isPresent());
      assertTrue(mariadb.isPresent());
      Duration took = Duration.between(start, Instant.now());
      assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "took " + took);
    }
  }

  @Test
  void theReadmeNamesEveryTestThatNeedsMoreThanJdkAndMavenCentral() throws Exception {
    String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    int table = readme.indexOf("### Tests and what they need");
    assertTrue(table >= 0, "README has no section \"Tests and what they need\"");
    String section = readme.substring(table, readme.indexOf("\n## ", table));

    List<String> needing = testsThatNeedTheMachine();
    assertTrue(needing.contains("TaskPaneBrowserIT"), needing.toString());
    assertTrue(
        needing.contains("ChangelogPortabilityTest.changelogsRunTwiceOnPostgreSql"),
        needing.toString());
    List<String> unnamed =
        needing.stream().filter(name -> !section.contains("`" + name + "`")).toList();
    assertEquals(List.of(), unnamed, "tests marked @Needs that the README's table does not name");
  }

  /** Class names for a class marked @Needs, Class.method for a method marked so. */
  private static List<String> testsThatNeedTheMachine() throws IOException, ClassNotFoundException {
    List<String> names = new ArrayList<>();
    for (Class<?> type : CodeClasses.besides(MachineRequirementsTest.class)) {
      if (type.isAnnotationPresent(Needs.class)) {
        names.add(type.getSimpleName());
      }
      for (Method method : type.getDeclaredMethods()) {
        if (method.isAnnotationPresent(Needs.class)) {
          names.add(type.getSimpleName() + "." + method.getName());
        }
      }
    }
    return names;
  }
}
