import {
  CfnOutput,
  CfnParameter,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
} from "aws-cdk-lib";
import { Alarm, ComparisonOperator, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import { Effect, PolicyStatement, User } from "aws-cdk-lib/aws-iam";
import {
  Architecture,
  Code,
  Function as LambdaFunction,
  FunctionUrlAuthType,
  ParamsAndSecretsLayerVersion,
  ParamsAndSecretsVersions,
  Runtime,
} from "aws-cdk-lib/aws-lambda";
import { LogGroup, type RetentionDays } from "aws-cdk-lib/aws-logs";
import { BlockPublicAccess, Bucket, BucketEncryption } from "aws-cdk-lib/aws-s3";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { Construct } from "constructs";
import type { ServiceBundle } from "./bundle-service.js";
import { SECRET_ARN_PREFIX } from "./lambda/load-secrets-into-env.js";
import type { LambdaRuntimeName, StackConfig } from "./stack-config.js";

/** Everything the archive holds lives under this prefix; the worker may touch nothing else. */
export const ARCHIVE_PREFIX = "reports/";

/** The worker tags the objects of pull-request runs with this; the lifecycle expires them. */
export const PR_RUN_TAG = { key: "mlxbench-run", value: "pr" } as const;

const RUNTIMES: Record<LambdaRuntimeName, Runtime> = {
  "nodejs22.x": Runtime.NODEJS_22_X,
  "nodejs24.x": Runtime.NODEJS_24_X,
};

/** The service's webhook route (service/src/app). */
export const WEBHOOK_PATH = "webhooks/github";

export interface MlxbenchStackProps extends StackProps {
  config: StackConfig;
  bundle: ServiceBundle;
}

/**
 * The cloud side of mlxbench: the service as a Lambda behind a Function URL, the archive
 * bucket, the secrets the service reads, the Mac worker's credentials and the alarms.
 */
export class MlxbenchStack extends Stack {
  readonly bucket: Bucket;
  readonly service: LambdaFunction;
  readonly workerUser: User;

  constructor(scope: Construct, id: string, props: MlxbenchStackProps) {
    super(scope, id, props);
    const { config } = props;

    const appId =
      config.githubAppId === undefined
        ? new CfnParameter(this, "GitHubAppId", {
            type: "Number",
            minValue: 1,
            description:
              "The GitHub App's id (App settings, 'About'); or pass -c githubAppId=… at synth",
          }).valueAsString
        : String(config.githubAppId);

    this.bucket = new Bucket(this, "Archive", {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: "abort-incomplete-uploads",
          abortIncompleteMultipartUploadAfter: Duration.days(config.abortIncompleteUploadDays),
        },
        {
          // Default-branch runs carry no such tag: they are the baselines and trends, kept for good.
          id: "expire-pull-request-runs",
          prefix: ARCHIVE_PREFIX,
          tagFilters: { [PR_RUN_TAG.key]: PR_RUN_TAG.value },
          expiration: Duration.days(config.prRunExpirationDays),
        },
      ],
    });

    // Created with throwaway values (the webhook secret with a usable random one); set the real
    // values with `aws secretsmanager put-secret-value` as docs/install.md shows.
    const secrets: Record<string, Secret> = {
      WEBHOOK_SECRET: new Secret(this, "WebhookSecret", {
        description:
          "mlxbench: the GitHub App's webhook secret (comma-separated during a rotation)",
        generateSecretString: { passwordLength: 40, excludePunctuation: true },
        removalPolicy: RemovalPolicy.RETAIN,
      }),
      GITHUB_PRIVATE_KEY: new Secret(this, "GitHubPrivateKey", {
        description: "mlxbench: the GitHub App's private key (PEM)",
        removalPolicy: RemovalPolicy.RETAIN,
      }),
      REDIS_URL: new Secret(this, "RedisUrl", {
        description: "mlxbench: rediss:// URL of the queue's Redis, with its password",
        removalPolicy: RemovalPolicy.RETAIN,
      }),
      // HMAC key of the archive pages' signed links and session cookies.
      REPORTS_SECRET: new Secret(this, "ReportsSecret", {
        description: "mlxbench: HMAC key of signed report links and page sessions",
        generateSecretString: { passwordLength: 48, excludePunctuation: true },
        removalPolicy: RemovalPolicy.RETAIN,
      }),
    };
    if (config.githubOAuthClientId !== undefined) {
      // Sign-in to private reports uses the App's own OAuth credentials; id and secret go together.
      secrets.GITHUB_OAUTH_CLIENT_SECRET = new Secret(this, "GitHubOAuthClientSecret", {
        description: "mlxbench: the GitHub App's client secret (archive page sign-in)",
        removalPolicy: RemovalPolicy.RETAIN,
      });
    }

    const logGroup = new LogGroup(this, "ServiceLogs", {
      retention: config.logRetentionDays as RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const environment: Record<string, string> = {
      NODE_OPTIONS: "--enable-source-maps",
      GITHUB_APP_ID: appId,
      QUEUE_NAME: config.queueName,
      LOG_LEVEL: config.logLevel,
      // No ARCHIVE_PREFIX: the archive's keys already start with reports/ (docs/archive-layout.md).
      ARCHIVE_BUCKET: this.bucket.bucketName,
    };
    if (config.publicUrl !== undefined) environment.PUBLIC_URL = config.publicUrl;
    // Pools listed: the service routes runs by runs-on to `<queueName>.<label>` queues.
    if (config.runnerPools.length > 0) environment.RUNNER_POOLS = "true";
    if (config.githubOAuthClientId !== undefined)
      environment.GITHUB_OAUTH_CLIENT_ID = config.githubOAuthClientId;
    for (const [name, secret] of Object.entries(secrets))
      environment[`${SECRET_ARN_PREFIX}${name}`] = secret.secretArn;

    this.service = new LambdaFunction(this, "Service", {
      description: "mlxbench webhook intake and archive pages",
      runtime: RUNTIMES[config.lambdaRuntime],
      architecture: Architecture.ARM_64,
      code: Code.fromAsset(props.bundle.dir),
      handler: props.bundle.handler,
      memorySize: config.lambdaMemoryMb,
      timeout: Duration.seconds(config.lambdaTimeoutSeconds),
      environment,
      logGroup,
      // Secrets are read at start through the extension's local endpoint, never put in the configuration.
      paramsAndSecrets: ParamsAndSecretsLayerVersion.fromVersion(
        ParamsAndSecretsVersions.V1_0_103,
        {
          cacheEnabled: true,
        },
      ),
    });
    for (const secret of Object.values(secrets)) secret.grantRead(this.service);
    this.bucket.grantRead(this.service, `${ARCHIVE_PREFIX}*`);

    // The webhook authenticates itself by its HMAC signature; the archive pages are public links.
    const url = this.service.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });

    // The Mac runner is outside AWS: an IAM user whose access key lives only in the runner's env file.
    this.workerUser = new User(this, "WorkerUser");
    this.workerUser.addToPolicy(
      new PolicyStatement({
        sid: "ArchiveObjects",
        effect: Effect.ALLOW,
        actions: ["s3:GetObject", "s3:PutObject", "s3:PutObjectTagging"],
        resources: [this.bucket.arnForObjects(`${ARCHIVE_PREFIX}*`)],
      }),
    );
    this.workerUser.addToPolicy(
      new PolicyStatement({
        sid: "ListArchive",
        effect: Effect.ALLOW,
        actions: ["s3:ListBucket"],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { "s3:prefix": [`${ARCHIVE_PREFIX}*`] } },
      }),
    );

    const topic = new Topic(this, "Alarms", { displayName: "mlxbench alarms" });
    if (config.alarmEmail !== undefined)
      topic.addSubscription(new EmailSubscription(config.alarmEmail));
    const period = Duration.minutes(5);
    const alarms = [
      new Alarm(this, "ServiceErrors", {
        alarmDescription: "mlxbench service: invocations failed (see docs/runbook.md)",
        metric: this.service.metricErrors({ period, statistic: "Sum" }),
        threshold: config.errorAlarmThreshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, "ServiceThrottles", {
        alarmDescription:
          "mlxbench service: invocations throttled; GitHub does not redeliver (see docs/runbook.md)",
        metric: this.service.metricThrottles({ period, statistic: "Sum" }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    ];
    for (const alarm of alarms) alarm.addAlarmAction(new SnsAction(topic));

    new CfnOutput(this, "WebhookUrl", {
      value: `${url.url}${WEBHOOK_PATH}`,
      description: "the App's webhook URL",
    });
    new CfnOutput(this, "ServiceUrl", { value: url.url, description: "the archive pages" });
    if (config.runnerPools.length > 0) {
      new CfnOutput(this, "RunnerPoolQueues", {
        value: config.runnerPools.map((l) => `${config.queueName}.${l}`).join(","),
        description: "one BullMQ queue per runner pool; a runner serves them with RUNNER_LABELS",
      });
    }
    new CfnOutput(this, "ArchiveBucketName", { value: this.bucket.bucketName });
    new CfnOutput(this, "WorkerUserName", {
      value: this.workerUser.userName,
      description: "create its access key for the runner",
    });
    new CfnOutput(this, "AlarmTopicArn", { value: topic.topicArn });
    for (const [name, secret] of Object.entries(secrets)) {
      new CfnOutput(this, `${name.replace(/_/g, "")}SecretArn`, {
        value: secret.secretArn,
        description: `where ${name} lives`,
      });
    }
  }
}
