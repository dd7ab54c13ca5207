package io.mailbridge.itsupport;

import fish.payara.arquillian.container.payara.managed.PayaraMicroDeployableContainer;
import java.util.TreeSet;
import java.util.logging.Logger;
import org.jboss.arquillian.container.spi.client.container.DeploymentException;
import org.jboss.arquillian.container.spi.client.container.LifecycleException;
import org.jboss.arquillian.container.spi.client.protocol.metadata.HTTPContext;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.shrinkwrap.api.Archive;

/**
 * Payara Micro deployed once for the whole integration suite: the first test class starts it with
 * the WAR, later classes with the same archive reuse it, and it stops when the suite ends. Each
 * start costs about half a minute, so this keeps the suite's time flat as test classes are added.
 */
public class SharedPayaraMicroContainer extends PayaraMicroDeployableContainer {

  private static final Logger LOG = Logger.getLogger(SharedPayaraMicroContainer.class.getName());

  private Archive<?> deployed;
  private String deployedContent;
  private ProtocolMetaData metadata;

  @Override
  public ProtocolMetaData deploy(Archive<?> archive) throws DeploymentException {
    String content = contentOf(archive);
    if (metadata != null && content.equals(deployedContent)) {
      return metadata;
    }
    if (deployed != null) {
      super.undeploy(deployed); // a different archive: this class needs a server of its own
    }
    ProtocolMetaData fresh = super.deploy(archive);
    if (fresh == null || !hasServlets(fresh)) {
      // The container reports success even when nothing was deployed; the server log says why.
      stopQuietly(archive);
      throw new DeploymentException(
          "Mailbridge did not deploy on Payara Micro: see the server log under target/");
    }
    deployed = archive;
    deployedContent = content;
    metadata = fresh;
    LOG.info("Payara Micro started once for the integration suite");
    return fresh;
  }

  /** Kept running for the next test class; {@link #stop()} ends it with the suite. */
  @Override
  public void undeploy(Archive<?> archive) {}

  @Override
  public void stop() throws LifecycleException {
    if (deployed != null) {
      try {
        super.undeploy(deployed);
      } catch (DeploymentException e) {
        throw new LifecycleException("Could not stop Payara Micro", e);
      } finally {
        deployed = null;
        deployedContent = null;
        metadata = null;
      }
    }
    super.stop();
  }

  private void stopQuietly(Archive<?> archive) {
    try {
      super.undeploy(archive);
    } catch (Exception ignored) {
      // Already failing; the deployment error is the one to report.
    }
  }

  private static boolean hasServlets(ProtocolMetaData metaData) {
    return metaData.getContexts(HTTPContext.class).stream()
        .anyMatch(context -> !context.getServlets().isEmpty());
  }

  private static String contentOf(Archive<?> archive) {
    return archive.getName()
        + new TreeSet<>(archive.getContent().keySet().stream().map(Object::toString).toList());
  }
}
