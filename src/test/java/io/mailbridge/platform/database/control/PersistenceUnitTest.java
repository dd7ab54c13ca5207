package io.mailbridge.platform.database.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.platform.security.entity.Org;
import jakarta.persistence.Converter;
import jakarta.persistence.Entity;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * persistence.xml names its entities instead of letting Hibernate scan the WAR at every start: the
 * list must hold every entity and converter of the code, or that class would silently be unmapped.
 */
class PersistenceUnitTest {

  @Test
  void listsEveryEntityAndConverterAndScansNothing() throws Exception {
    Document unit;
    try (InputStream in =
        getClass().getClassLoader().getResourceAsStream("META-INF/persistence.xml")) {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      unit = factory.newDocumentBuilder().parse(in);
    }
    Set<String> listed = new TreeSet<>();
    NodeList classes = unit.getElementsByTagNameNS("*", "class");
    for (int i = 0; i < classes.getLength(); i++) {
      listed.add(classes.item(i).getTextContent().strip());
    }
    assertEquals(
        "true",
        unit.getElementsByTagNameNS("*", "exclude-unlisted-classes").item(0).getTextContent());

    assertEquals(mappedClassesOfTheCode(), listed);
  }

  private Set<String> mappedClassesOfTheCode() throws Exception {
    Path root = Path.of(Org.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(p -> p.toString().endsWith(".class")).forEach(files::add);
    }
    Set<String> mapped = new TreeSet<>();
    for (Path file : files) {
      String name = root.relativize(file).toString().replace('/', '.').replace(".class", "");
      Class<?> type = Class.forName(name, false, getClass().getClassLoader());
      if (type.isAnnotationPresent(Entity.class) || type.isAnnotationPresent(Converter.class)) {
        mapped.add(name);
      }
    }
    assertTrue(mapped.size() > 10, "found the entities of the code: " + mapped);
    return mapped;
  }
}
