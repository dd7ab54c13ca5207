package io.mailbridge;

import io.mailbridge.platform.security.entity.Org;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The compiled classes of the code or of its tests, for tests that check a rule over all of them.
 */
public final class CodeClasses {
  private CodeClasses() {}

  /** The classes compiled from src/main/java, loaded without initialising them. */
  public static List<Class<?>> all() throws IOException, ClassNotFoundException {
    return besides(Org.class);
  }

  /**
   * Every class compiled into the same directory as the given one (src/main/java's or
   * src/test/java's), loaded without initialising them.
   */
  public static List<Class<?>> besides(Class<?> anchor) throws IOException, ClassNotFoundException {
    Path root;
    try {
      root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(p -> p.toString().endsWith(".class")).forEach(files::add);
    }
    List<Class<?>> classes = new ArrayList<>();
    for (Path file : files) {
      String name = root.relativize(file).toString().replace('/', '.').replace(".class", "");
      classes.add(Class.forName(name, false, anchor.getClassLoader()));
    }
    return classes;
  }
}
