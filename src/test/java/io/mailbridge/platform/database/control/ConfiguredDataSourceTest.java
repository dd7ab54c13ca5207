package io.mailbridge.platform.database.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Driver;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The data source finds its driver without leaving it registered with DriverManager from the
 * application's class loader, which Payara reports at start-up when it drops that loader, and has
 * H2 load without its value cache.
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

  /** H2's {@code SysProperties.OBJECT_CACHE} as an H2 loaded afresh after the data source ran. */
  private static boolean h2ObjectCacheAfter(String url) throws Exception {
    try (URLClassLoader application =
        new URLClassLoader(
            new URL[] {locationOf(ConfiguredDataSource.class), locationOf(org.h2.Driver.class)},
            ClassLoader.getPlatformClassLoader())) {
      Method lean =
          application
              .loadClass(ConfiguredDataSource.class.getName())
              .getDeclaredMethod("withoutH2ObjectCache", String.class);
      lean.setAccessible(true);
      lean.invoke(null, url);
      return application
          .loadClass("org.h2.engine.SysProperties")
          .getField("OBJECT_CACHE")
          .getBoolean(null);
    }
  }

  private static void restore(String property, String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }

  @Test
  void h2LoadsWithoutItsObjectCacheUnlessTheOperatorSaidOtherwise() throws Exception {
    String before = System.getProperty(ConfiguredDataSource.H2_OBJECT_CACHE);
    try {
      System.clearProperty(ConfiguredDataSource.H2_OBJECT_CACHE);
      assertTrue(h2ObjectCacheAfter("jdbc:postgresql://127.0.0.1:5432/mb"), "H2's default");
      assertNull(System.getProperty(ConfiguredDataSource.H2_OBJECT_CACHE));

      assertFalse(h2ObjectCacheAfter("jdbc:h2:file:/tmp/mb;CACHE_SIZE=65536"));

      System.setProperty(ConfiguredDataSource.H2_OBJECT_CACHE, "true");
      assertTrue(h2ObjectCacheAfter("jdbc:h2:file:/tmp/mb"), "the operator's value stays");
    } finally {
      restore(ConfiguredDataSource.H2_OBJECT_CACHE, before);
    }
  }
}
