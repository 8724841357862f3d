/** AWS wire basics shared by the local AWS services and their endpoint: the local account, errors, JSON answers. */
export { LOCAL_ACCOUNT, LOCAL_REGION, localArn } from './local-account';
export { AwsServiceError, type AwsJsonService, type AwsRawService, type AwsServiceErrorDetails } from './service';
export { JSON_CONTENT_TYPES, replyContentType, sendError, sendJson } from './json-reply';
