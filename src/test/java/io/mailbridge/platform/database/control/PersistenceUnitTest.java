package io.mailbridge.platform.database.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.CodeClasses;
import jakarta.persistence.Converter;
import jakarta.persistence.Entity;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.hibernate.boot.archive.scan.internal.StandardScanOptions;
import org.hibernate.boot.archive.scan.spi.ScanEnvironment;
import org.hibernate.boot.archive.scan.spi.ScanParameters;
import org.hibernate.boot.archive.scan.spi.ScanResult;
import org.hibernate.boot.archive.scan.spi.Scanner;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * persistence.xml names its entities instead of letting Hibernate scan the WAR at every start: the
 * list must hold every entity and converter of the code, or that class would silently be unmapped.
 */
class PersistenceUnitTest {

  @Test
  void listsEveryEntityAndConverterAndScansNothing() throws Exception {
    Document unit = unit();
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

  /**
   * Validation is off for the unit, which is only right while nothing of the code asks for it: a
   * constraint added to an entity (or anywhere) must come with validation turned back on.
   */
  @Test
  void validationIsOffAndNoClassOfTheCodeCarriesAConstraint() throws Exception {
    assertEquals(
        "NONE", unit().getElementsByTagNameNS("*", "validation-mode").item(0).getTextContent());
    List<String> constrained = new ArrayList<>();
    for (Class<?> type : CodeClasses.all()) {
      List<AnnotatedElement> elements = new ArrayList<>();
      elements.add(type);
      elements.addAll(List.of(type.getDeclaredFields()));
      for (Executable executable : type.getDeclaredMethods()) {
        elements.add(executable);
        elements.addAll(List.of(executable.getParameters()));
      }
      for (Executable executable : type.getDeclaredConstructors()) {
        elements.add(executable);
        elements.addAll(List.of(executable.getParameters()));
      }
      for (AnnotatedElement element : elements) {
        for (Annotation annotation : element.getDeclaredAnnotations()) {
          if (annotation.annotationType().getName().startsWith("jakarta.validation.")) {
            constrained.add(element + " @" + annotation.annotationType().getSimpleName());
          }
        }
      }
    }
    assertEquals(List.of(), constrained);
  }

  /**
   * Hibernate's standard scanner indexes every class of the archive at each start even when no
   * unlisted class may be mapped (it looks for hbm.xml files too); the configured one must not open
   * the archive at all.
   */
  @Test
  void hibernateReadsNothingOfTheArchiveAtStart() throws Exception {
    String scannerClass = property(unit(), "hibernate.archive.scanner");
    Scanner scanner = (Scanner) Class.forName(scannerClass).getConstructor().newInstance();
    List<String> asked = new ArrayList<>();
    ScanEnvironment archive =
        (ScanEnvironment)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {ScanEnvironment.class},
                (proxy, method, args) -> {
                  asked.add(method.getName());
                  return method.getReturnType() == List.class ? List.of() : null;
                });

    ScanResult result =
        scanner.scan(archive, new StandardScanOptions(null, true), new ScanParameters() {});

    assertEquals(List.of(), asked, "the scanner looked at the archive");
    assertTrue(result.getLocatedClasses().isEmpty());
    assertTrue(result.getLocatedMappingFiles().isEmpty());
    assertTrue(result.getLocatedPackages().isEmpty());
  }

  private Document unit() throws Exception {
    try (InputStream in =
        getClass().getClassLoader().getResourceAsStream("META-INF/persistence.xml")) {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      return factory.newDocumentBuilder().parse(in);
    }
  }

  private static String property(Document unit, String name) {
    NodeList properties = unit.getElementsByTagNameNS("*", "property");
    for (int i = 0; i < properties.getLength(); i++) {
      Element property = (Element) properties.item(i);
      if (name.equals(property.getAttribute("name"))) {
        return property.getAttribute("value");
      }
    }
    throw new AssertionError("persistence.xml has no property " + name);
  }

  private Set<String> mappedClassesOfTheCode() throws Exception {
    Set<String> mapped = new TreeSet<>();
    for (Class<?> type : CodeClasses.all()) {
      if (type.isAnnotationPresent(Entity.class) || type.isAnnotationPresent(Converter.class)) {
        mapped.add(type.getName());
      }
    }
    assertTrue(mapped.size() > 10, "found the entities of the code: " + mapped);
    return mapped;
  }
}
