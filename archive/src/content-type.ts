const BY_EXTENSION: Record<string, string> = {
  json: "application/json",
  md: "text/markdown; charset=utf-8",
  png: "image/png",
  log: "text/plain; charset=utf-8",
  txt: "text/plain; charset=utf-8",
  html: "text/html; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  svg: "image/svg+xml",
};

/** The archive's content type of a file, by extension (docs/archive-layout.md). */
export function contentTypeFor(path: string): string {
  const dot = path.lastIndexOf(".");
  const ext = dot >= 0 ? path.slice(dot + 1).toLowerCase() : "";
  return BY_EXTENSION[ext] ?? "application/octet-stream";
}
