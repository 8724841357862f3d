import { matchesPattern } from '../iam/policy';
import { GatewayError } from './errors';
import { headerValue, type RequestInfo } from './request-info';

/** What API Gateway decides from an authorizer's answer. */
export type AuthorizerDecision =
  | { effect: 'Allow'; principalId?: string; context: Record<string, string | number | boolean> }
  | { effect: 'Deny'; explicit: boolean };

/**
 * The first identity source the request lacks (missing or empty), or `undefined` when all are there.
 * Sources: `route.request.header.<Name>` (case-insensitive) and `route.request.querystring.<name>`;
 * the `$request.…` spelling is accepted. Other kinds (`stageVariables.…`, `context.…`) are treated as present.
 */
export function missingIdentitySource(sources: string[], info: RequestInfo): string | undefined {
  for (const source of sources) {
    const s = source.replace(/^\$request\./, 'route.request.');
    let value: string | undefined;
    if (s.startsWith('route.request.header.')) {
      value = headerValue(info.headers, s.slice('route.request.header.'.length));
    } else if (s.startsWith('route.request.querystring.')) {
      value = info.queryStringParameters?.[s.slice('route.request.querystring.'.length)];
    } else {
      continue;
    }
    if (value === undefined || value.trim() === '') return source;
  }
  return undefined;
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);


function actionMatches(action: unknown): boolean {
  return typeof action === 'string' && ['execute-api:invoke', 'execute-api:*', '*'].includes(action.toLowerCase());
}

function invalid(message: string): GatewayError {
  return new GatewayError('InvalidAuthorizerResponse', `Invalid authorizer response: ${message}`);
}

/**
 * Evaluates a Lambda authorizer's policy response for `methodArn` as IAM does: an explicit `Deny` wins,
 * then an `Allow`; nothing matching is an implicit deny. Throws a `GatewayError`
 * (`InvalidAuthorizerResponse`) when the answer is not a policy response or its `context` holds a value
 * that is not a string, number or boolean (API Gateway answers 500 in both cases).
 */
export function evaluateAuthorizerResponse(response: unknown, methodArn: string): AuthorizerDecision {
  if (response === null || typeof response !== 'object') throw invalid('not an object');
  const r = response as Record<string, unknown>;
  const doc = r.policyDocument;
  if (doc === null || typeof doc !== 'object') throw invalid('no policyDocument');
  const statements = asList((doc as Record<string, unknown>).Statement);
  if (statements.length === 0) throw invalid('policyDocument has no Statement');
  if (r.principalId !== undefined && typeof r.principalId !== 'string') throw invalid('principalId is not a string');
  const context: Record<string, string | number | boolean> = {};
  if (r.context !== undefined && r.context !== null) {
    if (typeof r.context !== 'object' || Array.isArray(r.context)) throw invalid('context is not an object');
    for (const [k, v] of Object.entries(r.context as Record<string, unknown>)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        throw invalid(`context.${k} is not a string, number or boolean`);
      }
      context[k] = v;
    }
  }
  let allowed = false;
  for (const st of statements) {
    if (st === null || typeof st !== 'object') throw invalid('a Statement is not an object');
    const s = st as Record<string, unknown>;
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw invalid('a Statement has no Effect Allow or Deny');
    const applies =
      asList(s.Action).some(actionMatches) &&
      asList(s.Resource).some((res) => typeof res === 'string' && matchesPattern(res, methodArn, false));
    if (!applies) continue;
    if (s.Effect === 'Deny') return { effect: 'Deny', explicit: true };
    allowed = true;
  }
  if (!allowed) return { effect: 'Deny', explicit: false };
  return { effect: 'Allow', principalId: r.principalId as string | undefined, context };
}

/** `requestContext.authorizer` of every later event of an allowed connection. */
export function authorizerContext(
  decision: Extract<AuthorizerDecision, { effect: 'Allow' }>,
  latencyMs: number,
): Record<string, unknown> {
  return { ...decision.context, principalId: decision.principalId, integrationLatency: latencyMs };
}
