import { LOCAL_ACCOUNT, localArn } from '../aws-wire';

/** A queue's URL on the local AWS endpoint: `<endpoint>/000000000000/<name>`, as SQS shapes them. */
export function queueUrl(endpointUrl: string, name: string): string {
  return `${endpointUrl.replace(/\/$/, '')}/${LOCAL_ACCOUNT}/${name}`;
}

/** A queue's ARN: `arn:aws:sqs:us-east-1:000000000000:<name>`. */
export function queueArn(name: string): string {
  return localArn('sqs', name);
}

/** The queue name an ARN (or URL) ends with. */
export function queueNameOf(arn: string): string {
  return arn.split(/[:/]/).pop() ?? '';
}
