export { LambdaRuntime, type LambdaRuntimeOptions } from './lambda-runtime';
export { AsyncInvoker, type AsyncInvokerDeps } from './async-invoker';
export { LambdaRuntimeError, type LambdaRuntimeErrorCode } from './errors';
export type { AsyncFunctionConfig, FunctionDefinition, InvokeResult, InvokeContextData, LocalFunction } from './types';
export { functionEnvironment, type EnvironmentOptions } from './environment';
export { providedSdk, type ProvidedSdk } from './provided-sdk';
export { startLambda, type EventSourceMappingDefinition, type LambdaDeps, type RunningLambda } from './start';
