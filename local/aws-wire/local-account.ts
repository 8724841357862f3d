/** The account and region the local cloud pretends to be: every local ARN, URL and event names them. */
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';

/** An ARN of the local account and region: `arn:aws:<service>:us-east-1:000000000000:<resource>`. */
export function localArn(service: string, resource: string): string {
  return `arn:aws:${service}:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${resource}`;
}
