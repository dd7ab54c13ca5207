package io.mailbridge;

import io.mailbridge.platform.security.entity.Org;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Every class compiled from src/main/java, for tests that check a rule over the whole code. */
public final class CodeClasses {
  private CodeClasses() {}

  /** The classes, loaded without initialising them. */
  public static List<Class<?>> all() throws IOException, ClassNotFoundException {
    Path root;
    try {
      root = Path.of(Org.class.getProtectionDomain().getCodeSource().getLocation().toURI());
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
      classes.add(Class.forName(name, false, CodeClasses.class.getClassLoader()));
    }
    return classes;
  }
}
