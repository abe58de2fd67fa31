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
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.ProtoFileDescriptorSupplier;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import io.grpc.stub.AbstractBlockingStub;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

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
  }

  public static ServerServiceDefinition bindService(AsyncService service) {
    return ServerServiceDefinition.builder(SERVICE)
        .addMethod(REGISTER, ServerCalls.asyncUnaryCall(service::register))
        .addMethod(INITIALIZE_WEIGHTS, ServerCalls.asyncUnaryCall(service::initializeWeights))
        .addMethod(PULL_WEIGHTS, ServerCalls.asyncUnaryCall(service::pullWeights))
        .addMethod(PUSH_GRADIENTS, ServerCalls.asyncUnaryCall(service::pushGradients))
        .addMethod(REPORT_EPISODE, ServerCalls.asyncUnaryCall(service::reportEpisode))
        .addMethod(GET_STATUS, ServerCalls.asyncUnaryCall(service::getStatus))
        .build();
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
