/** A secret named by the function's environment could not be read at start. */
export class SecretLoadError extends Error {
  override readonly name = "SecretLoadError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
