package io.mailbridge.it;

import java.io.File;
import java.net.URISyntaxException;
import org.bouncycastle.crypto.digests.MD4Digest;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.ByteArrayAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The WAR that {@code mvn package} built, plus the in-container test classes. */
public final class MailbridgeArchive {

  /**
   * What each library's scan marker holds (pom.xml, library-scan-markers): a zip with no entry, its
   * end record only ("PK", 5, 6, then eighteen zero bytes).
   */
  static final byte[] EMPTY_ZIP = {
    'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  };

  private MailbridgeArchive() {}

  public static WebArchive withTests() {
    File war = new File(System.getProperty("mailbridge.war", "target/mailbridge.war"));
    if (!war.isFile()) {
      throw new IllegalStateException("Build the WAR first (mvn package): " + war);
    }
    WebArchive archive =
        ShrinkWrap.createFromZipFile(WebArchive.class, war).addPackages(true, "io.mailbridge.it");
    // The fake Exchange checks NTLM answers with BouncyCastle's MD4, apart from Mailbridge's own.
    File md4 = jarOf(MD4Digest.class);
    archive.addAsLibraries(md4);
    // With the marker the build gives every library (pom.xml, library-scan-markers), Payara does
    // not parse BouncyCastle's classes at each deployment of the suite either.
    archive.add(
        new ByteArrayAsset(EMPTY_ZIP),
        ("WEB-INF/lib/" + md4.getName()).replaceAll("[/ ]", "__").replace(".jar", "_jar"));
    // The fake Exchange answers from wire-format documents kept with the tests.
    File[] fixtures = new File("src/test/resources/ews").listFiles();
    if (fixtures != null) {
      for (File fixture : fixtures) {
        archive.addAsResource(fixture, "ews/" + fixture.getName());
      }
    }
    return archive;
  }

  private static File jarOf(Class<?> type) {
    try {
      return new File(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
