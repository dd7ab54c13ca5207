package io.mailbridge.itsupport;

import fish.payara.arquillian.container.payara.managed.PayaraMicroDeployableContainer;
import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.core.spi.LoadableExtension;

/** Replaces Arquillian's Payara Micro container with the one deployed once per suite. */
public class SharedDeploymentExtension implements LoadableExtension {
  @Override
  public void register(ExtensionBuilder builder) {
    builder.override(
        DeployableContainer.class,
        PayaraMicroDeployableContainer.class,
        SharedPayaraMicroContainer.class);
  }
}
