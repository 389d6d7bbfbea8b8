// Prints the workspace arrows and any import cycles: npx tsx checks/src/print-graph.ts
import { fileURLToPath } from "node:url";
import { buildImportGraph, findCycles, workspaceArrows } from "./import-graph.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const graph = buildImportGraph(root);
for (const [from, to] of workspaceArrows(graph)) {
  process.stdout.write(`${from.padEnd(8)} → ${[...to].sort().join(", ") || "(nothing)"}\n`);
}
const cycles = findCycles(graph.files, graph.edges);
process.stdout.write(
  `${graph.files.length} files, ${graph.edges.length} imports, ${cycles.length} cycles\n`,
);
for (const c of cycles) process.stdout.write(`cycle: ${c.join(" ↔ ")}\n`);
