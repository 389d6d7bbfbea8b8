import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLE_FILE, bundleService, type ServiceBundle } from "./bundle-service.js";
import { ARCHIVE_PREFIX, MlxbenchStack, PR_RUN_TAG } from "./mlxbench-stack.js";
import { readStackConfig } from "./stack-config.js";

// One bundle and one synth for the whole file: both take seconds.
let outDir: string;
let bundle: ServiceBundle;
let template: Template;

beforeAll(() => {
  outDir = mkdtempSync(join(tmpdir(), "mlxbench-infra-test-"));
  bundle = bundleService({ outDir: join(outDir, "bundle") });
  const app = new App({
    outdir: join(outDir, "cdk.out"),
    context: {
      prRunExpirationDays: "21",
      alarmEmail: "ops@example.com",
      githubOAuthClientId: "Iv23liTEST",
    },
  });
  const config = readStackConfig((key) => app.node.tryGetContext(key));
  template = Template.fromStack(new MlxbenchStack(app, "Test", { config, bundle }));
}, 120_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe("archive bucket", () => {
  it("is encrypted, private and refuses plain HTTP", () => {
    template.hasResourceProperties("AWS::S3::Bucket", {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    template.hasResourceProperties("AWS::S3::BucketPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Deny",
            Action: "s3:*",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          }),
        ]),
      },
    });
    template.hasResource("AWS::S3::Bucket", { DeletionPolicy: "Retain" });
  });

  it("aborts incomplete uploads and expires only tagged pull-request runs, after the configured days", () => {
    const buckets = template.findResources("AWS::S3::Bucket");
    const rules = (
      Object.values(buckets)[0]?.Properties as {
        LifecycleConfiguration: { Rules: Record<string, unknown>[] };
      }
    ).LifecycleConfiguration.Rules;
    expect(rules).toEqual([
      {
        Id: "abort-incomplete-uploads",
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 3 },
        Status: "Enabled",
      },
      {
        Id: "expire-pull-request-runs",
        ExpirationInDays: 21,
        Prefix: ARCHIVE_PREFIX,
        TagFilters: [{ Key: PR_RUN_TAG.key, Value: PR_RUN_TAG.value }],
        Status: "Enabled",
      },
    ]);
  });
});

