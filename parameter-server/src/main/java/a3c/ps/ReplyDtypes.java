package a3c.ps;

import a3c.proto.DType;

/**
 * The dtype of the weights in a reply: the one the client asks for, or bfloat16 for every client
 * when the server's {@code --wire-dtype} says so, since any client reads both (each tensor names
 * its dtype).
 */
record ReplyDtypes(DType serverWire) {
  /** For a dtype the call was checked to name ({@link Replies#validDtype}). */
  DType forRequest(DType asked) {
    return asked == DType.DTYPE_BFLOAT16 ? asked : serverWire;
  }
}
