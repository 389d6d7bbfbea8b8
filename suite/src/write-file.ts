import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** Writes a file, creating its folder; returns the path so callers can list what they wrote. */
export async function writeOutputFile(path: string, content: string | Uint8Array): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
  return path;
}

export async function writeJsonFile(path: string, value: unknown): Promise<string> {
  return writeOutputFile(path, `${JSON.stringify(value, null, 2)}\n`);
}
