import { AssetHashType, DockerImage, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_CONFIG, InvalidConfigError } from '../config';
import { DEFAULT_FUNCTION_MEMORY_MB } from '../../shared/limits';
import { bundleHandler, HANDLERS_DIR, prebuiltHandler } from './handler-bundle';

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
   * @default DEFAULT_FUNCTION_MEMORY_MB (256)
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
  /**
   * Concurrent executions reserved for the function (also its ceiling).
   * @default - none: it shares the account's unreserved concurrency
   */
  readonly reservedConcurrentExecutions?: number;
}

const HANDLER_FILE_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/**
 * A Node.js Lambda function of one of the project's handlers, with the project's defaults: the latest
 * Node.js runtime on arm64, bundled as `HANDLER_BUNDLE_OPTIONS` says (prebuilt in the installed package,
 * at synth time from the sources), JSON logs to an explicit log group with a retention, and an execution
 * role that may write to that log group only.
 */
export class NodeFunction extends LambdaFunction {
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
      code: handlerCode(props.handlerFile),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? DEFAULT_FUNCTION_MEMORY_MB,
      timeout: props.timeout ?? Duration.seconds(10),
      description: props.description,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
    });
  }
}

/** The handler's code: its prebuilt bundle, or bundled from the sources when the asset is staged. */
function handlerCode(handlerFile: string): Code {
  const prebuilt = prebuiltHandler(handlerFile);
  if (prebuilt !== undefined) return Code.fromAsset(prebuilt);
  return Code.fromAsset(HANDLERS_DIR, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: local bundling always succeeds or throws. CDK asks for an image all the same.
      image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs22.x'),
      // Part of the asset's cache key: without it, every handler of the folder would share the first bundle.
      command: ['bundle', handlerFile],
      local: { tryBundle: (outputDir) => (bundleHandler(handlerFile, outputDir), true) },
    },
  });
}
