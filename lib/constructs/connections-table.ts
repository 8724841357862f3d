import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { TABLE } from '../../shared/table-schema';

/** Properties of a {@link ConnectionsTable}. */
export interface ConnectionsTableProps {
  /**
   * What happens to the table when it leaves the stack. The registry only holds live connections, which
   * API Gateway drops on a redeploy anyway, and every record expires (TTL) within hours: nothing in it is
   * worth keeping, and a retained table would block re-creating the stack. Use RETAIN to keep it regardless.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Whether point-in-time recovery is enabled.
   * @default true
   */
  readonly pointInTimeRecovery?: boolean;
  /**
   * An existing table to use instead of creating one. It must have the schema of `shared/table-schema.ts`:
   * string keys `pk` and `sk`, TTL on `ttl`, and the keys-only indexes `byAudience` and `byShard`.
   * @default - a new table is created
   */
  readonly existingTable?: dynamodb.ITable;
}

/**
 * The registry of live connections and their subscriptions, exactly as `shared/table-schema.ts` defines it:
 * `pk`/`sk`, TTL on `ttl`, and the `byAudience` and `byShard` indexes (keys only). On-demand billing,
 * encrypted with the AWS-managed key. Grants are by need: each function gets only the actions it uses, and
 * nobody gets `Scan`.
 */
export class ConnectionsTable extends Construct {
  /** The DynamoDB table. */
  public readonly table: dynamodb.ITable;

  constructor(scope: Construct, id: string, props: ConnectionsTableProps = {}) {
    super(scope, id);
    if (props.existingTable !== undefined) {
      this.table = props.existingTable;
      return;
    }
    const s = dynamodb.AttributeType.STRING;
    const table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: s },
      sortKey: { name: TABLE.sortKey, type: s },
      timeToLiveAttribute: TABLE.ttlAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery ?? true },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    for (const index of [TABLE.audienceIndex, TABLE.broadcastIndex]) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: s },
        sortKey: { name: index.sortKey, type: s },
        projectionType: dynamodb.ProjectionType.KEYS_ONLY,
      });
    }
    this.table = table;
  }

  /** Name of the table. */
  public get tableName(): string {
    return this.table.tableName;
  }

  /** ARNs of the table's global secondary indexes, named (no wildcard). */
  public get indexArns(): string[] {
    return [TABLE.audienceIndex.name, TABLE.broadcastIndex.name].map((name) => `${this.table.tableArn}/index/${name}`);
  }

  /** `$connect`: write a connection record (`PutItem`). It can neither read nor delete. */
  public grantRegisterConnection(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, [this.table.tableArn], 'dynamodb:PutItem');
  }

  /**
   * `$default`: read a connection's own items and add or remove its subscriptions
   * (`GetItem`, `Query` on the base table, `PutItem`, `DeleteItem`).
   */
  public grantManageSubscriptions(grantee: iam.IGrantable): iam.Grant {
    return this.grant(
      grantee,
      [this.table.tableArn],
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
    );
  }

  /**
   * `$disconnect` and a `410 Gone`: find every item of a connection and delete them in batches
   * (`Query` on the base table, `BatchWriteItem`; no `DeleteItem`, which this path never calls).
   */
  public grantRemoveConnection(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, [this.table.tableArn], 'dynamodb:Query', 'dynamodb:BatchWriteItem');
  }

  /** Push: resolve an audience (`Query` and `GetItem` on the base table, `Query` on both indexes). */
  public grantResolveAudience(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query'],
      resourceArns: this.indexArns,
    }).combine(this.grant(grantee, [this.table.tableArn], 'dynamodb:GetItem', 'dynamodb:Query'));
  }

  /**
   * Push: number channel messages and keep them for replay (`UpdateItem` on the channel counter,
   * `GetItem` of an event's seq, `PutItem` of history items). Replays are read by `$default` with the
   * actions of {@link grantManageSubscriptions}.
   */
  public grantSequenceChannels(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, [this.table.tableArn], 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem');
  }

  /**
   * `$default`: count a connection's frames on its meta item and read its permissions in the same call
   * (`UpdateItem`, and `GetItem` to tell a full window from an unknown connection).
   */
  public grantCountFrames(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, [this.table.tableArn], 'dynamodb:UpdateItem', 'dynamodb:GetItem');
  }

  /**
   * Presence channels: leave a channel's member item with conditional writes (`UpdateItem`, `DeleteItem`), read
   * the members and a connection's presence subscriptions (`Query` on the base table), and find a channel's
   * subscribers to announce a change to (`Query` on the audience index, by name). With `join`, also create a
   * member item (`PutItem`): only `$default` joins.
   */
  public grantPresence(grantee: iam.IGrantable, options: { readonly join: boolean }): iam.Grant {
    const actions = ['dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', ...(options.join ? ['dynamodb:PutItem'] : [])];
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query'],
      resourceArns: [`${this.table.tableArn}/index/${TABLE.audienceIndex.name}`],
    }).combine(this.grant(grantee, [this.table.tableArn], ...actions));
  }

  private grant(grantee: iam.IGrantable, resourceArns: string[], ...actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns });
  }
}
