package a3c.rpc;

import a3c.proto.A3cProto;
import a3c.proto.GetStatusRequest;
import a3c.proto.GetStatusResponse;
import a3c.proto.InitializeWeightsRequest;
import a3c.proto.InitializeWeightsResponse;
import a3c.proto.PullWeightsRequest;
import a3c.proto.PullWeightsResponse;
import a3c.proto.PushGradientsRequest;
import a3c.proto.PushGradientsResponse;
import a3c.proto.RegisterRequest;
import a3c.proto.RegisterResponse;
import a3c.proto.ReportEpisodeRequest;
import a3c.proto.ReportEpisodeResponse;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.ProtoFileDescriptorSupplier;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import io.grpc.stub.AbstractBlockingStub;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.function.BiConsumer;

/**
 * The ParameterServer service of {@code a3c.proto}, written by hand.
 *
 * <p>grpc-java's codegen plugin is a native binary that Maven Central does not serve here, so this
 * class holds what it would generate: the method descriptors (with the protobuf marshallers and
 * schema descriptors, so server reflection works), the service binding and the client stubs.
 */
public final class ParameterServerGrpc {
  public static final String SERVICE_NAME = "a3c.v1.ParameterServer";

  public static final MethodDescriptor<RegisterRequest, RegisterResponse> REGISTER =
      unary("Register", RegisterRequest.getDefaultInstance(), RegisterResponse.getDefaultInstance());
  public static final MethodDescriptor<InitializeWeightsRequest, InitializeWeightsResponse>
      INITIALIZE_WEIGHTS = unary("InitializeWeights",
          InitializeWeightsRequest.getDefaultInstance(), InitializeWeightsResponse.getDefaultInstance());
  public static final MethodDescriptor<PullWeightsRequest, PullWeightsResponse> PULL_WEIGHTS =
      unary("PullWeights", PullWeightsRequest.getDefaultInstance(), PullWeightsResponse.getDefaultInstance());
  public static final MethodDescriptor<PushGradientsRequest, PushGradientsResponse> PUSH_GRADIENTS =
      unary("PushGradients", PushGradientsRequest.getDefaultInstance(),
          PushGradientsResponse.getDefaultInstance());
  public static final MethodDescriptor<ReportEpisodeRequest, ReportEpisodeResponse> REPORT_EPISODE =
      unary("ReportEpisode", ReportEpisodeRequest.getDefaultInstance(),
          ReportEpisodeResponse.getDefaultInstance());
  public static final MethodDescriptor<GetStatusRequest, GetStatusResponse> GET_STATUS =
      unary("GetStatus", GetStatusRequest.getDefaultInstance(), GetStatusResponse.getDefaultInstance());

  private static final ServiceDescriptor SERVICE = ServiceDescriptor.newBuilder(SERVICE_NAME)
      .setSchemaDescriptor(new Schema(null))
      .addMethod(REGISTER)
      .addMethod(INITIALIZE_WEIGHTS)
      .addMethod(PULL_WEIGHTS)
      .addMethod(PUSH_GRADIENTS)
      .addMethod(REPORT_EPISODE)
      .addMethod(GET_STATUS)
      .build();

  private static final MethodDescriptor<Received<RegisterRequest>, RegisterResponse> RECEIVE_REGISTER =
      Received.serverSide(REGISTER);
  private static final MethodDescriptor<Received<InitializeWeightsRequest>, InitializeWeightsResponse> RECEIVE_INITIALIZE_WEIGHTS =
      Received.serverSide(INITIALIZE_WEIGHTS);
  private static final MethodDescriptor<Received<PullWeightsRequest>, PullWeightsResponse> RECEIVE_PULL_WEIGHTS =
      Received.serverSide(PULL_WEIGHTS);
  private static final MethodDescriptor<Received<PushGradientsRequest>, PushGradientsResponse> RECEIVE_PUSH_GRADIENTS =
      Received.serverSide(PUSH_GRADIENTS);
  private static final MethodDescriptor<Received<ReportEpisodeRequest>, ReportEpisodeResponse> RECEIVE_REPORT_EPISODE =
      Received.serverSide(REPORT_EPISODE);
  private static final MethodDescriptor<Received<GetStatusRequest>, GetStatusResponse> RECEIVE_GET_STATUS =
      Received.serverSide(GET_STATUS);

  /** The service as the server binds it: the same methods, with requests parsed into {@link Received}. */
  private static final ServiceDescriptor SERVER_SIDE = ServiceDescriptor.newBuilder(SERVICE_NAME)
      .setSchemaDescriptor(new Schema(null))
      .addMethod(RECEIVE_REGISTER)
      .addMethod(RECEIVE_INITIALIZE_WEIGHTS)
      .addMethod(RECEIVE_PULL_WEIGHTS)
      .addMethod(RECEIVE_PUSH_GRADIENTS)
      .addMethod(RECEIVE_REPORT_EPISODE)
      .addMethod(RECEIVE_GET_STATUS)
      .build();

  private ParameterServerGrpc() {}

  public static ServiceDescriptor serviceDescriptor() {
    return SERVICE;
  }

