package io.mailbridge.mailbox.ews.control;

import com.sun.xml.ws.api.pipe.ClientTubeAssemblerContext;
import com.sun.xml.ws.api.pipe.TransportTubeFactory;
import com.sun.xml.ws.api.pipe.Tube;
import io.mailbridge.mailbox.ews.stubs.ExchangeServicePortType;

/**
 * Gives the EWS stubs Mailbridge's own transport (registered with Metro as a service); every other
 * JAX-WS client keeps Metro's default.
 */
public class OutboundTransportTubeFactory extends TransportTubeFactory {

  @Override
  public Tube doCreate(ClientTubeAssemblerContext context) {
    if (context.getSEI() != ExchangeServicePortType.class) {
      return null;
    }
    return new OutboundTransportTube(context.getCodec());
  }
}
