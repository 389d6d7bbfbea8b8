import { startReferenceCluster, type ReferenceCluster } from "@mlxbench/sim";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assessReadiness, judgeGrpcOverhead } from "../assess-readiness.js";
import { silentProgress, systemClock } from "../deps.js";
import { grpcFigure } from "../report/markdown/executive-summary.js";
import type { CommunicationResult } from "../results/index.js";
import { measureRoundTrips } from "./measure-round-trips.js";
import { runCommunication } from "./run-communication.js";
import {
  startGrpcReferenceServer,
  type GrpcReferenceServer,
} from "./start-grpc-reference-server.js";

// Real sockets: the reference cluster and a bare grpc-js server in its own process. No verdict here
// rests on how fast this machine is: the bad case is a modelled delay far above any loopback call,
// the healthy case is asserted on what was measured, not on its speed (the line itself is tested
// with recorded samples in assess-readiness.test.ts).
const now = (): number => performance.now();
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

describe("gRPC judged against a bare grpc-js server measured in the same run", () => {
  let cluster: ReferenceCluster;
  let reference: GrpcReferenceServer;

  beforeAll(async () => {
    [cluster, reference] = await Promise.all([
      startReferenceCluster({ devices: 3, seed: 5 }),
      startGrpcReferenceServer(),
    ]);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([cluster?.stop(), reference?.stop()]);
  });

  it("measures the same call against the reference, sample by sample beside the cluster's", async () => {
    const rt = await measureRoundTrips("mini1", cluster.grpcTarget, 12, now, {}, reference.target);
    expect(rt.rpc).toBe("TensorService.HealthCheck");
    expect(rt.reference?.target).toBe(reference.target);
    expect(rt.reference?.target).not.toBe(cluster.grpcTarget);
    for (const xs of [rt.unaryRttMs, rt.rawRttMs, rt.reference?.unaryRttMs ?? []]) {
      expect(xs).toHaveLength(12);
      for (const x of xs) expect(x).toBeGreaterThan(0);
    }
    expect(rt.reference?.rawRttMs).toHaveLength(12);
    // The healthy cluster is judged against the reference (whatever the verdict on this machine),
    // and the executive summary shows that comparison, not the loopback percentage.
    expect(judgeGrpcOverhead(rt).line).toMatch(/× the .* ms a bare grpc-js server adds/);
    expect(grpcFigure(rt)[1]).toMatch(/^[\d.]+ ms \/ [\d.]+ ms \([\d.]+×\)$/);
    expect(grpcFigure({ ...rt, reference: undefined } as never)[0]).toBe(
      "gRPC overhead over raw TCP",
    );
  });

  it("fails a cluster whose gRPC handlers are held 25 ms a call", async () => {
    cluster.faults.grpcDelayMs = 25;
    try {
      const rt = await measureRoundTrips("mini1", cluster.grpcTarget, 6, now, {}, reference.target);
      // A timer never fires early: the cluster's added time is at least the delay on any machine.
      expect(median(rt.unaryRttMs) - median(rt.rawRttMs)).toBeGreaterThan(24);
      const judged = judgeGrpcOverhead(rt);
      expect(judged.ok).toBe(false);
      expect(judged.line).toMatch(/above 1\.5×: the cluster's gRPC path costs more per call/);
      const r = assessReadiness({
        unreachable: null,
        validation: null,
        comprehensive: null,
        performance: null,
        communication: { roundTrips: [rt] } as unknown as CommunicationResult,
        components: [],
        minSuccessRate: 0.95,
        measurementWarnings: [],
        judged: new Set(["communication"]),
      });
      expect(r.verdict).toBe("READY_WITH_CAUTION");
      expect(r.warnings.join("\n")).toMatch(/gRPC adds \d+(\.\d+)? ms per call, \d+\.\d+× the/);
    } finally {
      cluster.faults.grpcDelayMs = 0;
    }
  });

  it("runCommunication starts its own reference for a loopback cluster, and none when told not to", async () => {
    const deps = {
      clock: systemClock,
      logger: pino({ level: "silent" }),
      progress: silentProgress,
    };
    const opts = {
      server: cluster.grpcTarget,
      apiUrl: cluster.apiUrl,
      iterations: 2,
      transferSizes: [1024],
      quick: true,
    };
    const withRef = await runCommunication(opts, deps);
    expect(withRef.errors).toEqual([]);
    expect(withRef.roundTrips.map((r) => r.deviceId)).toEqual(["mini1", "mini2", "master"]);
    const refTargets = new Set(withRef.roundTrips.map((r) => r.reference?.target));
    expect(refTargets.size).toBe(1);
    expect([...refTargets][0]).toMatch(/^127\.0\.0\.1:\d+$/);
    for (const r of withRef.roundTrips) expect(r.reference?.unaryRttMs.length).toBe(50);

    const without = await runCommunication({ ...opts, grpcReference: false }, deps);
    expect(without.roundTrips.every((r) => r.reference === undefined)).toBe(true);
    expect(judgeGrpcOverhead(without.roundTrips[0] as never).line).toMatch(
      /no bare gRPC reference measured/,
    );
  }, 90_000);
});
