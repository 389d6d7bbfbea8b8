/** Input a history import cannot use (a file that is not a data.js, a bad option value); nothing was written. */
export class HistoryImportError extends Error {
  override readonly name = "HistoryImportError";
}
