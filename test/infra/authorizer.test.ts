import { Aspects, CfnResource } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { InvalidConfigError, parseConfig, readConfig, type PushStackConfig } from '../../lib/config';
import { ENV } from '../../shared/env';
import { buildStack, functionId, resourcesOf } from './helpers';

const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123';
const AUTH: Partial<PushStackConfig> = { authIssuer: ISSUER, authAudience: '7example23client45id' };
const PUBLIC_JWKS = JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'k1' }] });

function nagged(config?: Partial<PushStackConfig>) {
  const { app, stack } = buildStack({ config });
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  app.synth();
  return { stack, template: Template.fromStack(stack), annotations: Annotations.fromStack(stack) };
}

const connectRoute = (template: Template) =>
  Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route')).find((r) => r.Properties.RouteKey === '$connect')!;

const suppressedOnConnect = (stack: ReturnType<typeof nagged>['stack']) =>
  stack.node
    .findAll()
    .filter((c): c is CfnResource => c instanceof CfnResource && c.node.path.endsWith('$connect-Route/Resource'))
    .flatMap((c) => ((c.getMetadata('cdk_nag') as { rules_to_suppress?: Array<{ id: string; reason: string }> } | undefined)?.rules_to_suppress ?? []));

describe('$connect authorizer (infrastructure)', () => {
  test('without an issuer: no authorizer, a synth note, and the APIG4 suppression says why', () => {
    const { stack, template, annotations } = nagged();
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    expect(connectRoute(template).Properties.AuthorizationType ?? 'NONE').toBe('NONE');
    expect(annotations.findInfo('*', Match.stringLikeRegexp('no token issuer configured.*only public channels'))).toHaveLength(1);
    const apig4 = suppressedOnConnect(stack).filter((s) => s.id === 'AwsSolutions-APIG4');
    expect(apig4).toHaveLength(1);
    expect(apig4[0].reason).toMatch(/authIssuer/);
  });

  test('with an issuer: a REQUEST authorizer whose identity source every handshake carries (Host), CUSTOM $connect, invoke permission', () => {
    const { template } = nagged(AUTH);
    const authorizers = Object.entries(resourcesOf(template, 'AWS::ApiGatewayV2::Authorizer'));
    expect(authorizers).toHaveLength(1);
    const [authorizerId, authorizer] = authorizers[0];
    expect(authorizer.Properties.AuthorizerType).toBe('REQUEST');
    expect(authorizer.Properties.IdentitySource).toEqual(['route.request.header.Host']);
    expect(connectRoute(template).Properties).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } });
    const fnId = functionId(template, 'WebSocket $connect authorizer');
    expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toContain(fnId);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
      SourceArn: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('/authorizers/')])]) }),
    });
    const env = resourcesOf(template, 'AWS::Lambda::Function')[fnId].Properties.Environment.Variables;
    expect(env).toMatchObject({
      [ENV.AUTH_ISSUER]: ISSUER,
      [ENV.AUTH_AUDIENCE]: '7example23client45id',
      [ENV.AUTH_JWKS_URL]: `${ISSUER}/.well-known/jwks.json`,
      [ENV.AUTH_ALGORITHMS]: 'RS256,ES256',
      [ENV.ALLOW_ANONYMOUS]: 'false',
      [ENV.AUTH_PUBLISH_CLAIM]: 'publish',
      [ENV.AUTH_PRESENCE_INFO_CLAIM]: 'info',
    });
    // Only $connect is authorized; the other routes cannot be.
    for (const r of Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route'))) {
      if (r.Properties.RouteKey !== '$connect') expect(r.Properties.AuthorizationType ?? 'NONE').toBe('NONE');
    }
  });

  test.each<[string, Partial<PushStackConfig>]>([
    ['JWKS URL', AUTH],
    ['inline JWKS, anonymous allowed, origins', { ...AUTH, authJwks: PUBLIC_JWKS, allowAnonymous: true, allowedOrigins: ['https://app.example.com'] }],
  ])('cdk-nag with the authorizer (%s): no unsuppressed error or warning, no APIG4 suppression on $connect', (_name, config) => {
    const { stack, annotations } = nagged(config);
    expect(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    expect(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    expect(suppressedOnConnect(stack).filter((s) => s.id === 'AwsSolutions-APIG4')).toEqual([]);
  });

  test('passes origins to $connect and the frame limit to $default', () => {
    const { template } = nagged({ allowedOrigins: ['https://app.example.com'], maxMessagesPerMinute: 60 });
    const fns = resourcesOf(template, 'AWS::Lambda::Function');
    expect(fns[functionId(template, 'WebSocket $connect:')].Properties.Environment.Variables[ENV.ALLOWED_ORIGINS]).toBe('https://app.example.com');
    expect(fns[functionId(template, 'WebSocket $default')].Properties.Environment.Variables[ENV.MAX_MESSAGES_PER_MINUTE]).toBe('60');
  });
});

