import { createHash } from 'node:crypto';
import { LOCAL_ACCOUNT, LOCAL_REGION, localArn } from '../aws-wire';
import { queueUrl } from '../sqs/addresses';
import type { CfnTemplate } from './assembly';
import { TemplateError } from './errors';

/** Where the local services listen; `execute-api` URLs in the template are rewritten to the gateway. */
export interface LocalUrls {
  /** e.g. `http://127.0.0.1:3001` */
  gateway: string;
  /** e.g. `http://127.0.0.1:3002` */
  aws: string;
  /** Where the local AppSync answers, e.g. `http://127.0.0.1:3003`. @default `http://127.0.0.1:3003` */
  appsync?: string;
}

/** The local AppSync's default origin (its port is `DEFAULT_PORTS.appsync`). */
const DEFAULT_APPSYNC_URL = 'http://127.0.0.1:3003';

/**
 * Resolves CloudFormation intrinsics (`Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split`,
 * `Fn::If` with the template's conditions) to local names and URLs. Physical names are the resource's
 * explicit name property when the template sets one, else its logical id (readable in logs).
 */
export class IntrinsicResolver {
  constructor(
    private readonly template: CfnTemplate,
    private readonly stackName: string,
    private readonly urls: LocalUrls,
  ) {}

  /** Resolves every intrinsic in `value`; `where` names the resource in errors. */
  resolve(value: unknown, where: string): any {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v, where)).filter((v) => v !== NO_VALUE);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, arg] = entries[0];
      if (key === 'Ref') return this.ref(String(arg), where);
      if (key.startsWith('Fn::')) return this.fn(key, arg, where);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      const r = this.resolve(v, where);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  /** The physical name the local cloud gives a resource (what `Ref` returns for named resources). */
  physicalName(logicalId: string): string {
    const res = this.template.Resources[logicalId];
    const nameProp = res && NAME_PROPERTY[res.Type];
    const explicit = nameProp ? res.Properties?.[nameProp] : undefined;
    return explicit !== undefined ? String(this.resolve(explicit, logicalId)) : logicalId;
  }

  /** The local API id of an `AWS::ApiGatewayV2::Api`: 10 lowercase characters, stable per logical id. */
  apiId(logicalId: string): string {
    return createHash('sha256').update(logicalId).digest('hex').replace(/[^a-z]/g, '').padEnd(10, 'x').slice(0, 10);
  }

  /**
   * The local id of an `AWS::AppSync::GraphQLApi`: 26 lowercase letters and digits (AppSync's shape), stable
   * per logical id.
   */
  graphqlApiId(logicalId: string): string {
    return createHash('sha256').update(`appsync:${logicalId}`).digest('hex').slice(0, 26);
  }

  /** The local value (and id: AppSync's key id is the key) of an `AWS::AppSync::ApiKey`: `da2-` and 26 characters, stable per logical id. */
  apiKeyValue(logicalId: string): string {
    return `da2-${createHash('sha256').update(`apikey:${logicalId}`).digest('hex').slice(0, 26)}`;
  }

  /** The local AppSync's origin, `http://host:port`. */
  get appsyncUrl(): string {
    return this.urls.appsync ?? DEFAULT_APPSYNC_URL;
  }

  /** The ARN the local cloud gives a resource (what `Fn::GetAtt X.Arn` returns). */
  arn(logicalId: string): string {
    const res = this.template.Resources[logicalId];
    if (!res) throw new TemplateError(`Fn::GetAtt names a resource that is not in the template.`, logicalId);
    const name = this.physicalName(logicalId);
    switch (res.Type) {
      case 'AWS::Lambda::Function': return localArn('lambda', `function:${name}`);
      case 'AWS::DynamoDB::Table': return localArn('dynamodb', `table/${name}`);
      case 'AWS::SQS::Queue': return localArn('sqs', name);
      case 'AWS::Events::EventBus': return localArn('events', `event-bus/${name}`);
      case 'AWS::Events::Rule': return localArn('events', `rule/${name}`);
      // IAM is global: its ARNs have no region.
      case 'AWS::IAM::Role': return `arn:aws:iam::${LOCAL_ACCOUNT}:role/${name}`;
      case 'AWS::Logs::LogGroup': return localArn('logs', `log-group:${name}:*`);
      // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsappsync.html#awsappsync-resources-for-iam-policies
      case 'AWS::AppSync::GraphQLApi': return localArn('appsync', `apis/${this.graphqlApiId(logicalId)}`);
      case 'AWS::AppSync::ApiKey': return `${this.appsyncParentArn(res, logicalId)}/apikeys/${this.apiKeyValue(logicalId)}`;
      case 'AWS::AppSync::DataSource': return `${this.appsyncParentArn(res, logicalId)}/datasources/${name}`;
      default: return localArn('local', `${res.Type.replace(/::/g, '-').toLowerCase()}/${name}`);
    }
  }

  /** The ARN of the GraphQL API an AppSync resource belongs to (its `ApiId`). */
  private appsyncParentArn(res: { Properties?: Record<string, unknown> }, logicalId: string): string {
    return localArn('appsync', `apis/${String(this.resolve(res.Properties?.ApiId, logicalId))}`);
  }

  private ref(name: string, where: string): unknown {
    switch (name) {
      case 'AWS::Region': return LOCAL_REGION;
      case 'AWS::AccountId': return LOCAL_ACCOUNT;
      case 'AWS::Partition': return 'aws';
      case 'AWS::URLSuffix': return 'amazonaws.com';
      case 'AWS::StackName': return this.stackName;
      case 'AWS::StackId': return localArn('cloudformation', `stack/${this.stackName}/local`);
      case 'AWS::NoValue': return NO_VALUE;
    }
    const param = this.template.Parameters?.[name] as { Default?: unknown } | undefined;
    if (param) return param.Default ?? '';
    const res = this.template.Resources[name];
    if (!res) throw new TemplateError(`Ref to "${name}", which is neither a resource nor a parameter of the template.`, where);
    switch (res.Type) {
      case 'AWS::ApiGatewayV2::Api': return this.apiId(name);
      case 'AWS::SQS::Queue': return queueUrl(this.urls.aws, this.physicalName(name));
      case 'AWS::ApiGatewayV2::Stage': return this.resolve(res.Properties?.StageName, name);
      // AppSync's Ref is the ARN (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-appsync-graphqlapi.html#aws-resource-appsync-graphqlapi-return-values).
      case 'AWS::AppSync::GraphQLApi': case 'AWS::AppSync::ApiKey': case 'AWS::AppSync::DataSource': return this.arn(name);
      default: return this.physicalName(name);
    }
  }

  private getAtt(logicalId: string, attr: string, where: string): unknown {
    const res = this.template.Resources[logicalId];
    if (!res) throw new TemplateError(`Fn::GetAtt names "${logicalId}", which is not in the template.`, where);
    if (attr === 'Arn') return this.arn(logicalId);
    switch (`${res.Type}.${attr}`) {
      case 'AWS::ApiGatewayV2::Api.ApiEndpoint': return this.urls.gateway.replace(/^http/, 'ws');
      case 'AWS::ApiGatewayV2::Api.ApiId': return this.apiId(logicalId);
      case 'AWS::SQS::Queue.QueueName': return this.physicalName(logicalId);
      case 'AWS::SQS::Queue.QueueUrl': return this.ref(logicalId, where);
      case 'AWS::Events::EventBus.Name': return this.physicalName(logicalId);
      case 'AWS::DynamoDB::Table.StreamArn': return `${this.arn(logicalId)}/stream/local`;
      case 'AWS::Lambda::Function.FunctionName': return this.physicalName(logicalId);
      // The GraphQLApi's attributes resolved to the local AppSync (the real-time URL is the custom-domain path).
      case 'AWS::AppSync::GraphQLApi.ApiId': return this.graphqlApiId(logicalId);
      case 'AWS::AppSync::GraphQLApi.GraphQLUrl': return `${this.appsyncUrl}/graphql`;
      case 'AWS::AppSync::GraphQLApi.RealtimeUrl': return `${this.appsyncUrl.replace(/^http/, 'ws')}/graphql/realtime`;
      case 'AWS::AppSync::GraphQLApi.GraphQLDns': case 'AWS::AppSync::GraphQLApi.RealtimeDns': return new URL(this.appsyncUrl).host;
      // The ARN EventBridge's AppSync target names (https://docs.aws.amazon.com/eventbridge/latest/userguide/target-appsync.html).
      case 'AWS::AppSync::GraphQLApi.GraphQLEndpointArn': return localArn('appsync', `endpoints/graphql-api/${this.graphqlApiId(logicalId)}`);
      case 'AWS::AppSync::ApiKey.ApiKey': case 'AWS::AppSync::ApiKey.ApiKeyId': return this.apiKeyValue(logicalId);
      case 'AWS::AppSync::DataSource.Name': return this.physicalName(logicalId);
      case 'AWS::AppSync::DataSource.DataSourceArn': return this.arn(logicalId);
    }
    return `${this.physicalName(logicalId)}.${attr}`;
  }

  private fn(key: string, arg: any, where: string): unknown {
    switch (key) {
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? arg : String(arg).split(/\.(.*)/s);
        return this.getAtt(String(id), String(attr), where);
      }
      case 'Fn::Join': {
        const [sep, parts] = arg as [string, unknown[]];
        const resolved = this.resolve(parts, where);
        if (!Array.isArray(resolved)) throw new TemplateError(`Fn::Join needs a list of parts.`, where);
        return this.localize(resolved.join(sep));
      }
      case 'Fn::Sub': {
        const [text, vars] = typeof arg === 'string' ? [arg, {}] : (arg as [string, Record<string, unknown>]);
        const values = this.resolve(vars, where) as Record<string, unknown>;
        const out = text.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
          if (name.startsWith('!')) return '${' + name.slice(1) + '}';
          if (name in values) return String(values[name]);
          const [id, attr] = name.split(/\.(.*)/s);
          return String(attr ? this.getAtt(id, attr, where) : this.ref(id, where));
        });
        return this.localize(out);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        const items = this.resolve(list, where);
        return items[Number(this.resolve(index, where))];
      }
      case 'Fn::Split': {
        const [sep, text] = arg as [string, unknown];
        return String(this.resolve(text, where)).split(sep);
      }
      case 'Fn::If': {
        const [cond, yes, no] = arg as [string, unknown, unknown];
        return this.resolve(this.condition(cond, where) ? yes : no, where);
      }
      case 'Fn::Base64':
        return Buffer.from(String(this.resolve(arg, where))).toString('base64');
      case 'Fn::GetAZs':
        return [`${LOCAL_REGION}a`, `${LOCAL_REGION}b`, `${LOCAL_REGION}c`];
      case 'Fn::Equals': {
        const [a, b] = this.resolve(arg, where) as [unknown, unknown];
        return JSON.stringify(a) === JSON.stringify(b);
      }
      case 'Fn::And': return (this.resolve(arg, where) as boolean[]).every(Boolean);
      case 'Fn::Or': return (this.resolve(arg, where) as boolean[]).some(Boolean);
      case 'Fn::Not': return !(this.resolve(arg, where) as boolean[])[0];
      default:
        throw new TemplateError(`the intrinsic ${key} is not supported by the local cloud.`, where);
    }
  }

  private condition(name: string, where: string): boolean {
    const conditions = (this.template as { Conditions?: Record<string, unknown> }).Conditions ?? {};
    if (!(name in conditions)) throw new TemplateError(`Fn::If names an unknown condition "${name}".`, where);
    return Boolean(this.resolve(conditions[name], where));
  }

  /**
   * `https://<api>.execute-api.<region>.amazonaws.com/<stage>` (and `wss://`) → the local gateway;
   * `https://<id>.appsync-api.<region>.amazonaws.com/graphql` and `wss://<id>.appsync-realtime-api.…/graphql`
   * → the local AppSync.
   */
  private localize(text: string): string {
    return text.replace(/\bhttps:\/\/[a-z0-9]+\.appsync-api\.[a-z0-9-]+\.amazonaws\.com\/graphql/g, `${this.appsyncUrl}/graphql`)
      .replace(/\bwss:\/\/[a-z0-9]+\.appsync-realtime-api\.[a-z0-9-]+\.amazonaws\.com\/graphql/g, `${this.appsyncUrl.replace(/^http/, 'ws')}/graphql/realtime`)
      .replace(
      /\b(https|wss):\/\/[a-z0-9]+\.execute-api\.[a-z0-9-]+\.amazonaws\.com/g,
      (_m, scheme: string) => (scheme === 'wss' ? this.urls.gateway.replace(/^http/, 'ws') : this.urls.gateway),
    );
  }
}

/** `Ref: AWS::NoValue`: removes the property or list item it stands in. */
const NO_VALUE = Symbol('AWS::NoValue');

/** The property holding an explicit physical name, per resource type. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::Events::EventBus': 'Name',
  'AWS::Events::Rule': 'Name',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::ApiGatewayV2::Stage': 'StageName',
  'AWS::AppSync::DataSource': 'Name',
};
