export { startAwsEndpoint, type AwsEndpoint, type AwsEndpointOptions, type AwsRequest } from './server';
