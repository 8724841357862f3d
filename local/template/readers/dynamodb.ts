import type { TemplateReader } from '../template-reader';

/** Resource types this reader reads. */
export const DYNAMODB_RESOURCE_TYPES = ['AWS::DynamoDB::Table'] as const;

export interface TableModel {
  logicalId: string;
  name: string;
  /** The `CreateTable` input (keys, indexes) for dynalite. */
  createInput: Record<string, unknown>;
  ttlAttribute?: string;
}

/** Capacity given to provisioned tables and indexes that name none (dynalite needs one; it enforces nothing). */
const THROUGHPUT = { ReadCapacityUnits: 5, WriteCapacityUnits: 5 };

/** The stack's tables, as `CreateTable` inputs with their TTL attribute. */
export function readTables(t: TemplateReader): TableModel[] {
  return t.resources('AWS::DynamoDB::Table').map(([id, res]) => {
    const p = t.props(id, res);
    const gsis = (p.GlobalSecondaryIndexes ?? []) as Record<string, unknown>[];
    const lsis = (p.LocalSecondaryIndexes ?? []) as Record<string, unknown>[];
    const onDemand = p.BillingMode === 'PAY_PER_REQUEST';
    const name = t.resolver.physicalName(id);
    const createInput: Record<string, unknown> = {
      TableName: name,
      AttributeDefinitions: p.AttributeDefinitions,
      KeySchema: p.KeySchema,
      BillingMode: onDemand ? 'PAY_PER_REQUEST' : 'PROVISIONED',
      ...(onDemand ? {} : { ProvisionedThroughput: p.ProvisionedThroughput ?? THROUGHPUT }),
      ...(gsis.length ? {
        GlobalSecondaryIndexes: gsis.map((g) => ({
          IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection,
          ...(onDemand ? {} : { ProvisionedThroughput: g.ProvisionedThroughput ?? THROUGHPUT }),
        })),
      } : {}),
      ...(lsis.length ? { LocalSecondaryIndexes: lsis } : {}),
    };
    const ttl = p.TimeToLiveSpecification as { Enabled?: boolean; AttributeName?: string } | undefined;
    return { logicalId: id, name, createInput, ttlAttribute: ttl?.Enabled ? ttl.AttributeName : undefined };
  });
}
