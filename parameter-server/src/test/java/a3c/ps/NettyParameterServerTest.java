package a3c.ps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.net.Channels;
import a3c.net.ClientTls;
import a3c.testing.TestCertificates;
import io.grpc.ManagedChannel;
import io.grpc.ServerBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import a3c.rpc.ParameterServerGrpc;
import a3c.rpc.Tensors;
import java.util.List;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Path;
import a3c.proto.GetStatusRequest;
import a3c.proto.RegisterRequest;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The contract over a real Netty socket on an ephemeral loopback port, plus server reflection. */
class NettyParameterServerTest extends ParameterServerContractTest {
  @Override
  ServerBuilder<?> serverBuilder() {
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
  }

  @Override
  ManagedChannel channelTo(ParameterServer server) {
    try {
      return Channels.open("127.0.0.1:" + server.port(), null, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Only a real transport serialises messages, so only it enforces the size limit. */
  @Test
  void oversizedMessage_isResourceExhausted_andChangesNothing() throws Exception {
    ParameterServer server = start(config().withMaxMessageBytes(1 << 20), null);
    ParameterServerGrpc.BlockingStub client = client(server);
    initialize(client);
    float[] huge = new float[(1 << 20) / 4 + 1000];
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> client.pushGradients(push("w0", 0, List.of(Tensors.encode("w", new long[] {huge.length}, huge, 0, huge.length)), true)));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
    assertEquals(0, pull(client).getVersion());
  }

  /** Only a real transport compresses. */
  @Test
  void compressedRequestThatInflatesPastTheLimit_isResourceExhausted_andChangesNothing() throws Exception {
    ParameterServer server = start(config().withMaxMessageBytes(1 << 20), null);
    io.grpc.Channel channel = channel(server);
    ParameterServerGrpc.BlockingStub client = client(channel);
    initialize(client);
    // 8 MiB of zeros gzip to a few KiB: the wire message is small, the request is not.
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> RawCalls.call(channel, ParameterServerGrpc.PUSH_GRADIENTS, new byte[8 << 20], "gzip"));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e.getStatus().toString());
    assertEquals(0, pull(client).getVersion());
  }

  @Test
  void tls_servesClientsThatTrustTheCertificate_andRefusesPlaintext() throws Exception {
    TestCertificates.Pair pair = TestCertificates.selfSigned(folder, "cert");
    Path cert = pair.cert();
    try (ParameterServer server = ParameterServer.start(config().withTls(cert, pair.key()), null)) {
      ManagedChannel secure = Channels.open("127.0.0.1:" + server.port(), null, new ClientTls(cert, null));
      ManagedChannel plain = Channels.open("127.0.0.1:" + server.port(), null, null);
      try {
        assertTrue(client(secure).register(RegisterRequest.newBuilder().setWorkerId("w0").build()).getInitialize());
        assertEquals(Status.Code.UNAVAILABLE, assertThrows(StatusRuntimeException.class,
            () -> client(plain).getStatus(GetStatusRequest.getDefaultInstance())).getStatus().getCode());
      } finally {
        secure.shutdownNow();
        plain.shutdownNow();
      }
    }
  }

  /** The launcher's own clients dial its server on loopback; its certificate names the address other hosts use. */
  @Test
  void tls_aClientOnTheServersHost_checksTheCertificateAgainstTheNameItCarries() throws Exception {
    TestCertificates.Pair pair = TestCertificates.selfSigned(folder, "elsewhere", "DNS:ps.a3c.test,IP:198.18.7.1");
    try (ParameterServer server = ParameterServer.start(config().withTls(pair.cert(), pair.key()), null)) {
      ClientTls local = ClientTls.ofServerCertificate(pair.cert(), "127.0.0.1");
      assertEquals("ps.a3c.test", local.authority());
      ManagedChannel byName = Channels.open("127.0.0.1:" + server.port(), null, local);
      ManagedChannel byDialledHost = Channels.open("127.0.0.1:" + server.port(), null, new ClientTls(pair.cert(), null));
      try {
        assertTrue(client(byName).register(RegisterRequest.newBuilder().setWorkerId("w0").build()).getInitialize());
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
            () -> client(byDialledHost).getStatus(GetStatusRequest.getDefaultInstance()));
        assertNotNull(Channels.untrustedCertificate(refused.getStatus()), refused.getStatus().toString());
      } finally {
        byName.shutdownNow();
        byDialledHost.shutdownNow();
      }
    }
    assertNull(ClientTls.ofServerCertificate(pair.cert(), "198.18.7.1").authority(), "the host dialled is named: checked as it is");
  }

  /** The name a client on the server's host checks: a wildcard's one label filled in, or the CN of a certificate with no subjectAltName. */
  @Test
  void tls_aClientOnTheServersHost_checksAWildcardOrACommonName_andRefusesAFileThatHoldsNoCertificate() throws Exception {
    TestCertificates.Pair wildcard = TestCertificates.selfSigned(folder, "wildcard", "DNS:*.a3c.test");
    TestCertificates.Pair common = TestCertificates.commonNameOnly(folder, "common", "ps-cn.a3c.test");
    for (TestCertificates.Pair pair : List.of(wildcard, common)) {
      try (ParameterServer server = ParameterServer.start(config().withTls(pair.cert(), pair.key()), null)) {
        ClientTls local = ClientTls.ofServerCertificate(pair.cert(), "127.0.0.1");
        ManagedChannel channel = Channels.open("127.0.0.1:" + server.port(), null, local);
        try {
          assertTrue(client(channel).register(RegisterRequest.newBuilder().setWorkerId("w0").build()).getInitialize(),
              local.toString());
        } finally {
          channel.shutdownNow();
        }
      }
    }
    assertEquals("a3c.a3c.test", ClientTls.ofServerCertificate(wildcard.cert(), "127.0.0.1").authority());
    assertEquals("ps-cn.a3c.test", ClientTls.ofServerCertificate(common.cert(), "127.0.0.1").authority());
    IllegalArgumentException notACertificate = assertThrows(IllegalArgumentException.class,
        () -> ClientTls.ofServerCertificate(wildcard.key(), "127.0.0.1"));
    assertTrue(notACertificate.getMessage().contains(wildcard.key().toString()), notACertificate.getMessage());
  }

  @Test
  void reflection_listsTheParameterServerService() throws Exception {
    ParameterServer server = start(config(), null);
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel(server))
        .withDeadlineAfter(10, TimeUnit.SECONDS).serverReflectionInfo(new StreamObserver<>() {
          @Override
          public void onNext(ServerReflectionResponse value) {
            answer.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            answer.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    ServerReflectionResponse response = answer.get(10, TimeUnit.SECONDS);
    requests.onCompleted();
    assertTrue(response.getListServicesResponse().getServiceList().stream()
        .anyMatch(service -> service.getName().equals("a3c.v1.ParameterServer")), response.toString());
  }
}