describe("service function", () => {
  it("routes runs to runner pools only when the stack lists runnerPools", () => {
    const serviceEnv = (t: Template) =>
      (
        Object.values(t.findResources("AWS::Lambda::Function"))[0]?.Properties as {
          Environment: { Variables: Record<string, unknown> };
        }
      ).Environment.Variables;
    expect(serviceEnv(template)).not.toHaveProperty("RUNNER_POOLS");
    const app = new App({
      outdir: join(outDir, "cdk.out.pools"),
      context: { runnerPools: "m2-ultra-3x,m4-max-2x" },
    });
    const config = readStackConfig((key) => app.node.tryGetContext(key));
    const pooled = Template.fromStack(new MlxbenchStack(app, "Pools", { config, bundle }));
    expect(serviceEnv(pooled).RUNNER_POOLS).toBe("true");
  });

  it("runs Node 22 (a supported Lambda runtime) from the local bundle behind an unauthenticated Function URL", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      Runtime: "nodejs22.x",
      Handler: bundle.handler,
    });
    template.hasResourceProperties("AWS::Lambda::Url", { AuthType: "NONE" });
    expect(bundle.handler).toBe("app/service/index.handler");
  });

  it("gets each secret's ARN, never its value, and may read the secrets", () => {
    const secrets = Object.keys(template.findResources("AWS::SecretsManager::Secret")).sort();
    const names = [
      "WEBHOOK_SECRET",
      "GITHUB_PRIVATE_KEY",
      "REDIS_URL",
      "REPORTS_SECRET",
      "GITHUB_OAUTH_CLIENT_SECRET",
    ];
    expect(secrets).toHaveLength(names.length);
    const fn = Object.values(template.findResources("AWS::Lambda::Function"))[0];
    const env = (fn?.Properties as { Environment: { Variables: Record<string, unknown> } })
      .Environment.Variables;
    const secretRefs = names.map((name) => env[`MLXBENCH_SECRET_ARN_${name}`]);
    expect(secretRefs.map((r) => (r as { Ref: string }).Ref).sort()).toEqual(secrets);
    expect(env).not.toHaveProperty("WEBHOOK_SECRET");
    // The archive's keys start with reports/ themselves: a prefix would nest them twice.
    expect(env).toHaveProperty("ARCHIVE_BUCKET");
    expect(env).not.toHaveProperty("ARCHIVE_PREFIX");
    expect(env.GITHUB_APP_ID).toEqual({ Ref: "GitHubAppId" });
    expect(env.GITHUB_OAUTH_CLIENT_ID).toBe("Iv23liTEST");
    template.hasParameter("GitHubAppId", { Type: "Number", MinValue: 1 });
    for (const id of secrets) {
      template.hasResourceProperties("AWS::IAM::Policy", {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
              Resource: { Ref: id },
            }),
          ]),
        },
        Roles: [{ Ref: Match.stringLikeRegexp("^ServiceServiceRole") }],
      });
    }
    // The Parameters and Secrets extension serves them; its layer must be attached.
    template.hasResourceProperties("AWS::Lambda::Function", { Layers: Match.anyValue() });
  });

  it("ships the .proto files where the bundled contracts look for them", () => {
    expect(existsSync(join(bundle.dir, BUNDLE_FILE))).toBe(true);
    for (const f of [
      "mlx_distributed.proto",
      "mlx_distributed_comm.proto",
      "tensor_service.proto",
    ]) {
      expect(existsSync(join(bundle.dir, BUNDLE_FILE, "../../../protos", f))).toBe(true);
    }
  });

  it("starts from the bundle: secrets come from the extension, PUBLIC_URL from the request", async () => {
    const server = createServer((req, res) => {
      const ok =
        req.headers["x-aws-parameters-secrets-token"] === "tok" &&
        req.url?.includes("arn%3Atest%3Awebhook");
      res
        .writeHead(ok ? 200 : 403)
        .end(ok ? JSON.stringify({ SecretString: "hook-secret" }) : "denied");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    // GITHUB_APP_ID and GITHUB_PRIVATE_KEY are left out, so the service's config check must name them and only them.
    const script = `
      const m = await import(${JSON.stringify(join(bundle.dir, BUNDLE_FILE))});
      try { await m.handler({ requestContext: { domainName: "abc.lambda-url.eu-west-1.on.aws" } }, {}); console.log("no error"); }
      catch (e) { console.log(JSON.stringify({ name: e.name, message: e.message, publicUrl: process.env.PUBLIC_URL })); }`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      env: {
        PATH: process.env.PATH,
        AWS_SESSION_TOKEN: "tok",
        PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port),
        MLXBENCH_SECRET_ARN_WEBHOOK_SECRET: "arn:test:webhook",
        LOG_LEVEL: "silent",
      },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    await new Promise((resolve) => child.on("close", resolve));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const result = JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as {
      name?: string;
      message?: string;
      publicUrl?: string;
    };
    expect(result.name).toBe("ConfigError");
    expect(result.message).toMatch(/GITHUB_APP_ID/);
    expect(result.message).toMatch(/GITHUB_PRIVATE_KEY/);
    expect(result.message).not.toMatch(/WEBHOOK_SECRET|PUBLIC_URL/);
    expect(result.publicUrl).toBe("https://abc.lambda-url.eu-west-1.on.aws");
  });
});

describe("worker credentials", () => {
  it("reach only the archive prefix", () => {
    const policies = template.findResources("AWS::IAM::Policy", {
      Properties: { Users: [Match.anyValue()] },
    });
    const statements = Object.values(policies).flatMap(
      (p) =>
        (p.Properties as { PolicyDocument: { Statement: Record<string, unknown>[] } })
          .PolicyDocument.Statement,
    );
    expect(statements).toHaveLength(2);
    const objects = statements.find((s) => s.Sid === "ArchiveObjects");
    expect(objects?.Action).toEqual(["s3:GetObject", "s3:PutObject", "s3:PutObjectTagging"]);
    expect(JSON.stringify(objects?.Resource)).toContain(`"/${ARCHIVE_PREFIX}*"`);
    const list = statements.find((s) => s.Sid === "ListArchive");
    expect(list?.Action).toBe("s3:ListBucket");
    expect(list?.Condition).toEqual({ StringLike: { "s3:prefix": [`${ARCHIVE_PREFIX}*`] } });
    expect(JSON.stringify(statements)).not.toMatch(/"s3:\*"|"\*"/);
  });
});

describe("alarms", () => {
  it.each([
    ["Errors", 1],
    ["Throttles", 1],
  ])("fire on Lambda %s and notify the topic", (metric, threshold) => {
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: metric,
      Namespace: "AWS/Lambda",
      Threshold: threshold,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      AlarmActions: [{ Ref: Match.stringLikeRegexp("^Alarms") }],
    });
  });

  it("mails the configured address", () => {
    template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "ops@example.com",
    });
  });
});
