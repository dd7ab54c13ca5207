package io.mailbridge.platform.outbound.control;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificate authorities a call trusts: the JVM's trust store plus the ones an org added (an
 * internal CA of its Exchange server). Validation stays the JDK's PKIX with host-name checking by
 * the HTTP client; nothing is ever accepted without a valid chain.
 */
public final class OutboundTrust {

  private final SSLSocketFactory socketFactory;
  private final X509TrustManager trustManager;

  private OutboundTrust(SSLSocketFactory socketFactory, X509TrustManager trustManager) {
    this.socketFactory = socketFactory;
    this.trustManager = trustManager;
  }

  /** The JVM's trust anchors and these certificates as further anchors. */
  public static OutboundTrust withAuthorities(List<X509Certificate> extra) {
    try {
      KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
      anchors.load(null, null);
      int n = 0;
      for (X509Certificate jvm : jvmTrustManager().getAcceptedIssuers()) {
        anchors.setCertificateEntry("jvm-" + n++, jvm);
      }
      for (X509Certificate certificate : extra) {
        anchors.setCertificateEntry("org-" + n++, certificate);
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(anchors);
      X509TrustManager manager = x509(factory.getTrustManagers());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {manager}, null);
      return new OutboundTrust(context.getSocketFactory(), manager);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("The trust store cannot be built", e);
    }
  }

  private static X509TrustManager jvmTrustManager() throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    return x509(factory.getTrustManagers());
  }

  private static X509TrustManager x509(TrustManager[] managers) {
    for (TrustManager manager : managers) {
      if (manager instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new IllegalStateException("No X.509 trust manager");
  }

  SSLSocketFactory socketFactory() {
    return socketFactory;
  }

  X509TrustManager trustManager() {
    return trustManager;
  }
}
