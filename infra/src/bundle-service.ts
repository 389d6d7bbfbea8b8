import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";

/** The repository root, from this file's place in it (infra/src/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The Lambda entry that loads secrets, then the service's own handler. */
export const LAMBDA_ENTRY = join(REPO_ROOT, "infra/src/lambda/entry.ts");

/**
 * Where the bundle sits inside the asset. Two folders deep on purpose: proto's load-protos.ts
 * finds its .proto files at `../../protos/` from its own module, which after bundling is this file.
 */
export const BUNDLE_FILE = "app/service/index.mjs";
export const PROTO_FOLDER = "protos";

/**
 * The archive pages draw charts with @napi-rs/canvas (Skia). Lambda runs linux-x64 with glibc,
 * the platform package npm installs on this kind of machine; the pages load it only when a chart
 * is asked for, so a bundle made where it is missing still serves everything else.
 */
export const NATIVE_PACKAGES = ["@napi-rs/canvas", "@napi-rs/canvas-linux-x64-gnu"] as const;

function copyNativePackages(outDir: string): void {
  for (const name of NATIVE_PACKAGES) {
    const from = join(REPO_ROOT, "node_modules", name);
    if (existsSync(from)) cpSync(from, join(outDir, "node_modules", name), { recursive: true });
  }
}

export interface ServiceBundle {
  /** Folder to hand to `lambda.Code.fromAsset`. */
  dir: string;
  /** Lambda `handler` setting for the bundle. */
  handler: string;
  /** Sizes in bytes of what was written, for the report of a synth. */
  bytes: number;
}

export interface BundleOptions {
  outDir: string;
  entry?: string;
  protoDir?: string;
  minify?: boolean;
}

/**
 * Bundles the service for Lambda with the local esbuild (no Docker): one ESM file, since the
 * service's entry awaits at top level, plus the .proto files the contracts load at run time.
 */
export function bundleService(opts: BundleOptions): ServiceBundle {
  const outfile = join(opts.outDir, BUNDLE_FILE);
  const result = buildSync({
    entryPoints: [opts.entry ?? LAMBDA_ENTRY],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    minify: opts.minify ?? true,
    sourcemap: true,
    sourcesContent: false,
    metafile: true,
    logLevel: "error",
    legalComments: "none",
    // A native addon cannot be bundled: it is loaded from node_modules beside the bundle.
    external: [...NATIVE_PACKAGES],
    // CommonJS dependencies call require() for Node built-ins; ESM output has no require of its own.
    banner: {
      js: "import { createRequire as __mlxbenchCreateRequire } from 'node:module'; const require = __mlxbenchCreateRequire(import.meta.url);",
    },
  });
  const protoSrc = opts.protoDir ?? join(REPO_ROOT, "proto/protos");
  const protoOut = join(opts.outDir, PROTO_FOLDER);
  mkdirSync(protoOut, { recursive: true });
  for (const name of readdirSync(protoSrc).filter((n) => n.endsWith(".proto"))) {
    copyFileSync(join(protoSrc, name), join(protoOut, name));
  }
  copyNativePackages(opts.outDir);
  const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
  const handlerModule = relative(opts.outDir, outfile).replace(/\.mjs$/, "");
  return { dir: opts.outDir, handler: `${handlerModule}.handler`, bytes };
}
