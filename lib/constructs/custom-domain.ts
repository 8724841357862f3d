import { ApiMapping, DomainName, SecurityPolicy, type WebSocketApi, type WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ApiGatewayv2DomainProperties } from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { InvalidConfigError } from '../config';

/** Properties of a {@link CustomDomain}. */
export interface CustomDomainProps {
  /** The host name clients connect to, e.g. `push.example.com`. */
  readonly domainName: string;
  /** An ACM certificate for `domainName`, in the stack's region (API Gateway regional endpoints need that). */
  readonly certificate: ICertificate;
  /** The API. */
  readonly api: WebSocketApi;
  /** The stage the domain's root maps to. */
  readonly stage: WebSocketStage;
  /**
   * A Route 53 hosted zone in which to create the domain's alias record.
   * @default - no record: point the name at `regionalDomainName` yourself
   */
  readonly hostedZone?: route53.IHostedZone;
}

/** Host names: dot-separated labels of letters, digits and hyphens, at most 253 characters. */
const HOST_NAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/**
 * A custom domain for the WebSocket API (`wss://push.example.com`, no stage in the path): a regional API
 * Gateway domain name with TLS 1.2, an API mapping of its root to the stage, and optionally the Route 53
 * alias record. https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-custom-domain-names.html
 */
export class CustomDomain extends Construct {
  /** The API Gateway domain name. */
  public readonly domain: DomainName;
  /** `wss://<domainName>`. */
  public readonly webSocketUrl: string;

  constructor(scope: Construct, id: string, props: CustomDomainProps) {
    super(scope, id);
    if (!HOST_NAME.test(props.domainName)) {
      throw new InvalidConfigError(
        'domainName',
        `Invalid props "domainName": ${JSON.stringify(props.domainName)}. Expected a host name without scheme or path, e.g. { domainName: 'push.example.com' }.`,
      );
    }
    this.domain = new DomainName(this, 'DomainName', {
      domainName: props.domainName,
      certificate: props.certificate,
      securityPolicy: SecurityPolicy.TLS_1_2,
    });
    new ApiMapping(this, 'Mapping', { api: props.api, domainName: this.domain, stage: props.stage });
    if (props.hostedZone !== undefined) {
      new route53.ARecord(this, 'AliasRecord', {
        zone: props.hostedZone,
        recordName: props.domainName,
        target: route53.RecordTarget.fromAlias(
          new ApiGatewayv2DomainProperties(this.domain.regionalDomainName, this.domain.regionalHostedZoneId),
        ),
      });
    }
    this.webSocketUrl = `wss://${props.domainName}`;
  }
}
