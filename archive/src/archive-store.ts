/** A stored object as read back. */
export interface StoredObject {
  body: Buffer;
  contentType: string;
}

/**
 * Where the archive lives: S3 or a local directory with the same keys. Keys are `/`-separated
 * and never start with `/`.
 */
export interface ArchiveStore {
  /** Human-readable location for logs and errors, e.g. `s3://bucket` or a directory. */
  readonly location: string;
  /**
   * `tags` become S3 object tags (the bucket's lifecycle rules select on them, e.g. PR runs
   * expire); a store without tags (the local directory) ignores them.
   */
  put(
    key: string,
    body: Uint8Array | string,
    contentType: string,
    tags?: Readonly<Record<string, string>>,
  ): Promise<void>;
  /** null when the key does not exist. */
  get(key: string): Promise<StoredObject | null>;
  /** Every key under `prefix`, in lexicographic order (S3's order). */
  list(prefix: string, options?: ListOptions): Promise<string[]>;
}

export interface ListOptions {
  /** Stop after this many keys. */
  limit?: number;
  /** Only keys after this one (exclusive), like S3's StartAfter. */
  startAfter?: string;
}

/** A store operation failed (network, permissions, a full disk). */
export class ArchiveStoreError extends Error {
  override readonly name = "ArchiveStoreError";
  constructor(
    message: string,
    readonly key: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Rejects keys that could escape a directory or confuse S3 listings. */
export function checkKey(key: string): string {
  if (
    key.length === 0 ||
    key.length > 1024 ||
    key.startsWith("/") ||
    key.split("/").some((part) => part === "" || part === "." || part === "..") ||
    key.includes("\\") ||
    key.includes("\0")
  ) {
    throw new ArchiveStoreError(`invalid archive key ${JSON.stringify(key)}`, key);
  }
  return key;
}
