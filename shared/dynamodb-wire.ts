/**
 * DynamoDB's JSON protocol (AWS JSON 1.0): each request is a POST of `application/x-amz-json-1.0` with the
 * operation in `X-Amz-Target: DynamoDB_20120810.<Operation>`. Shared by the functions' lean client and the
 * local cloud's endpoint.
 */
export const DYNAMODB_TARGET_PREFIX = 'DynamoDB_20120810';
export const DYNAMODB_CONTENT_TYPE = 'application/x-amz-json-1.0';
