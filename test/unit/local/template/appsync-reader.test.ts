import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStack, type CfnTemplate } from '../../../../local/template/assembly';
import { buildModel } from '../../../../local/template/model';

const urls = { gateway: 'http://127.0.0.1:3001', aws: 'http://127.0.0.1:3002', appsync: 'http://127.0.0.1:4003' };
const HASH = 'ab'.repeat(32);

function assembly(template: CfnTemplate): string {
  const dir = mkdtempSync(join(tmpdir(), 'appsync-reader-'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ artifacts: { S: { type: 'aws:cloudformation:stack', properties: { templateFile: 'S.template.json' } } } }));
  writeFileSync(join(dir, 'S.template.json'), JSON.stringify(template));
  writeFileSync(join(dir, `asset.${HASH}.js`), 'export function request(ctx) { return { payload: ctx.args }; }');
  return dir;
}

const apiId = { 'Fn::GetAtt': ['Api', 'ApiId'] };
const template = (resolver: Record<string, unknown>): CfnTemplate => ({
  Resources: {
    Api: { Type: 'AWS::AppSync::GraphQLApi', Properties: { Name: 'push', AuthenticationType: 'API_KEY', AdditionalAuthenticationProviders: [{ AuthenticationType: 'AWS_IAM' }, { AuthenticationType: 'OPENID_CONNECT', OpenIDConnectConfig: { Issuer: 'https://id.example.com', ClientId: 'app', IatTTL: 3600000 } }] } },
    Schema: { Type: 'AWS::AppSync::GraphQLSchema', Properties: { ApiId: apiId, Definition: 'type Query { a: String }' } },
    Key: { Type: 'AWS::AppSync::ApiKey', Properties: { ApiId: apiId, Expires: 1900000000 } },
    None: { Type: 'AWS::AppSync::DataSource', Properties: { ApiId: apiId, Name: 'None', Type: 'NONE' } },
    Resolver: { Type: 'AWS::AppSync::Resolver', Properties: { ApiId: apiId, TypeName: 'Query', FieldName: 'a', Kind: 'UNIT', Runtime: { Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0' }, ...resolver } },
  },
  Outputs: {
    Url: { Value: { 'Fn::GetAtt': ['Api', 'GraphQLUrl'] } },
    Realtime: { Value: { 'Fn::GetAtt': ['Api', 'RealtimeUrl'] } },
    Endpoint: { Value: { 'Fn::GetAtt': ['Api', 'GraphQLEndpointArn'] } },
    KeyValue: { Value: { 'Fn::GetAtt': ['Key', 'ApiKey'] } },
    Field: { Value: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Api', 'Arn'] }, '/types/Mutation/fields/push']] } },
  },
});

describe('the AppSync reader', () => {
  it('reads the API, its modes, key, data source and resolver (code from CodeS3Location\'s asset), and resolves its attributes to the local AppSync', () => {
    const model = buildModel(readStack(assembly(template({ DataSourceName: { 'Fn::GetAtt': ['None', 'Name'] }, CodeS3Location: `s3://cdk-assets-000000000000-us-east-1/${HASH}.js` }))), urls);
    const [api] = model.graphqlApis;
    expect(api.apiId).toMatch(/^[a-z0-9]{26}$/);
    expect(api.authModes).toEqual([{ type: 'API_KEY' }, { type: 'AWS_IAM' }, { type: 'OPENID_CONNECT', issuer: 'https://id.example.com', clientId: 'app', iatTtlMs: 3600000 }]);
    expect(api.apiKeys).toEqual([{ logicalId: 'Key', value: model.outputs.KeyValue, expiresEpochSeconds: 1900000000 }]);
    expect(api.resolvers[0]).toMatchObject({ typeName: 'Query', fieldName: 'a', dataSourceName: 'None', runtime: 'APPSYNC_JS', code: expect.stringContaining('payload: ctx.args') });
    expect(model.outputs).toMatchObject({
      Url: 'http://127.0.0.1:4003/graphql',
      Realtime: 'ws://127.0.0.1:4003/graphql/realtime',
      Endpoint: `arn:aws:appsync:us-east-1:000000000000:endpoints/graphql-api/${api.apiId}`,
      KeyValue: expect.stringMatching(/^da2-[a-z0-9]{26}$/),
      Field: `arn:aws:appsync:us-east-1:000000000000:apis/${api.apiId}/types/Mutation/fields/push`,
    });
    expect(api.endpointArn).toBe(model.outputs.Endpoint);
  });

  it('names the resolver whose data source is not one of the API\'s', () => {
    expect(() => buildModel(readStack(assembly(template({ DataSourceName: 'Missing', Code: 'x' }))), urls)).toThrow('Resolver: the resolver of Query.a names data source "Missing", which is not one of the API\'s.');
  });
});
