import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { JoseTokenVerifier } from '../adapters/jose-token-verifier';
import { once, readAuthorizerConfig } from '../config';
import { authorizeConnection, policyResponse } from '../core/authorize-connection';
import { describeError } from '../core/logger';
import { createLogger } from '../logger';

const logger = createLogger({ service: 'authorizer' });
const deps = once(() => {
  const c = readAuthorizerConfig();
  return {
    allowAnonymous: c.allowAnonymous,
    verifier: new JoseTokenVerifier({
      issuer: c.issuer,
      audience: c.audience,
      jwks: c.jwks,
      algorithms: c.algorithms,
      channelsClaim: c.channelsClaim,
      publishClaim: c.publishClaim,
      infoClaim: c.infoClaim,
    }),
  };
});

/**
 * REQUEST authorizer of `$connect`. Allow: an IAM policy for the route with the user and their channel
 * permissions as context. A missing or invalid token: `Unauthorized` (API Gateway answers 401). A valid
 * token without a usable user: an explicit Deny (403). Logs reasons and codes, never tokens or query strings.
 */
export const handler = async (event: APIGatewayRequestAuthorizerEvent) => {
  const connectionId = (event.requestContext as { connectionId?: string } | undefined)?.connectionId;
  let decision;
  try {
    decision = await authorizeConnection(event, { ...deps(), logger });
  } catch (error) {
    logger.error('authorizer failed', { connectionId, error: describeError(error) });
    throw new Error('AuthorizerFailed');
  }
  switch (decision.effect) {
    case 'allow':
      logger.info('connection allowed', { connectionId, anonymous: decision.context.anonymous === true });
      return policyResponse(decision.principalId, 'Allow', event.methodArn, decision.context);
    case 'forbidden':
      logger.info('connection denied', { connectionId, code: decision.code, reason: decision.reason });
      return policyResponse('denied', 'Deny', event.methodArn);
    case 'unauthorized':
      logger.info('connection unauthorized', { connectionId, code: decision.code, reason: decision.reason });
      throw new Error('Unauthorized');
  }
};
