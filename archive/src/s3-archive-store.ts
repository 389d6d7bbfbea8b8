import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import {
  ArchiveStoreError,
  checkKey,
  type ArchiveStore,
  type ListOptions,
} from "./archive-store.js";

export interface S3ClientOptions {
  region?: string;
  /** A non-AWS endpoint (s3rver, Ceph, R2, …); implies the options below unless set. */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Send/validate checksums only when an operation requires them (S3-compatible servers reject the default CRC32). */
  checksumsWhenRequired?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** The SDK's own attempts per call (default 3). */
  maxAttempts?: number;
}

/** An S3 client suited to AWS or, with `endpoint`, to an S3-compatible server. */
export function createS3Client(options: S3ClientOptions = {}): S3Client {
  const custom = options.endpoint !== undefined;
  const whenRequired = options.checksumsWhenRequired ?? custom;
  const config: S3ClientConfig = {
    region: options.region ?? "us-east-1",
    forcePathStyle: options.forcePathStyle ?? custom,
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    ...(whenRequired
      ? { requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" }
      : {}),
  };
  return new S3Client(config);
}

/** The archive in an S3 bucket, under an optional key prefix. */
export function createS3ArchiveStore(opts: {
  client: S3Client;
  bucket: string;
  prefix?: string;
}): ArchiveStore {
  const { client, bucket } = opts;
  const root = opts.prefix ? `${opts.prefix.replace(/\/+$/, "")}/` : "";
  const fail = (verb: string, key: string, err: unknown): ArchiveStoreError =>
    new ArchiveStoreError(`cannot ${verb} s3://${bucket}/${root}${key}: ${describe(err)}`, key, {
      cause: err,
    });
  return {
    location: `s3://${bucket}${root ? `/${root}` : ""}`,
    async put(key, body, contentType, tags) {
      const tagging = tags ? encodeTagging(tags) : "";
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: root + checkKey(key),
            Body: typeof body === "string" ? Buffer.from(body, "utf8") : body,
            ContentType: contentType,
            ...(tagging ? { Tagging: tagging } : {}),
          }),
        );
      } catch (err) {
        throw fail("put", key, err);
      }
    },
    async get(key) {
      try {
        const out = await client.send(
          new GetObjectCommand({ Bucket: bucket, Key: root + checkKey(key) }),
        );
        const bytes = out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
        return {
          body: Buffer.from(bytes),
          contentType: out.ContentType ?? "application/octet-stream",
        };
      } catch (err) {
        if (
          err instanceof NoSuchKey ||
          (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404)
        ) {
          return null;
        }
        throw fail("get", key, err);
      }
    },
    async list(prefix, options: ListOptions = {}) {
      const keys: string[] = [];
      let token: string | undefined;
      try {
        do {
          const out = await client.send(
            new ListObjectsV2Command({
              Bucket: bucket,
              Prefix: root + prefix,
              ...(token ? { ContinuationToken: token } : {}),
              ...(!token && options.startAfter !== undefined
                ? { StartAfter: root + options.startAfter }
                : {}),
              ...(options.limit !== undefined
                ? { MaxKeys: Math.min(1000, options.limit - keys.length) }
                : {}),
            }),
          );
          for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key.slice(root.length));
          token = out.IsTruncated ? out.NextContinuationToken : undefined;
        } while (token && (options.limit === undefined || keys.length < options.limit));
      } catch (err) {
        throw fail("list", prefix, err);
      }
      return options.limit === undefined ? keys : keys.slice(0, options.limit);
    },
  };
}

/** S3's `x-amz-tagging` form: URL query parameters, each key and value percent-encoded. */
export function encodeTagging(tags: Readonly<Record<string, string>>): string {
  return Object.entries(tags)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
