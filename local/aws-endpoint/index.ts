export { startAwsEndpoint, type AwsEndpoint, type AwsEndpointOptions } from './server';
