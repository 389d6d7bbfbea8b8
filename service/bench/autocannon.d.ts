// autocannon ships no types; only what the load driver uses.
declare module "autocannon" {
  interface Histogram {
    average: number;
    p50: number;
    p99: number;
    total: number;
  }
  interface Result {
    requests: Histogram;
    latency: Histogram;
    errors: number;
    timeouts: number;
  }
  interface RequestSpec {
    method?: string;
    path?: string;
    setupRequest?: (req: Record<string, unknown>, context: never) => Record<string, unknown>;
    onResponse?: (status: number, body: string, context: never) => void;
  }
  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    requests?: RequestSpec[];
  }
  export default function autocannon(options: Options): Promise<Result>;
}
