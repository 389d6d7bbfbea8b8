/** Options a caller passed that cannot describe a measurement; names the field at fault. */
export class InvalidMeasureOptionsError extends Error {
  override readonly name = "InvalidMeasureOptionsError";
  constructor(
    readonly field: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}: ${problem}`, options);
  }
}
