package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The WAR that {@code mvn package} built carries the Graph SDK shrunk to what Mailbridge uses, and
 * none of the libraries nothing in it calls (README, "Start-up").
 */
class LeanWarIT {

  private static final Pattern GRAPH_CLASS =
      Pattern.compile("com/microsoft/graph/[A-Za-z0-9_$/]*[A-Za-z0-9_$]");

  private static final Set<String> libraries = new TreeSet<>();
  private static final Set<String> libraryClasses = new HashSet<>();
  private static final Set<String> graphNamedByMailbridge = new TreeSet<>();
  private static final Set<String> scanMarkers = new TreeSet<>();
  private static int shrunkClasses;

  @BeforeAll
  static void readWar() throws IOException {
    File war = new File(System.getProperty("mailbridge.war", "target/mailbridge.war"));
    try (ZipFile zip = new ZipFile(war)) {
      for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
        String name = entry.getName();
        if (name.startsWith("WEB-INF__")) {
          scanMarkers.add(name);
          try (InputStream in = zip.getInputStream(entry)) {
            // An empty zip, not an empty file: Payara opens the markers as archives too.
            assertArrayEquals(MailbridgeArchive.EMPTY_ZIP, in.readAllBytes(), name);
          }
        }
        if (name.startsWith("WEB-INF/lib/") && name.endsWith(".jar")) {
          String jar = name.substring("WEB-INF/lib/".length());
          libraries.add(jar);
          try (InputStream in = zip.getInputStream(entry)) {
            int classes = readLibrary(in.readAllBytes());
            if (jar.equals("microsoft-graph-shrunk.jar")) {
              shrunkClasses = classes;
            }
          }
        } else if (name.startsWith("WEB-INF/classes/io/mailbridge/") && name.endsWith(".class")) {
          try (InputStream in = zip.getInputStream(entry)) {
            // Class names stand in the constant pool as modified UTF-8, plain ASCII for these.
            Matcher named =
                GRAPH_CLASS.matcher(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
            while (named.find()) {
              graphNamedByMailbridge.add(named.group());
            }
          }
        }
      }
    }
  }

  private static int readLibrary(byte[] jar) throws IOException {
    int classes = 0;
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar))) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        if (entry.getName().endsWith(".class")) {
          libraryClasses.add(entry.getName().substring(0, entry.getName().length() - 6));
          classes++;
        }
      }
    }
    return classes;
  }

  @Test
  void theGraphSdkIsTheShrunkOneAndAFractionOfItsFortyThousandClasses() {
    assertTrue(libraries.contains("microsoft-graph-shrunk.jar"), libraries::toString);
    assertFalse(
        libraries.stream().anyMatch(jar -> jar.matches("microsoft-graph-\\d.*\\.jar")),
        libraries::toString);
    assertTrue(shrunkClasses > 0 && shrunkClasses < 10_000, "shrunk SDK classes: " + shrunkClasses);
  }

  @Test
  void everyGraphClassMailbridgeNamesIsInTheWar() {
    assertTrue(graphNamedByMailbridge.size() > 20, graphNamedByMailbridge::toString);
    List<String> missing = new ArrayList<>();
    for (String name : graphNamedByMailbridge) {
      // A package prefix in a string constant is not a class; every class Mailbridge names is.
      boolean isPackageOfSomething =
          libraryClasses.stream().anyMatch(present -> present.startsWith(name + "/"));
      if (!libraryClasses.contains(name) && !isPackageOfSomething) {
        missing.add(name);
      }
    }
    assertEquals(List.of(), missing);
  }

  @Test
  void librariesNothingCallsAreLeftOut() {
    for (String left :
        List.of(
            "azure-core-",
            "azure-json-",
            "azure-xml-",
            "microsoft-kiota-authentication-azure-",
            "jwks-rsa-",
            "google-oauth-client-",
            // Hibernate builds no proxies (NoEntityProxies); NTLM is Mailbridge's own.
            "byte-buddy-",
            "jcifs-ng-",
            "bcprov-")) {
      assertFalse(
          libraries.stream().anyMatch(jar -> jar.startsWith(left)), left + " in " + libraries);
    }
  }

  /**
   * Payara skips parsing WEB-INF/lib/x.jar when the archive holds an entry WEB-INF__lib__x_jar
   * (pom.xml, library-scan-markers): each library has exactly its marker, and only libraries do;
   * each is an empty zip, since Payara also opens them as archives and warned twice per empty file.
   */
  @Test
  void everyLibraryHasTheMarkerThatKeepsPayaraFromParsingIt() {
    Set<String> expected = new TreeSet<>();
    for (String jar : libraries) {
      expected.add(("WEB-INF/lib/" + jar).replaceAll("[/ ]", "__").replace(".jar", "_jar"));
    }
    assertTrue(expected.size() > 50, expected::toString);
    assertEquals(expected, scanMarkers);
  }
}
