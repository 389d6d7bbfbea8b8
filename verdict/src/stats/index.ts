export { adjustHolm } from "./adjust-holm.js";
export {
  bootstrapLogRatioOfMedians,
  type BootstrapInterval,
  type BootstrapOptions,
} from "./bootstrap-log-ratio.js";
export { detectChangePoints, type ChangePointOptions } from "./detect-change-points.js";
export { incompleteBeta, normalCdf, studentTQuantile, studentTTwoSidedP } from "./distributions.js";
export { estimateRunNoise, type RunNoise } from "./estimate-run-noise.js";
export { testMannWhitney, type MannWhitneyResult } from "./mann-whitney.js";
export { computeMean, computeMedian, computeStdDev, medianOfSorted } from "./median.js";
export { computeHodgesLehmann } from "./hodges-lehmann.js";
export { createRng, deriveSeed, drawIndex, drawNormal, type Rng } from "./rng.js";
export {
  NOISE_SHAPES,
  simulateSamples,
  type NoiseShape,
  type SampleSpec,
} from "./simulate-samples.js";
export { estimateScreenNoise, type ScreenNoise } from "./estimate-screen-noise.js";
export {
  MIN_SPIKE_TRIM_PAIRS,
  MIN_TRIM_PAIRS,
  SPIKE_ROBUST_SDS,
  PairedInputError,
  testPairedLogRatio,
  type PairedLogRatio,
  type ValuePair,
} from "./test-paired-log-ratio.js";
