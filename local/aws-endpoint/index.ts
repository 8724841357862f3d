export { startAwsEndpoint, type AwsEndpoint, type AwsEndpointOptions } from './server';
export { replyContentType, sendError, sendJson, JSON_CONTENT_TYPES } from './json-reply';
export * from './types';
