// Load generator (its own process): signed pull_request deliveries, each with a fresh delivery id.
import { randomBytes, randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import autocannon from "autocannon";
import { loadExample, setPath } from "../src/testing/index.js";
import { signPayload } from "../src/webhooks/index.js";

const [
  url = "",
  seconds = "10",
  connections = "10",
  secret = "",
  pool = "1000",
  outFile = "",
  firstPr = "1",
] = process.argv.slice(2);
const template = loadExample("pull_request", "opened");
setPath(template, "pull_request.draft", false);
const accepted: string[] = [];
const sent: string[] = [];
const statuses: Record<string, number> = {};
// Each run numbers its PRs from `firstPr`, so runs never supersede each other's jobs.
let counter = Number(firstPr) - 1;

interface Ctx {
  deliveryId?: string;
}

const result = await autocannon({
  url,
  connections: Number(connections),
  duration: Number(seconds),
  requests: [
    {
      method: "POST",
      path: "/webhooks/github",
      setupRequest: (req: Record<string, unknown>, context: Ctx) => {
        const i = counter++;
        const k = i % Number(pool);
        const deliveryId = randomUUID();
        setPath(template, "installation.id", k + 1);
        setPath(template, "repository.full_name", `bench/repo-${k}`);
        setPath(template, "repository.name", `repo-${k}`);
        setPath(template, "repository.owner.login", "bench");
        setPath(template, "number", i + 1);
        setPath(template, "pull_request.number", i + 1);
        setPath(template, "pull_request.head.sha", randomBytes(20).toString("hex"));
        setPath(template, "pull_request.head.repo.full_name", `bench/repo-${k}`);
        setPath(template, "pull_request.base.repo.full_name", `bench/repo-${k}`);
        const body = JSON.stringify(template);
        context.deliveryId = deliveryId;
        sent.push(deliveryId);
        return {
          ...req,
          body,
          headers: {
            "content-type": "application/json",
            "x-github-event": "pull_request",
            "x-github-delivery": deliveryId,
            "x-hub-signature-256": signPayload(body, secret),
          },
        };
      },
      onResponse: (status: number, _body: string, context: Ctx) => {
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status === 202 && context.deliveryId !== undefined) accepted.push(context.deliveryId);
      },
    },
  ],
});

if (outFile !== "") writeFileSync(outFile, JSON.stringify({ accepted, sent }));
console.log(
  `DRIVE ${JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    statuses,
    accepted: accepted.length,
    seconds: Number(seconds),
  })}`,
);
