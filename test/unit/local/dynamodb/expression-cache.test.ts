import { isDeepStrictEqual } from 'node:util';
import { DynamoDBClient, PutItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { startAwsEndpoint, type AwsEndpoint } from '../../../../local/aws-endpoint';
import { LocalDynamoDb } from '../../../../local/dynamodb';
import { cacheExpressionParses, EXPRESSION_CACHE_SIZE } from '../../../../local/dynamodb/expression-cache';
import { createTableInput } from '../../../../shared/table-schema';

type Request = Record<string, unknown>;
// dynalite's own parse, taken before the cache replaces it (jest gives this file its own module registry).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const validations = require('dynalite/validations') as { validateExpressions: (data: Request) => string | undefined };
const uncached = validations.validateExpressions;
const cache = cacheExpressionParses();
const cached = (data: Request) => validations.validateExpressions(data);

const TREES = ['_updates', '_condition', '_keyCondition', '_filter', '_projection'];
const treesOf = (data: Request) => Object.fromEntries(TREES.filter((k) => data[k] !== undefined).map((k) => [k, data[k]]));
const copy = (data: Request): Request => JSON.parse(JSON.stringify(data)) as Request;

/** Requests of every expression kind, valid and not (dynalite's messages for the invalid ones). */
const CASES: Record<string, Request> = {
  'the rate-limit update': {
    UpdateExpression: 'ADD #n :one', ConditionExpression: 'attribute_exists(#pk) AND #w = :w AND #n < :max',
    ExpressionAttributeNames: { '#pk': 'pk', '#w': 'w', '#n': 'n' }, ExpressionAttributeValues: { ':one': { N: '1' }, ':w': { N: '7' }, ':max': { N: '300' } },
  },
  'a set, remove and delete update': {
    UpdateExpression: 'SET a.b[1] = :v, #c = if_not_exists(#c, :z) + :one REMOVE d DELETE s :ss',
    ExpressionAttributeNames: { '#c': 'c' }, ExpressionAttributeValues: { ':v': { M: { x: { L: [{ S: 'y' }] } } }, ':z': { N: '0' }, ':one': { N: '1' }, ':ss': { SS: ['a'] } },
  },
  'a query with a filter and a projection': {
    KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', FilterExpression: 'size(#l) > :n OR NOT contains(#l, :x)', ProjectionExpression: 'pk, sk, #l[0].a',
    ExpressionAttributeNames: { '#l': 'l' }, ExpressionAttributeValues: { ':p': { S: 'a' }, ':s': { S: 'b' }, ':n': { N: '1' }, ':x': { S: 'q' } },
  },
  'a syntax error': { ConditionExpression: 'attribute_exists(', ExpressionAttributeValues: { ':a': { S: 'x' } } },
  'an unused name': { UpdateExpression: 'SET a = :a', ExpressionAttributeNames: { '#unused': 'u' }, ExpressionAttributeValues: { ':a': { S: 'x' } } },
  'an undefined value': { UpdateExpression: 'SET a = :missing', ExpressionAttributeValues: { ':a': { S: 'x' } } },
  'a reserved word': { ConditionExpression: 'size > :a', ExpressionAttributeValues: { ':a': { N: '1' } } },
};

describe('cacheExpressionParses', () => {
  beforeEach(() => cache.clear());

  it.each(Object.entries(CASES))('gives %s the outcome of dynalite\'s own parse, first and when remembered', (_name, request) => {
    const expected = copy(request);
    const message = uncached(expected);
    for (const attempt of ['miss', 'hit']) {
      const data = copy(request);
      expect([attempt, cached(data)]).toEqual([attempt, message]);
      // Prototype-aware: dynalite's path maps have none, and a copy must keep it so.
      expect(isDeepStrictEqual(treesOf(data), treesOf(expected))).toBe(true);
    }
    expect([cache.misses, cache.hits]).toEqual([1, 1]);
  });

  it('hands each request its own trees: changing one leaves the next untouched', () => {
    const first = copy(CASES['the rate-limit update']!);
    cached(first);
    ((first._updates as { sections: { val: { N: string } }[] }).sections[0]!.val).N = '999';
    const second = copy(CASES['the rate-limit update']!);
    cached(second);
    expect((second._updates as { sections: { val: unknown }[] }).sections[0]!.val).toEqual({ N: '1' });
    expect(cache.hits).toBe(1);
  });

  it('tells requests apart by their values too, and skips those without expressions', () => {
    const a = copy(CASES['the rate-limit update']!);
    const b = copy(CASES['the rate-limit update']!);
    (b.ExpressionAttributeValues as Record<string, unknown>)[':w'] = { N: '8' };
    cached(a);
    cached(b);
    expect([cache.misses, cache.hits]).toEqual([2, 0]);
    const plain: Request = { Key: { pk: { S: 'a' } } };
    expect(cached(plain)).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it(`remembers at most ${EXPRESSION_CACHE_SIZE} expression sets, forgetting the least recently used`, () => {
    const request = (i: number) => ({ UpdateExpression: `SET a${i} = :v`, ExpressionAttributeValues: { ':v': { N: String(i) } } });
    cached(request(0));
    for (let i = 1; i < EXPRESSION_CACHE_SIZE; i++) cached(request(i));
    cached(request(0)); // used again: now the most recent
    cached(request(EXPRESSION_CACHE_SIZE)); // forgets request(1)
    expect(cache.size).toBe(EXPRESSION_CACHE_SIZE);
    const before = cache.hits;
    cached(request(0));
    expect(cache.hits).toBe(before + 1);
    cached(request(1));
    expect(cache.hits).toBe(before + 1);
  });

  describe('behind the local DynamoDB', () => {
    let db: LocalDynamoDb;
    let endpoint: AwsEndpoint;
    let client: DynamoDBClient;

    beforeAll(async () => {
      db = new LocalDynamoDb();
      await db.start();
      endpoint = await startAwsEndpoint({ port: 0, services: [], dynamodb: db });
      client = new DynamoDBClient({ endpoint: endpoint.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
      await db.createTable(createTableInput('cached'));
    });

    afterAll(async () => {
      client.destroy();
      await endpoint.stop();
      await db.stop();
    });

    it('answers repeated conditional updates and queries as DynamoDB does, each with its own values', async () => {
      const Key = { pk: { S: 'conn#1' }, sk: { S: 'meta' } };
      await client.send(new PutItemCommand({ TableName: 'cached', Item: { ...Key, n: { N: '0' } } }));
      const add = (by: number, max: number) =>
        client.send(new UpdateItemCommand({
          TableName: 'cached', Key, ReturnValues: 'ALL_NEW', UpdateExpression: 'ADD #n :by', ConditionExpression: '#n < :max',
          ExpressionAttributeNames: { '#n': 'n' }, ExpressionAttributeValues: { ':by': { N: String(by) }, ':max': { N: String(max) } },
        })).then((out) => out.Attributes?.n, (error: Error) => error.name);
      expect(await add(1, 3)).toEqual({ N: '1' });
      expect(await add(1, 3)).toEqual({ N: '2' });
      expect(await add(5, 3)).toEqual({ N: '7' });
      expect(await add(1, 3)).toBe('ConditionalCheckFailedException');
      expect(await add(1, 3)).toBe('ConditionalCheckFailedException');
      const query = (prefix: string) =>
        client.send(new QueryCommand({
          TableName: 'cached', KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', ExpressionAttributeValues: { ':p': { S: 'conn#1' }, ':s': { S: prefix } },
        })).then((out) => out.Count);
      expect([await query('me'), await query('me'), await query('sub#')]).toEqual([1, 1, 0]);
      expect(cache.hits).toBeGreaterThanOrEqual(3);
    });
  });
});
