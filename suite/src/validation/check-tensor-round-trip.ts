import { DTYPES, decodeTensor, encodeTensor } from "@mlxbench/proto";
import type { DeviceProbe } from "../results/index.js";
import { makeTensor, tensorsIdentical } from "../tensor-fixtures.js";
import type { CheckOutcome } from "./record-check.js";

/** Every dtype exact through the local codec, then through each device that offers TensorService. */
export function checkTensorRoundTrip(probes: readonly DeviceProbe[]): CheckOutcome {
  const local = DTYPES.filter((dtype) => {
    const t = makeTensor(dtype, 4096, 3);
    return !tensorsIdentical(t, decodeTensor(encodeTensor(t)));
  });
  if (local.length)
    return { status: "FAIL", message: `local codec round trip changed ${local.join(", ")}` };
  const tried = probes.filter((p) => p.tensorRoundTrip !== "not available");
  if (tried.length === 0) {
    return {
      status: "SKIPPED",
      message:
        "codec round trip exact for every dtype; no device offers TensorService, so no cluster round trip",
    };
  }
  const bad = tried.filter((p) => p.tensorRoundTrip !== "exact");
  return bad.length
    ? {
        status: "FAIL",
        message: `tensor round trip failed on ${bad.map((p) => `${p.deviceId}: ${p.tensorRoundTrip}`).join("; ")}`,
      }
    : {
        status: "PASS",
        message: `${DTYPES.length} dtypes exact through the codec; SendTensor/GetTensor exact on ${tried.length} devices`,
      };
}
