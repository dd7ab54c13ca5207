package io.mailbridge.itsupport;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Decides on {@link Needs} before a test class or method starts: a class is skipped before
 * Arquillian deploys anything for it, so a machine without Chromium does not even start Payara
 * Micro for the browser tests.
 */
public class MachineRequirements implements ExecutionCondition {

  /**
   * The process's own stderr: Surefire and Failsafe capture {@code System.err} (Failsafe into a
   * file, with the server's log) but copy a test JVM's native stderr to the console of the build.
   */
  private static final PrintStream CONSOLE =
      new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    // Only the annotation on this very element: a class's needs are checked once, not per method.
    AnnotatedElement element = context.getElement().orElse(null);
    Map<MachineRequirement, String> absent = new EnumMap<>(MachineRequirement.class);
    if (element != null) {
      AnnotationSupport.findAnnotation(element, Needs.class).stream()
          .flatMap(needs -> Arrays.stream(needs.value()))
          .forEach(need -> need.absence().ifPresent(why -> absent.put(need, why)));
    }
    ConditionEvaluationResult result =
        verdict(nameOf(element), absent, "true".equalsIgnoreCase(System.getenv("CI")));
    if (result.isDisabled()) {
      CONSOLE.println(result.getReason().orElseThrow());
    }
    return result;
  }

  /** Runs, skips with the one line, or (in CI, where everything is installed) fails. */
  static ConditionEvaluationResult verdict(
      String test, Map<MachineRequirement, String> absent, boolean ci) {
    if (absent.isEmpty()) {
      return ConditionEvaluationResult.enabled("the machine has what " + test + " needs");
    }
    String sentence =
        test
            + ": needs "
            + absent.entrySet().stream()
                .map(e -> e.getKey().need() + " [here: " + e.getValue() + "]")
                .collect(Collectors.joining(" and "));
    if (ci) {
      throw new AssertionError("CI=true and " + sentence);
    }
    return ConditionEvaluationResult.disabled("SKIPPED " + sentence);
  }

  private static String nameOf(AnnotatedElement element) {
    if (element instanceof Method method) {
      return method.getDeclaringClass().getSimpleName() + "." + method.getName();
    }
    return element instanceof Class<?> type ? type.getSimpleName() : String.valueOf(element);
  }
}
