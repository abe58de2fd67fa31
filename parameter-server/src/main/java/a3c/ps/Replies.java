package a3c.ps;

import a3c.input.WorkerIds;
import a3c.proto.DType;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/** What the service's RPCs do alike: check the caller's worker id and dtype, answer, refuse. */
final class Replies {
  private Replies() {}

  static <T> void respond(StreamObserver<T> response, T value) {
    response.onNext(value);
    response.onCompleted();
  }

  /** Ends the call with {@code status} and a description that says what was refused and why. */
  static void reject(StreamObserver<?> response, Status status, String description) {
    response.onError(status.withDescription(description).asRuntimeException());
  }

  /** Whether the worker id is well-formed; refuses the call otherwise. */
  static boolean validWorker(String workerId, StreamObserver<?> response) {
    try {
      WorkerIds.require(workerId);
      return true;
    } catch (IllegalArgumentException e) {
      reject(response, Status.INVALID_ARGUMENT, e.getMessage());
      return false;
    }
  }

  /** Whether the server knows the dtype the caller wants the weights in; refuses the call otherwise. */
  static boolean validDtype(DType dtype, StreamObserver<?> response) {
    if (dtype == DType.UNRECOGNIZED) {
      reject(response, Status.INVALID_ARGUMENT, "unknown weights_dtype: this server sends float32 or bfloat16");
      return false;
    }
    return true;
  }

  /** A running mean for the wire, which has no NaN for "no episodes yet". */
  static double nanToZero(double value) {
    return Double.isNaN(value) ? 0 : value;
  }
}
