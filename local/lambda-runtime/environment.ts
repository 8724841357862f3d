import * as path from 'node:path';
import { LOCAL_REGION } from '../aws-wire';
import { functionAccessKeyId } from '../iam/credentials';
import type { FunctionDefinition } from './types';

/** Options that shape every function's environment. */
export interface EnvironmentOptions {
  /** Local AWS endpoint, exported as `AWS_ENDPOINT_URL` so the SDK in the function talks to the local cloud. */
  readonly awsEndpointUrl?: string;
  /**
   * Directories on `NODE_PATH` before the function's own (Lambda: the layers' /opt/nodejs/node_modules). The
   * AWS SDK v3 is provided by the worker's resolution fallback instead (see provided-sdk.ts), so that only the
   * SDK, and not every package installed beside the local cloud, resolves from a function.
   */
  readonly nodePath: readonly string[];
  readonly region?: string;
}

/**
 * The environment of one function's execution environment: the function's own variables plus what Lambda sets
 * (reserved variables win over the function's, as in Lambda). Lambda does not set a timeout variable.
 */
export function functionEnvironment(fn: FunctionDefinition, logStreamName: string, options: EnvironmentOptions): Record<string, string> {
  const region = options.region ?? LOCAL_REGION;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    NODE_PATH: [...options.nodePath, path.resolve(fn.assetDir)].join(path.delimiter),
    ...fn.environment,
    _HANDLER: fn.handler,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${process.versions.node.split('.')[0]}.x`,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb ?? 128),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
    AWS_ACCESS_KEY_ID: functionAccessKeyId(fn.name),
    AWS_SECRET_ACCESS_KEY: 'local-cloud-secret',
    AWS_SESSION_TOKEN: 'local-cloud-session-token',
    LAMBDA_TASK_ROOT: path.resolve(fn.assetDir),
  };
  if (options.awsEndpointUrl) env.AWS_ENDPOINT_URL = options.awsEndpointUrl;
  return env;
}
