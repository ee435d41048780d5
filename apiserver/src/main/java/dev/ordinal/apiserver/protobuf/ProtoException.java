package dev.ordinal.apiserver.protobuf;

/** A protobuf body that cannot be read. */
public final class ProtoException extends RuntimeException {
  public ProtoException(String message) {
    super(message);
  }
}