describe('auth configuration', () => {
  const ctx = (c: Record<string, unknown>) => readConfig((k) => c[k]);
  const error = (run: () => unknown) => {
    try {
      run();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidConfigError);
      return (e as Error).message;
    }
    throw new Error('no error');
  };

  test('reads the keys from -c strings', () => {
    expect(ctx({ authIssuer: ISSUER, authAudience: 'aud', authAlgorithms: 'ES256, RS256', allowAnonymous: 'true', allowedOrigins: 'https://a.example, http://localhost:5173', maxMessagesPerMinute: '120' })).toMatchObject({
      authIssuer: ISSUER,
      authAudience: 'aud',
      authJwksUrl: `${ISSUER}/.well-known/jwks.json`,
      authAlgorithms: ['ES256', 'RS256'],
      allowAnonymous: true,
      allowedOrigins: ['https://a.example', 'http://localhost:5173'],
      maxMessagesPerMinute: 120,
    });
  });

  test.each([
    [{ authIssuer: ISSUER, authAudience: 'a', authAlgorithms: 'HS256' }, 'Invalid context "authAlgorithms": "HS256". Expected a comma-separated list of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA (symmetric HS* algorithms and "none" are refused: a token must be signed by the issuer\'s private key), e.g. -c authAlgorithms=RS256,ES256.'],
    [{ authIssuer: ISSUER, authAudience: 'a', authAlgorithms: 'none' }, 'symmetric HS* algorithms and "none" are refused'],
    [{ authIssuer: ISSUER }, 'Invalid context "authAudience": missing. "authIssuer" needs the audience ("aud") its tokens must carry, e.g. -c authAudience=7example23client45id.'],
    [{ authAudience: 'a' }, 'Invalid context "authAudience": it has no effect without "authIssuer"'],
    [{ authIssuer: 'not a url' }, 'Invalid context "authIssuer": "not a url". Expected the issuer ("iss") of the tokens'],
    [{ authIssuer: ISSUER, authAudience: 'a', authJwksUrl: 'http://keys.example.com/jwks.json' }, 'Expected an https URL of the issuer\'s JWKS'],
    [{ authIssuer: ISSUER, authAudience: 'a', authJwks: '{"keys":[{"kty":"EC","crv":"P-256","x":"a","y":"b","d":"secret"}]}' }, 'has the private member "d": never publish a private key'],
    [{ authIssuer: ISSUER, authAudience: 'a', authJwks: '{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}' }, 'only RSA, EC and OKP public keys verify tokens'],
    [{ authIssuer: ISSUER, authAudience: 'a', authJwks: PUBLIC_JWKS, authJwksUrl: `${ISSUER}/.well-known/jwks.json` }, 'it cannot be combined with "authJwksUrl"'],
    [{ allowedOrigins: 'https://app.example.com/' }, '"https://app.example.com/" is not one'],
    [{ allowedOrigins: 'app.example.com' }, '"app.example.com" is not one'],
    [{ allowedOrigins: '*' }, 'Expected origins as scheme://host[:port]'],
    [{ maxMessagesPerMinute: '0' }, 'Invalid context "maxMessagesPerMinute": "0". Expected an integer from 1 to 60000, e.g. -c maxMessagesPerMinute=300.'],
  ])('refuses %j', (context, message) => {
    expect(error(() => ctx(context))).toContain(message);
  });

  test('props form shows a props example', () => {
    expect(error(() => parseConfig({ allowedOrigins: ['https://x.example/path'] }))).toContain("{ allowedOrigins: ['https://app.example.com', 'http://localhost:5173'] }");
  });
});
