// The demo repository's `.mlxbench.yml`: the reference cluster started by the commit, with the
// tiny iteration counts of the pipeline's tests and at most two A/B pairs, so a whole flow of
// pushes and pull requests finishes in minutes on a laptop.
import { simConfigYaml, simPorts } from "../src/pipeline/test-support.js";

/** Most A/B pairs a close call may run in the demo (the product's default is 12). */
export const DEMO_MAX_PAIRS = 2;

export async function demoClusterYaml(o: { slowdown: number }): Promise<string> {
  if (!(o.slowdown >= 1)) throw new RangeError(`slowdown must be ≥ 1, got ${o.slowdown}`);
  return simConfigYaml({
    ...(await simPorts()),
    slowdown: o.slowdown,
    extraYaml: `confirmation:\n  max_pairs: ${DEMO_MAX_PAIRS}\n`,
  });
}
