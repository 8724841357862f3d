/** The local AppSync: a GraphQL API of the template, its HTTP endpoint and AppSync's real-time protocol. */
export { startAppSync, GRAPHQL_PATH, REALTIME_PATH, type AppSyncDeps, type RunningAppSync } from './start';
export { LocalGraphqlApi, type AppSyncIam, type GraphqlRequest, type GraphqlResponse } from './graphql-api';
export { AppSyncAuthenticator, type AppSyncCaller } from './auth';
export { AppSyncRequestError, ResolverError, type AppSyncErrorShape } from './errors';
export { GRAPHQL_WS_SUBPROTOCOL, REALTIME_MESSAGE_TYPES, type RealtimeTimers } from './realtime';
