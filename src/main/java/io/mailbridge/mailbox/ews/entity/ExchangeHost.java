package io.mailbridge.mailbox.ews.entity;

import io.mailbridge.platform.base.OpaqueId;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.Objects;

/** One Exchange host an org trusts, with the exceptions its admin allowed for it. */
@Entity
@Table(name = "exchange_host")
public class ExchangeHost {

  @Id
  @Column(name = "id", length = 32)
  private String id;

  @Column(name = "org_id", nullable = false, length = 32)
  private String orgId;

  @Column(name = "host", nullable = false, length = 253)
  private String host;

  @Column(name = "plain_http", nullable = false)
  private boolean plainHttp;

  @Column(name = "private_address", nullable = false)
  private boolean privateAddress;

  protected ExchangeHost() {}

  public ExchangeHost(String orgId, String host, boolean plainHttp, boolean privateAddress) {
    this.id = OpaqueId.next();
    this.orgId = Objects.requireNonNull(orgId);
    this.host = Objects.requireNonNull(host);
    this.plainHttp = plainHttp;
    this.privateAddress = privateAddress;
  }

  public String orgId() {
    return orgId;
  }

  public String host() {
    return host;
  }

  public boolean plainHttp() {
    return plainHttp;
  }

  public boolean privateAddress() {
    return privateAddress;
  }
}
