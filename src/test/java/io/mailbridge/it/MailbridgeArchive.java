package io.mailbridge.it;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The WAR that {@code mvn package} built, plus the in-container test classes. */
public final class MailbridgeArchive {
  private MailbridgeArchive() {}

  public static WebArchive withTests() {
    File war = new File(System.getProperty("mailbridge.war", "target/mailbridge.war"));
    if (!war.isFile()) {
      throw new IllegalStateException("Build the WAR first (mvn package): " + war);
    }
    return ShrinkWrap.createFromZipFile(WebArchive.class, war)
        .addPackages(true, "io.mailbridge.it");
  }
}
