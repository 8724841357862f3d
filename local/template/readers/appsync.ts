import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TemplateError } from '../errors';
import type { TemplateReader } from '../template-reader';

/** Resource types this reader reads. */
export const APPSYNC_RESOURCE_TYPES = [
  'AWS::AppSync::GraphQLApi', 'AWS::AppSync::GraphQLSchema', 'AWS::AppSync::ApiKey', 'AWS::AppSync::DataSource', 'AWS::AppSync::Resolver',
] as const;

/**
 * One authorization mode of a GraphQL API, as `AuthenticationType` / `AdditionalAuthenticationProviders`
 * name them (https://docs.aws.amazon.com/appsync/latest/devguide/security-authz.html).
 */
export type AppSyncAuthMode =
  | { readonly type: 'API_KEY' }
  | { readonly type: 'AWS_IAM' }
  | {
    readonly type: 'OPENID_CONNECT';
    /** `OpenIDConnectConfig.Issuer`: the token's `iss`; its keys are found through its OpenID discovery document. */
    readonly issuer: string;
    /** `OpenIDConnectConfig.ClientId`: the token's `aud` (or `client_id`) must be it, when set. */
    readonly clientId?: string;
    /** `AuthTTL` / `IatTTL` (ms): how long after `auth_time` / `iat` a token is still accepted; 0 for no limit. */
    readonly authTtlMs?: number;
    readonly iatTtlMs?: number;
  }
  /** Cognito user pools and Lambda authorizers: read, not run locally (every request in that mode is refused). */
  | { readonly type: 'AMAZON_COGNITO_USER_POOLS' | 'AWS_LAMBDA' };

/** A resolver of one field. */
export interface AppSyncResolverModel {
  readonly logicalId: string;
  readonly typeName: string;
  readonly fieldName: string;
  /** `UNIT` or `PIPELINE` (only unit resolvers run locally). */
  readonly kind: string;
  readonly dataSourceName?: string;
  /** `Runtime.Name`: `APPSYNC_JS`, or undefined for a VTL resolver. */
  readonly runtime?: string;
  /** `Code` of an APPSYNC_JS resolver (the module with `request` and `response`), or the asset its `CodeS3Location` names. */
  readonly code?: string;
}

/** A GraphQL API of the stack, with its schema, keys, data sources and resolvers. */
export interface GraphqlApiModel {
  readonly logicalId: string;
  readonly name: string;
  /** The local API id (`Fn::GetAtt Api.ApiId`). */
  readonly apiId: string;
  /** `arn:aws:appsync:<region>:<account>:apis/<apiId>`: the prefix of the IAM resources of its fields. */
  readonly arn: string;
  /** `GraphQLEndpointArn`: what an EventBridge rule's AppSync target names. */
  readonly endpointArn: string;
  /** The default mode, then the additional ones. */
  readonly authModes: readonly AppSyncAuthMode[];
  /** `AWS::AppSync::GraphQLSchema.Definition` (SDL). */
  readonly schema: string;
  /** The values of its API keys (locally, the key and its id are one string, as in AppSync). */
  readonly apiKeys: readonly { readonly logicalId: string; readonly value: string; readonly expiresEpochSeconds?: number }[];
  readonly dataSources: readonly { readonly name: string; readonly type: string }[];
  readonly resolvers: readonly AppSyncResolverModel[];
}

/**
 * The text of a file asset named by an S3 location (`CodeS3Location`, `DefinitionS3Location`): CDK uploads
 * `cdk.out/asset.<hash><ext>` as `s3://<assets bucket>/<hash><ext>`, so the local cloud reads it from the assembly.
 */
