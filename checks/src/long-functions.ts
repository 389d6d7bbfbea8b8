// Functions too long to read in one sitting: every function, method and arrow function whose body
// spans more than the limit, measured on the syntax tree so comments and strings cannot fool it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

export interface LongFunction {
  file: string;
  /** The function's name, or "(anonymous)" with its first line for arrows and callbacks. */
  name: string;
  line: number;
  lines: number;
}

function nameOf(node: ts.SignatureDeclaration, sf: ts.SourceFile): string {
  if (node.name) return node.name.getText(sf);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent))
    return parent.name.getText(sf);
  return "(anonymous)";
}

/** Every function-like node in `text` whose body is longer than `maxLines` lines. */
export function findLongFunctionsIn(file: string, text: string, maxLines: number): LongFunction[] {
  const kind = file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const out: LongFunction[] = [];
  const visit = (node: ts.Node): void => {
    // Signatures (interfaces, overloads, declared functions) have no body and are skipped.
    const body = ts.isFunctionLike(node) ? (node as { body?: ts.Node }).body : undefined;
    if (ts.isFunctionLike(node) && body !== undefined) {
      const fn = node;
      const start = sf.getLineAndCharacterOfPosition(body.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(body.getEnd()).line;
      const lines = end - start + 1;
      if (lines > maxLines) out.push({ file, name: nameOf(fn, sf), line: start + 1, lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The long functions of `files` (paths relative to `root`). */
export function findLongFunctions(
  root: string,
  files: readonly string[],
  maxLines: number,
): LongFunction[] {
  return files.flatMap((f) =>
    findLongFunctionsIn(f, readFileSync(join(root, f), "utf8"), maxLines),
  );
}
