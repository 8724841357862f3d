import * as path from 'path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_CONFIG, InvalidConfigError } from '../config';

/** Root of the repository: bundling resolves entries and the lock file from here, whatever the cwd. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
/** Folder of the handlers, one file per route or trigger, each exporting `handler`. */
export const HANDLERS_DIR = path.join(PROJECT_ROOT, 'lambdas', 'handlers');

/** Properties of a {@link NodeFunction}. */
export interface NodeFunctionProps {
  /** Handler file under `lambdas/handlers/`, without extension, e.g. `'connect'`. It exports `handler`. */
  readonly handlerFile: string;
  /**
   * Maximum run time of one invocation.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Memory, in MB.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Environment variables, added to `NODE_OPTIONS=--enable-source-maps`.
   * @default - none besides NODE_OPTIONS
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Retention of the function's log group.
   * @default DEFAULT_CONFIG.logRetentionDays (30 days)
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log group when it leaves the stack.
   * @default RemovalPolicy.DESTROY
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Description of the function.
   * @default - none
   */
  readonly description?: string;
}

const HANDLER_FILE_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/**
 * A Node.js Lambda function with the project's defaults: the latest Node.js runtime on arm64, bundled with
 * esbuild (minified, source maps without sources, AWS SDK v3 included so the tested version is the one
 * deployed), JSON logs to an explicit log group with a retention, and an execution role that may write to
 * that log group only.
 */
export class NodeFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    if (!HANDLER_FILE_PATTERN.test(props.handlerFile)) {
      throw new InvalidConfigError(
        'handlerFile',
        `Invalid handlerFile "${props.handlerFile}". Expected the kebab-case name of a file under lambdas/handlers/ without extension, e.g. 'connect'.`,
      );
    }
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? (DEFAULT_CONFIG.logRetentionDays as logs.RetentionDays),
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    // An own role instead of AWSLambdaBasicExecutionRole, whose log permissions span every log group.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${props.handlerFile} function`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: path.join(HANDLERS_DIR, `${props.handlerFile}.ts`),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      description: props.description,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        target: 'node22',
        format: OutputFormat.CJS,
        externalModules: [],
      },
    });
  }
}
