package io.mailbridge.mailbox.control;

import io.mailbridge.platform.outbound.control.HostRule;
import java.util.List;
import java.util.Map;

/**
 * The Exchange on-premises hosts the orgs trust, as the rest of Mailbridge asks about them: which
 * orgs list a host (identity tokens arrive before the org is known) and every org's hosts (the task
 * pane's framers). Admins edit the lists in {@code mailbox/ews}.
 */
public interface ExchangeAllowList {

  /** Every org that lists this host, with the rule it gives it. */
  Map<String, HostRule> orgsListing(String host);

  /** Every org's hosts, for what the server as a whole must trust. */
  List<ExchangeHostEntry> ofEveryOrg();
}
