/**
 * `websocket-push`: the CDK constructs of a serverless WebSocket push backend (API Gateway WebSocket API,
 * DynamoDB registry, EventBridge publishing), and the types of their configuration.
 * @packageDocumentation
 */
export { PushStack, type PushStackProps } from './push-stack';
export { parseConfig, InvalidConfigError, type PushStackConfig } from './config';
export { NodeFunction, type NodeFunctionProps } from './constructs/node-function';
