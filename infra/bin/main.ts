// CDK app: `npm run synth -w infra` (offline, no account) or `npx aws-cdk deploy` from infra/.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { bundleService, MlxbenchStack, readStackConfig } from "../src/index.js";

const app = new App({ outdir: process.env.CDK_OUTDIR ?? join(import.meta.dirname, "../cdk.out") });
const config = readStackConfig((key) => app.node.tryGetContext(key));
const bundle = bundleService({ outDir: mkdtempSync(join(tmpdir(), "mlxbench-service-")) });
const stackName = (app.node.tryGetContext("stackName") as string | undefined) ?? "Mlxbench";

// Environment-agnostic unless the CLI names an account: synth needs no AWS credentials.
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
new MlxbenchStack(app, stackName, {
  config,
  bundle,
  ...(account && region ? { env: { account, region } } : {}),
  description: "mlxbench: continuous benchmarking GitHub App (service, archive, secrets, alarms)",
});
const assembly = app.synth();
// The asset is copied into the assembly by now; the scratch bundle can go.
rmSync(bundle.dir, { recursive: true, force: true });
console.log(
  `synthesized ${stackName} to ${assembly.directory} (service bundle ${(bundle.bytes / 1e6).toFixed(1)} MB)`,
);
