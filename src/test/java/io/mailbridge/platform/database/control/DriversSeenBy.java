package io.mailbridge.platform.database.control;

import java.sql.Driver;
import java.sql.DriverManager;
import java.util.Collections;
import java.util.List;

/**
 * The JDBC drivers registered with DriverManager that the class loader of this class sees; loaded
 * into a test's own class loader, it answers for that loader (DriverManager filters by caller).
 */
public final class DriversSeenBy {
  private DriversSeenBy() {}

  public static List<String> thisLoader() {
    return Collections.list(DriverManager.getDrivers()).stream()
        .filter(d -> d.getClass().getClassLoader() == DriversSeenBy.class.getClassLoader())
        .map(Driver::getClass)
        .map(Class::getName)
        .toList();
  }
}
