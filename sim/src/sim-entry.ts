// The reference cluster as one prebuilt JavaScript file, for the tests and demos that start it as
// a child process again and again. `node --import tsx sim/src/main.ts` compiles the sim and the
// proto workspace at every start (2.7 s on a quiet 2-core machine, ~11 s at load 16); the bundle
// starts in about half that. It is rebuilt once per process (~0.2 s), so it never runs stale code.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";

const SIM_DIR = fileURLToPath(new URL("..", import.meta.url));
const PROTO_PACKAGE_DIR = fileURLToPath(new URL("../../proto", import.meta.url));
/**
 * Inside the repository, so the bundle's external packages resolve from its node_modules, and two
 * folders below dist/: proto's load-protos.ts finds its .proto files at `../../protos/` from its
 * own module, which after bundling is this file (the service's Lambda bundle does the same).
 */
const DIST = join(SIM_DIR, "dist");
const BUNDLE = join(DIST, "bundle", "sim", "main.mjs");

/** The npm packages of the sim and the proto workspace: loaded from node_modules, not bundled. */
function externalPackages(): string[] {
  const deps = (dir: string): string[] => {
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
    };
    return Object.keys(pkg.dependencies ?? {});
  };
  return [...new Set([...deps(SIM_DIR), ...deps(PROTO_PACKAGE_DIR)])].filter(
    (name) => !name.startsWith("@mlxbench/"),
  );
}

let built: string | undefined;

/** Written under a temporary name and renamed: a sim starting meanwhile reads a whole file. */
function writeWhole(path: string, data: Uint8Array): void {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/**
 * Bundles sim/src/main.ts (with the workspaces it imports) into sim/dist/bundle/sim/main.mjs once per process
 * (the .proto files beside it) and returns its path: `node <path> --devices 3 …` starts the
 * reference cluster.
 */
export function simBundlePath(): string {
  if (built) return built;
  const result = buildSync({
    entryPoints: [join(SIM_DIR, "src", "main.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: externalPackages(),
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]?.contents;
  if (!code) throw new Error("esbuild wrote no bundle of sim/src/main.ts");
  mkdirSync(dirname(BUNDLE), { recursive: true });
  const protosOut = join(DIST, "protos");
  mkdirSync(protosOut, { recursive: true });
  const protosIn = join(PROTO_PACKAGE_DIR, "protos");
  for (const name of readdirSync(protosIn).filter((n) => n.endsWith(".proto")))
    writeWhole(join(protosOut, name), readFileSync(join(protosIn, name)));
  writeWhole(BUNDLE, code);
  built = BUNDLE;
  return built;
}
