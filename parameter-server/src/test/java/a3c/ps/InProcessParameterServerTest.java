package a3c.ps;

import io.grpc.ManagedChannel;
import io.grpc.ServerBuilder;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;

/** The contract over grpc's in-process transport. */
class InProcessParameterServerTest extends ParameterServerContractTest {
  private String name;

  @Override
  ServerBuilder<?> serverBuilder() {
    name = InProcessServerBuilder.generateName();
    return InProcessServerBuilder.forName(name);
  }

  @Override
  ManagedChannel channelTo(ParameterServer server) {
    return InProcessChannelBuilder.forName(name).maxInboundMessageSize(64 << 20).build();
  }
}
