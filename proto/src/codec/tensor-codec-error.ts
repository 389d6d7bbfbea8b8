/** A tensor that cannot be encoded or decoded; the message names what was wrong. */
export class TensorCodecError extends Error {
  override name = "TensorCodecError";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