function assetText(t: TemplateReader, location: unknown): string | undefined {
  const m = typeof location === 'string' ? /\/([0-9a-f]{64})(\.[A-Za-z0-9]+)?$/.exec(location) : null;
  if (!m) return undefined;
  const file = join(t.stack.assemblyDir, `asset.${m[1]}${m[2] ?? ''}`);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

function authMode(t: TemplateReader, id: string, type: unknown, p: Record<string, any>): AppSyncAuthMode {
  switch (type) {
    case 'API_KEY': case 'AWS_IAM': return { type };
    case 'OPENID_CONNECT': {
      const c = p.OpenIDConnectConfig ?? {};
      if (!c.Issuer) throw new TemplateError('an OPENID_CONNECT mode needs OpenIDConnectConfig.Issuer.', id);
      return {
        type,
        issuer: String(c.Issuer),
        ...(c.ClientId !== undefined ? { clientId: String(c.ClientId) } : {}),
        ...(c.AuthTTL !== undefined ? { authTtlMs: Number(c.AuthTTL) } : {}),
        ...(c.IatTTL !== undefined ? { iatTtlMs: Number(c.IatTTL) } : {}),
      };
    }
    case 'AMAZON_COGNITO_USER_POOLS': case 'AWS_LAMBDA': return { type };
    default: throw new TemplateError(`unknown AuthenticationType ${String(type)}.`, id);
  }
}

/** The stack's GraphQL APIs. A schema that is missing, or a resolver naming an unknown data source, is an error naming it. */
export function readGraphqlApis(t: TemplateReader): GraphqlApiModel[] {
  return t.resources('AWS::AppSync::GraphQLApi').map(([apiLogicalId, res]) => {
    const p = t.props(apiLogicalId, res);
    const apiId = t.resolver.graphqlApiId(apiLogicalId);
    const ofApi = (type: string) => t.resources(type).filter(([id, x]) => t.resolver.resolve(x.Properties?.ApiId, id) === apiId);
    const schemas = ofApi('AWS::AppSync::GraphQLSchema').map(([id, x]) => t.props(id, x))
      .map((x) => ({ Definition: typeof x.Definition === 'string' ? x.Definition : assetText(t, x.DefinitionS3Location) }));
    if (schemas.length === 0 || typeof schemas[0].Definition !== 'string') {
      throw new TemplateError('the GraphQL API has no AWS::AppSync::GraphQLSchema with a Definition (inline, or a DefinitionS3Location that is an asset of the assembly).', apiLogicalId);
    }
    const dataSources = ofApi('AWS::AppSync::DataSource').map(([id, x]) => {
      const d = t.props(id, x);
      return { name: String(d.Name), type: String(d.Type) };
    });
    const resolvers = ofApi('AWS::AppSync::Resolver').map(([id, x]) => {
      const r = t.props(id, x);
      if (r.DataSourceName !== undefined && !dataSources.some((d) => d.name === r.DataSourceName)) {
        throw new TemplateError(`the resolver of ${r.TypeName}.${r.FieldName} names data source "${r.DataSourceName}", which is not one of the API's.`, id);
      }
      const code = typeof r.Code === 'string' ? r.Code : assetText(t, r.CodeS3Location);
      return {
        logicalId: id,
        typeName: String(r.TypeName),
        fieldName: String(r.FieldName),
        kind: String(r.Kind ?? 'UNIT'),
        ...(r.DataSourceName !== undefined ? { dataSourceName: String(r.DataSourceName) } : {}),
        ...(r.Runtime?.Name ? { runtime: String(r.Runtime.Name) } : {}),
        ...(code !== undefined ? { code } : {}),
      };
    });
    return {
      logicalId: apiLogicalId,
      name: String(p.Name ?? apiLogicalId),
      apiId,
      arn: t.resolver.arn(apiLogicalId),
      endpointArn: String(t.resolver.resolve({ 'Fn::GetAtt': [apiLogicalId, 'GraphQLEndpointArn'] }, apiLogicalId)),
      authModes: [
        authMode(t, apiLogicalId, p.AuthenticationType, p),
        ...((p.AdditionalAuthenticationProviders ?? []) as Record<string, any>[]).map((a) => authMode(t, apiLogicalId, a.AuthenticationType, a)),
      ],
      schema: schemas[0].Definition,
      apiKeys: ofApi('AWS::AppSync::ApiKey').map(([id, x]) => {
        const k = t.props(id, x);
        return { logicalId: id, value: t.resolver.apiKeyValue(id), ...(k.Expires !== undefined ? { expiresEpochSeconds: Number(k.Expires) } : {}) };
      }),
      dataSources,
      resolvers,
    };
  });
}
