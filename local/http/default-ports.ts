/** The local cloud's ports when none are given (`npm start`): the gateway, the AWS endpoint, and AppSync (when the stack has a GraphQL API). */
export const DEFAULT_PORTS = { gateway: 3001, aws: 3002, appsync: 3003 } as const;
