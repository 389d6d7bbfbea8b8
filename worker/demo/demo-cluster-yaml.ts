// The demo repository's `.mlxbench.yml`: the reference cluster started by the commit, with the
// tiny iteration counts of the pipeline's tests and six A/B pairs for a close call, so a whole flow
// of pushes and pull requests finishes in minutes on a laptop. Fewer pairs cannot decide: with two,
// a 1.3× slower PR's tpot (+30 % [+20, +40]) was still called unchanged and the PR passed.
import { simConfigYaml, simPorts } from "../src/pipeline/test-support.js";

/** A/B pairs a close call runs in the demo (the product sizes them from noise, at most `confirmation.max_pairs`, 20 by default). */
export const DEMO_PAIRS = 6;

export async function demoClusterYaml(o: { slowdown: number }): Promise<string> {
  if (!(o.slowdown >= 1)) throw new RangeError(`slowdown must be ≥ 1, got ${o.slowdown}`);
  return simConfigYaml({
    ...(await simPorts()),
    slowdown: o.slowdown,
    extraYaml: `confirmation:\n  pairs: ${DEMO_PAIRS}\n  max_pairs: ${DEMO_PAIRS}\n`,
  });
}
