/** The local cloud's ports when none are given (`npm start`): the gateway, and the AWS endpoint. */
export const DEFAULT_PORTS = { gateway: 3001, aws: 3002 } as const;
