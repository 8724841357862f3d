const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * A time in Common Log Format, as API Gateway writes `requestContext.requestTime`, always in UTC:
 * `20/Jan/2024:11:55:08 +0000`.
 */
export function clfTime(epochMs: number): string {
  const d = new Date(epochMs);
  const date = `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}`;
  const time = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  return `${date}:${time} +0000`;
}