  /** The server side: every method is unary and answered through its observer. */
  public interface AsyncService {
    void register(RegisterRequest request, StreamObserver<RegisterResponse> response);

    void initializeWeights(InitializeWeightsRequest request, StreamObserver<InitializeWeightsResponse> response);

    void pullWeights(PullWeightsRequest request, StreamObserver<PullWeightsResponse> response);

    void pushGradients(PushGradientsRequest request, StreamObserver<PushGradientsResponse> response);

    void reportEpisode(ReportEpisodeRequest request, StreamObserver<ReportEpisodeResponse> response);

    void getStatus(GetStatusRequest request, StreamObserver<GetStatusResponse> response);

    /** A call whose request bytes are not its method's message: answered with {@code refusal}. */
    default void refuse(String method, Status refusal, StreamObserver<?> response) {
      response.onError(refusal.asRuntimeException());
    }
  }

  public static ServerServiceDefinition bindService(AsyncService service) {
    return ServerServiceDefinition.builder(SERVER_SIDE)
        .addMethod(RECEIVE_REGISTER, receive(service, RECEIVE_REGISTER, service::register))
        .addMethod(RECEIVE_INITIALIZE_WEIGHTS, receive(service, RECEIVE_INITIALIZE_WEIGHTS, service::initializeWeights))
        .addMethod(RECEIVE_PULL_WEIGHTS, receive(service, RECEIVE_PULL_WEIGHTS, service::pullWeights))
        .addMethod(RECEIVE_PUSH_GRADIENTS, receive(service, RECEIVE_PUSH_GRADIENTS, service::pushGradients))
        .addMethod(RECEIVE_REPORT_EPISODE, receive(service, RECEIVE_REPORT_EPISODE, service::reportEpisode))
        .addMethod(RECEIVE_GET_STATUS, receive(service, RECEIVE_GET_STATUS, service::getStatus))
        .build();
  }

  private static <Q, R> ServerCallHandler<Received<Q>, R> receive(AsyncService service,
      MethodDescriptor<Received<Q>, R> method, BiConsumer<Q, StreamObserver<R>> handler) {
    return ServerCalls.asyncUnaryCall((received, response) -> {
      if (received.refusal() != null) {
        service.refuse(method.getBareMethodName(), received.refusal(), response);
      } else {
        handler.accept(received.message(), response);
      }
    });
  }

  public static BlockingStub newBlockingStub(Channel channel) {
    return new BlockingStub(channel, CallOptions.DEFAULT);
  }

  /** Blocking client; set a deadline per call with {@code withDeadlineAfter}. */
  public static final class BlockingStub extends AbstractBlockingStub<BlockingStub> {
    private BlockingStub(Channel channel, CallOptions options) {
      super(channel, options);
    }

    @Override
    protected BlockingStub build(Channel channel, CallOptions options) {
      return new BlockingStub(channel, options);
    }

    public RegisterResponse register(RegisterRequest request) {
      return ClientCalls.blockingUnaryCall(getChannel(), REGISTER, getCallOptions(), request);
    }

    public InitializeWeightsResponse initializeWeights(InitializeWeightsRequest request) {
      return ClientCalls.blockingUnaryCall(getChannel(), INITIALIZE_WEIGHTS, getCallOptions(), request);
    }

    public PullWeightsResponse pullWeights(PullWeightsRequest request) {
      return ClientCalls.blockingUnaryCall(getChannel(), PULL_WEIGHTS, getCallOptions(), request);
    }

    public PushGradientsResponse pushGradients(PushGradientsRequest request) {
      return ClientCalls.blockingUnaryCall(getChannel(), PUSH_GRADIENTS, getCallOptions(), request);
    }

    public ReportEpisodeResponse reportEpisode(ReportEpisodeRequest request) {
      return ClientCalls.blockingUnaryCall(getChannel(), REPORT_EPISODE, getCallOptions(), request);
    }

    public GetStatusResponse getStatus(GetStatusRequest request) {
      return ClientCalls.blockingUnaryCall(getChannel(), GET_STATUS, getCallOptions(), request);
    }
  }

  private static <Q extends Message, R extends Message> MethodDescriptor<Q, R> unary(
      String method, Q request, R response) {
    return MethodDescriptor.<Q, R>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, method))
        .setRequestMarshaller(new AliasingMarshaller<>(request))
        .setResponseMarshaller(new AliasingMarshaller<>(response))
        .setSchemaDescriptor(new Schema(method))
        .build();
  }

  /** Points server reflection at the descriptors protoc generated into {@link A3cProto}. */
  private static final class Schema
      implements ProtoFileDescriptorSupplier, ProtoServiceDescriptorSupplier, ProtoMethodDescriptorSupplier {
    private final String methodName;

    Schema(String methodName) {
      this.methodName = methodName;
    }

    @Override
    public Descriptors.FileDescriptor getFileDescriptor() {
      return A3cProto.getDescriptor();
    }

    @Override
    public Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("ParameterServer");
    }

    @Override
    public Descriptors.MethodDescriptor getMethodDescriptor() {
      return getServiceDescriptor().findMethodByName(methodName);
    }
  }
}
