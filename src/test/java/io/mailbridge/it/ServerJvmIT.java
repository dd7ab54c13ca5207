package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The suite's server runs with the production servers' JVM options (server-config/jvm.options): a
 * 512 MB heap, so a request that needs more fails here first, the parallel collector, the
 * optimising compiler's raised thresholds and the metaspace threshold; and with their Payara Micro
 * settings (server-config/payara-micro.asadmin), which leave out the data grid.
 */
@ExtendWith(ArquillianExtension.class)
class ServerJvmIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Test
  void theServerHasTheProductionHeapAndCollector() {
    long heap = Runtime.getRuntime().maxMemory();
    assertTrue(
        heap <= 512L * 1024 * 1024 && heap > 400L * 1024 * 1024,
        "the heap is the production 512 MB, was " + heap);
    List<String> collectors =
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName)
            .sorted()
            .toList();
    assertEquals(List.of("PS MarkSweep", "PS Scavenge"), collectors);
  }

  @Test
  void theOptimisingCompilerWaitsForTheRaisedCounts() {
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    assertEquals("50000", vm.getVMOption("Tier4InvocationThreshold").getValue());
    assertEquals("150000", vm.getVMOption("Tier4CompileThreshold").getValue());
    assertEquals("400000", vm.getVMOption("Tier4BackEdgeThreshold").getValue());
    assertEquals("6000", vm.getVMOption("Tier4MinInvocationThreshold").getValue());
  }

  @Test
  void classMetadataGrowsTo192MegabytesBeforeItTriggersACollection() {
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    assertEquals(Long.toString(192L * 1024 * 1024), vm.getVMOption("MetaspaceSize").getValue());
    // A start loads more than the default threshold's worth, so the setting is what kept the
    // collections away (144 MB when the server was ready, 4 December 2026).
    long used =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getName().equals("Metaspace"))
            .mapToLong(pool -> pool.getUsage().getUsed())
            .sum();
    assertTrue(used > 64L * 1024 * 1024, "metaspace in use: " + used);
  }

  /**
   * With only --nocluster Payara Micro still ran a Hazelcast member, bound in JNDI and listening on
   * port 6900 of every interface with threads named {@code hz.*}.
   */
  @Test
  void theServerRunsNoDataGrid() {
    assertThrows(NamingException.class, () -> new InitialContext().lookup("payara/Hazelcast"));
    List<String> gridThreads =
        Thread.getAllStackTraces().keySet().stream()
            .map(Thread::getName)
            .filter(name -> name.startsWith("hz."))
            .toList();
    assertEquals(List.of(), gridThreads);
  }
}
