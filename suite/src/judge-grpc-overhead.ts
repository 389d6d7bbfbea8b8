import { computeMedian } from "@mlxbench/verdict/stats";
import { THRESHOLDS } from "./readiness-thresholds.js";

/**
 * gRPC's overhead over raw TCP. On a fast link (raw round trip under 0.2 ms, e.g. loopback) a
 * fixed cost of HTTP/2 framing is hundreds of percent of almost nothing, so the time added per call
 * is judged: against a bare grpc-js server measured beside the cluster when there is one (at most
 * 1.5× what it adds), else against a fixed 1 ms. On a real network by the seed's percentage (< 25 %).
 */
export function judgeGrpcOverhead(rt: {
  overheadPct: number;
  category: string;
  unaryRttMs: readonly number[];
  rawRttMs: readonly number[];
  /** host:port measured; a loopback address is judged as loopback however slow a loaded machine made it. */
  target?: string;
  /** The same call and PING to a bare grpc-js server on loopback, in the same run. */
  reference?: { unaryRttMs: readonly number[]; rawRttMs: readonly number[] };
}): { ok: boolean; line: string } {
  const unary = computeMedian([...rt.unaryRttMs]);
  const raw = computeMedian([...rt.rawRttMs]);
  const measured = `unary ${fmt(unary)} ms vs raw TCP ${fmt(raw)} ms`;
  const onLoopback = rt.target !== undefined && isLoopbackTarget(rt.target);
  if (unary !== null && raw !== null && (onLoopback || raw < THRESHOLDS.fastLinkRawRttMs)) {
    const added = unary - raw;
    const why = onLoopback
      ? `${rt.target ?? ""} is loopback`
      : `a raw round trip under ${THRESHOLDS.fastLinkRawRttMs} ms is loopback-fast`;
    const refUnary = rt.reference ? computeMedian([...rt.reference.unaryRttMs]) : null;
    const refRaw = rt.reference ? computeMedian([...rt.reference.rawRttMs]) : null;
    if (refUnary !== null && refRaw !== null && refUnary - refRaw > 0) {
      const refAdded = refUnary - refRaw;
      const ratio = added / refAdded;
      const limit = THRESHOLDS.grpcAddedVsReference;
      const line = `gRPC adds ${fmt(added)} ms per call, ${ratio.toFixed(2)}× the ${fmt(refAdded)} ms a bare grpc-js server adds on this machine (${measured}; the bare server: unary ${fmt(refUnary)} ms vs raw TCP ${fmt(refRaw)} ms, measured between the cluster's calls; ${why})`;
      return ratio <= limit
        ? { ok: true, line: `${line} ≤ ${limit}×` }
        : {
            ok: false,
            line: `${line}, above ${limit}×: the cluster's gRPC path costs more per call than gRPC itself`,
          };
    }
    const line = `gRPC adds ${fmt(added)} ms per call (${measured}; ${why}, so the added time is judged, not the ${rt.overheadPct.toFixed(0)} %; no bare gRPC reference measured, so against a fixed bound)`;
    return added < THRESHOLDS.grpcAddedMsPerCall
      ? { ok: true, line: `${line} < ${THRESHOLDS.grpcAddedMsPerCall} ms` }
      : { ok: false, line: `${line}, not below ${THRESHOLDS.grpcAddedMsPerCall} ms` };
  }
  const line = `gRPC overhead ${rt.overheadPct.toFixed(0)} % (${rt.category}; ${measured})`;
  return rt.overheadPct < THRESHOLDS.grpcOverheadPct
    ? { ok: true, line: `${line} < ${THRESHOLDS.grpcOverheadPct} %` }
    : { ok: false, line: `${line}, not below ${THRESHOLDS.grpcOverheadPct} %` };
}

/** 127.0.0.0/8, ::1 or localhost: no network between client and server. */
export function isLoopbackTarget(target: string): boolean {
  const host = target
    .replace(/:\d+$/, "")
    .replace(/^\[(.*)\]$/, "$1")
    .toLowerCase();
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** A median for a readiness line: "n/a", or 3 significant figures at most. */
export function fmt(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return "n/a";
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(2);
}
