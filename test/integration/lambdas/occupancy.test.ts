import { DynamoDbConnectionStore } from '../../../lambdas/adapters/dynamodb-connection-store';
import { DynamoDbOccupancyStore } from '../../../lambdas/adapters/dynamodb-occupancy-store';
import { withOccupancy } from '../../../lambdas/core/occupancy';
import type { StackEvents, StackEventType } from '../../../lambdas/core/stack-events';
import { LIFECYCLE_DETAIL_TYPES } from '../../../shared/events';
import { TABLE, keys } from '../../../shared/table-schema';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { recordingLogger } from '../../support/logs';
import { startLocalAws, type LocalAws } from '../../support/local-services';

const HOUR = 3600;
const { channelOccupied: OCCUPIED, channelVacated: VACATED } = LIFECYCLE_DETAIL_TYPES;

/**
 * Channel occupancy (ChannelOccupied / ChannelVacated) over the real DynamoDB store and occupancy counters on
 * the local DynamoDB. The bus is a recorder: the talk-back integration test sees the same events through a rule.
 */
describe('channel occupancy on the local DynamoDB', () => {
  let aws: LocalAws;
  let clockMs = Date.now();
  let tables = 0;
  beforeAll(async () => {
    aws = await startLocalAws();
  });
  afterAll(() => aws?.stop());

  const setup = async (options: { failingBus?: boolean } = {}) => {
    const tableName = `occupancy-${++tables}`;
    await aws.createConnectionsTable(tableName);
    const put: Array<{ detailType: StackEventType; detail: Record<string, unknown> }> = [];
    const events: StackEvents = {
      async put(detailType, detail) {
        if (options.failingBus) throw new Error('bus down');
        put.push({ detailType, detail: detail as Record<string, unknown> });
      },
    };
    const registry = new DynamoDbConnectionStore(aws.documentClient, { tableName, broadcastShards: 2 });
    const counters = new DynamoDbOccupancyStore(aws.documentClient, tableName);
    const logger = recordingLogger();
    const as = (userId?: string) => withOccupancy(registry, { occupancy: counters, events, logger, ttlSeconds: HOUR, now: () => clockMs, ...(userId ? { userId } : {}) });
    const register = (connectionId: string, userId?: string) =>
      registry.register({ connectionId, connectedAt: clockMs, ttl: Math.floor(clockMs / 1000) + HOUR, ...(userId ? { userId } : {}) });
    return { tableName, put, as, register, registry, counters, logger };
  };

  it('announces the first subscriber in and the last one out, once each, with the user when verified', async () => {
    const { put, as, register } = await setup();
    await register('a', 'alice');
    await register('b');
    await as('alice').subscribe('a', 'room', 10);
    await as('alice').subscribe('a', 'room', 10); // again: not a new subscription
    await as().subscribe('b', 'room', 10);
    await as().unsubscribe('b', 'room');
    await as().unsubscribe('b', 'room'); // again: nothing removed, nothing counted
    expect(put).toEqual([{ detailType: OCCUPIED, detail: { connectionId: 'a', userId: 'alice', channel: 'room' } }]);
    await as('alice').unsubscribe('a', 'room');
    expect(put.map((p) => p.detailType)).toEqual([OCCUPIED, VACATED]);
    expect(put[1]!.detail).toEqual({ connectionId: 'a', userId: 'alice', channel: 'room' });
    await as().subscribe('b', 'room', 10); // empty again: the next one is first again
    expect(put.map((p) => p.detailType)).toEqual([OCCUPIED, VACATED, OCCUPIED]);
  });

  it('a removal vacates every channel it emptied and only those, with the user from the record', async () => {
    const { put, as, register } = await setup();
    await register('a', 'alice');
    await register('b', 'bob');
    await as('alice').subscribe('a', 'solo', 10);
    await as('alice').subscribe('a', 'shared', 10);
    await as('bob').subscribe('b', 'shared', 10);
    put.length = 0;
    await as().remove('a');
    expect(put).toEqual([{ detailType: VACATED, detail: { connectionId: 'a', userId: 'alice', channel: 'solo' } }]);
    await as().remove('a'); // nothing left: nothing counted twice
    await as().remove('b');
    expect(put.map((p) => `${p.detailType} ${p.detail.channel}`)).toEqual([`${VACATED} solo`, `${VACATED} shared`]);
  });

  it('concurrent first subscribers: exactly one is announced', async () => {
    const { put, as, register } = await setup();
    const ids = Array.from({ length: 8 }, (_, i) => `c${i}`);
    for (const id of ids) await register(id);
    await Promise.all(ids.map((id) => as().subscribe(id, 'rush', 10)));
    expect(put.filter((p) => p.detailType === OCCUPIED)).toHaveLength(1);
    await Promise.all(ids.map((id) => as().remove(id)));
    expect(put.filter((p) => p.detailType === VACATED)).toHaveLength(1);
  });

  it('a counter past its TTL counts as empty: the subscriptions it counted expired, the next subscriber is first', async () => {
    const { put, as, register, tableName } = await setup();
    await register('old');
    await as().subscribe('old', 'room', 10);
    // The connection vanished without $disconnect and no push met it; its record expired, as its counter did.
    clockMs += 2 * HOUR * 1000;
    await register('new');
    await as().subscribe('new', 'room', 10);
    expect(put.map((p) => p.detailType)).toEqual([OCCUPIED, OCCUPIED]);
    // A push meets the old connection's 410 before DynamoDB deleted its expired items: not counted out.
    await aws.documentClient.send(new PutCommand({
      TableName: tableName,
      Item: { [TABLE.partitionKey]: keys.connection('old'), [TABLE.sortKey]: keys.subscription('room'), connectionId: 'old', channel: 'room', [TABLE.ttlAttribute]: Math.floor(Date.now() / 1000) - 1 },
    }));
    expect(await as().remove('old')).toEqual({ channels: [] });
    expect(put.map((p) => p.detailType)).toEqual([OCCUPIED, OCCUPIED]); // 'new' is still there
    await as().remove('new');
    expect(put.map((p) => p.detailType)).toEqual([OCCUPIED, OCCUPIED, VACATED]);
  });

  it('a bus that fails loses no subscription: the failure is logged', async () => {
    const { as, register, registry, logger } = await setup({ failingBus: true });
    await register('a');
    expect(await as().subscribe('a', 'room', 10)).toEqual({ created: true });
    const ids: string[] = [];
    for await (const page of registry.audience({ kind: 'channel', channel: 'room' })) ids.push(...page);
    expect(ids).toEqual(['a']);
    expect(logger.lines).toEqual([expect.objectContaining({ level: 'warn', message: 'lifecycle event not put', detailType: OCCUPIED })]);
  });
});
