import { resolve } from "node:path";
import {
  createLocalArchiveStore,
  createS3ArchiveStore,
  createS3Client,
  type ArchiveStore,
} from "@mlxbench/archive";

export /** --archive-dir, else the worker's variables: ARCHIVE_BUCKET (S3), else ARCHIVE_DIR (default ./archive). */
function openArchive(
  archiveDir: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string,
): { store: ArchiveStore; location: string; close(): void } {
  if (archiveDir !== undefined || !env.ARCHIVE_BUCKET) {
    const dir = resolve(cwd, archiveDir ?? env.ARCHIVE_DIR ?? "./archive");
    return { store: createLocalArchiveStore(dir), location: dir, close: () => undefined };
  }
  const credentials =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY }
      : undefined;
  const forcePathStyle = env.S3_FORCE_PATH_STYLE;
  const client = createS3Client({
    region: env.S3_REGION ?? "us-east-1",
    ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}),
    ...(forcePathStyle ? { forcePathStyle: ["true", "1", "yes"].includes(forcePathStyle) } : {}),
    ...(credentials ? { credentials } : {}),
  });
  const store = createS3ArchiveStore({
    client,
    bucket: env.ARCHIVE_BUCKET,
    ...(env.ARCHIVE_PREFIX ? { prefix: env.ARCHIVE_PREFIX } : {}),
  });
  return { store, location: store.location, close: () => client.destroy() };
}
