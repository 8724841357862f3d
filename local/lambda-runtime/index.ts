export { LambdaRuntime, type LambdaRuntimeOptions } from './lambda-runtime';
export { LambdaRuntimeError, type LambdaRuntimeErrorCode } from './errors';
export type { FunctionDefinition, InvokeResult, InvokeContextData } from './types';
export { functionEnvironment, defaultNodePath, type EnvironmentOptions } from './environment';
