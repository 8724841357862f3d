import { LocalIam } from '../../../../local/iam';
import { LocalGraphqlApi, type AppSyncCaller } from '../../../../local/appsync';
import type { GraphqlApiModel } from '../../../../local/template/model';

const SCHEMA = `
type Message @aws_api_key @aws_iam { channel: String! id: ID! data: AWSJSON! }
type Query { bundled: String @aws_api_key  early: String @aws_api_key  appended: String @aws_api_key  loop: String @aws_api_key  vtl: String @aws_api_key }
type Mutation { push(channel: String!, id: ID!, data: AWSJSON!): Message @aws_iam }
type Subscription { onPush(channel: String!): Message @aws_subscribe(mutations: ["push"]) @aws_api_key }
`;
const resolver = (fieldName: string, code: string, typeName = 'Query') => ({ logicalId: `R${fieldName}`, typeName, fieldName, kind: 'UNIT', dataSourceName: 'None', runtime: 'APPSYNC_JS', code });
const model: GraphqlApiModel = {
  logicalId: 'Api', name: 'push', apiId: 'a'.repeat(26), arn: 'arn:aws:appsync:us-east-1:000000000000:apis/' + 'a'.repeat(26), endpointArn: 'arn:aws:appsync:us-east-1:000000000000:endpoints/graphql-api/x',
  authModes: [{ type: 'API_KEY' }, { type: 'AWS_IAM' }], schema: SCHEMA, apiKeys: [{ logicalId: 'K', value: 'da2-k' }], dataSources: [{ name: 'None', type: 'NONE' }],
  resolvers: [
    resolver('push', `import { util } from '@aws-appsync/utils';\nexport function request(ctx) { return { payload: ctx.args }; }\nexport function response(ctx) { return ctx.result; }`, 'Mutation'),
    resolver('bundled', `import { util } from "@aws-appsync/utils";\nfunction request2(ctx) { return { payload: 'from a bundle' }; }\nfunction response(ctx) { return ctx.result; }\nexport {\n  request2 as request,\n  response\n};\n`),
    resolver('early', `export function request(ctx) { runtime.earlyReturn('early'); }\nexport function response() { return 'late'; }`),
    resolver('appended', `export function request(ctx) { util.appendError('careful', 'Warning'); return { payload: 'kept' }; }\nexport const response = (ctx) => ctx.result;`),
    resolver('loop', `export function request(ctx) { for (;;) {} }`),
    { logicalId: 'Rvtl', typeName: 'Query', fieldName: 'vtl', kind: 'UNIT', dataSourceName: 'None' },
  ],
};
const role = (allowed: string) => ({ logicalId: 'EventsRole', name: 'EventsRole', arn: 'arn:aws:iam::000000000000:role/EventsRole', managedPolicyArns: [], policies: [{ name: 'P', statements: [{ Effect: 'Allow' as const, Action: 'appsync:GraphQL', Resource: allowed }] }] });
const apiKey: AppSyncCaller = { mode: 'API_KEY', identity: null };
const asRole: AppSyncCaller = { mode: 'AWS_IAM', identity: { roleArn: 'arn:aws:iam::000000000000:role/EventsRole' } };
const PUSH = 'mutation { push(channel: "c", id: "1", data: "{\\"a\\":1}") { channel id data } }';

describe('LocalGraphqlApi', () => {
  it('runs the APPSYNC_JS resolver through the NONE data source for a role allowed appsync:GraphQL on the field, and refuses one that is not', async () => {
    const lines: string[] = [];
    const allowed = new LocalGraphqlApi(model, { iam: new LocalIam({ functions: [], roles: [role(`${model.arn}/types/Mutation/fields/push`)] }, () => undefined), log: (l) => lines.push(l) });
    expect(await allowed.execute({ query: PUSH }, asRole)).toEqual({ data: { push: { channel: 'c', id: '1', data: '{"a":1}' } } });
    const denied = new LocalGraphqlApi(model, { iam: new LocalIam({ functions: [], roles: [role(`${model.arn}/types/Query/*`)] }, () => undefined), log: (l) => lines.push(l) });
    const refused = await denied.execute({ query: PUSH }, asRole);
    expect(refused).toEqual({ data: { push: null }, errors: [expect.objectContaining({ path: ['push'], errorType: 'Unauthorized', message: 'Not Authorized to access push on type Mutation' })] });
    expect(lines.some((l) => l.includes('is not authorized to perform: appsync:GraphQL'))).toBe(true);
  });

  it('honours runtime.earlyReturn and util.appendError, stops a runaway handler, and says plainly that VTL is not run', async () => {
    const api = new LocalGraphqlApi(model, { log: () => undefined });
    expect(await api.execute({ query: '{ early }' }, apiKey)).toEqual({ data: { early: 'early' } });
    expect(await api.execute({ query: '{ bundled }' }, apiKey)).toEqual({ data: { bundled: 'from a bundle' } });
    expect(await api.execute({ query: '{ appended }' }, apiKey)).toEqual({ data: { appended: 'kept' }, errors: [expect.objectContaining({ path: ['appended'], errorType: 'Warning', message: 'careful' })] });
    const loop = await api.execute({ query: '{ loop }' }, apiKey);
    expect(loop.errors![0]).toMatchObject({ path: ['loop'], errorType: 'Code', message: expect.stringContaining('timed out') });
    const vtl = await api.execute({ query: '{ vtl }' }, apiKey);
    expect(vtl.errors![0]).toMatchObject({ path: ['vtl'], errorType: 'LocalNotSupported', message: expect.stringContaining('VTL resolvers') });
  });

  it('filters subscribers by their arguments against the mutation\'s result, and gives them only what the mutation selected', async () => {
    const api = new LocalGraphqlApi(model, { log: () => undefined });
    const got: Record<string, unknown[]> = { c: [], other: [] };
    for (const channel of ['c', 'other']) {
      api.add(api.prepareSubscription({ query: 'subscription S($ch: String!) { onPush(channel: $ch) { id data channel } }', variables: { ch: channel } }, apiKey, (p) => got[channel].push(p)));
    }
    expect(api.subscriptionCount).toBe(2);
    await api.execute({ query: 'mutation { p: push(channel: "c", id: "2", data: "[1]") { id ch: channel } }' }, { mode: 'AWS_IAM', identity: {} });
    expect(got).toEqual({ c: [{ data: { onPush: { id: '2', data: null, channel: 'c' } } }], other: [] });
    expect(() => api.prepareSubscription({ query: PUSH }, apiKey, () => undefined)).toThrow('mutation not supported through the realtime channel');
    expect(() => api.prepareSubscription({ query: 'subscription { onPush(channel: "c") { id } }' }, { mode: 'AWS_IAM', identity: {} }, () => undefined)).toThrow('Not Authorized to access onPush on type Subscription');
  });
});
