package io.mailbridge.platform.database.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Driver;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The data source finds its driver without leaving it registered with DriverManager from the
 * application's class loader, which Payara reports at start-up when it drops that loader.
 */
class ConfiguredDataSourceTest {

  private static URL locationOf(Class<?> type) {
    return type.getProtectionDomain().getCodeSource().getLocation();
  }

  @Test
  void theDriverFoundIsNotLeftRegisteredFromTheApplicationsClassLoader() throws Exception {
    // A class loader like the deployment's: Mailbridge's classes and the PostgreSQL driver.
    try (URLClassLoader application =
        new URLClassLoader(
            new URL[] {
              locationOf(ConfiguredDataSource.class),
              locationOf(DriversSeenBy.class),
              locationOf(org.postgresql.Driver.class)
            },
            ClassLoader.getPlatformClassLoader())) {
      Method findDriver =
          application
              .loadClass(ConfiguredDataSource.class.getName())
              .getDeclaredMethod("findDriver", String.class);
      findDriver.setAccessible(true);
      Method registered =
          application.loadClass(DriversSeenBy.class.getName()).getMethod("thisLoader");

      Driver driver = (Driver) findDriver.invoke(null, "jdbc:postgresql://127.0.0.1:5432/mb");

      assertEquals("org.postgresql.Driver", driver.getClass().getName());
      assertSame(application, driver.getClass().getClassLoader());
      assertEquals(List.of(), registered.invoke(null));
    }
  }
}
