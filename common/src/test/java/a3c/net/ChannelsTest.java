package a3c.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;

class ChannelsTest {
  @Test
  void aConnectionThatFailed_isToldApartFromARefusal() {
    assertTrue(Channels.connectionFailed(Status.UNAVAILABLE.withDescription("io exception")));
    // What grpc-java reports for a connection closed under a call being started.
    assertTrue(Channels.connectionFailed(Status.UNKNOWN.withDescription("channel closed").withCause(new ClosedChannelException())));
    assertTrue(Channels.connectionFailed(Status.UNKNOWN.withCause(new IOException("Connection reset by peer"))));

    assertFalse(Channels.connectionFailed(Status.UNKNOWN.withDescription("the server's own error")));
    assertFalse(Channels.connectionFailed(Status.UNKNOWN.withCause(new IllegalStateException("a bug here"))));
    assertFalse(Channels.connectionFailed(Status.INVALID_ARGUMENT.withCause(new IOException("not a connection's"))));
    assertFalse(Channels.connectionFailed(Status.DEADLINE_EXCEEDED));
  }
}
