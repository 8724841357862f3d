import { ROUTE_SELECTION_EXPRESSION } from '../../../shared/protocol';
import type { CfnResource } from '../assembly';
import { TemplateError } from '../errors';
import type { TemplateReader } from '../template-reader';
import { functionByRef, type FunctionModel } from './lambda';

/** Resource types this reader reads. */
export const GATEWAY_RESOURCE_TYPES = [
  'AWS::ApiGatewayV2::Api', 'AWS::ApiGatewayV2::Route', 'AWS::ApiGatewayV2::RouteResponse',
  'AWS::ApiGatewayV2::Integration', 'AWS::ApiGatewayV2::Authorizer', 'AWS::ApiGatewayV2::Stage',
] as const;

export interface RouteModel {
  routeKey: string;
  functionName: string;
  returnResponse: boolean;
  authorizer?: AuthorizerModel;
}

export interface AuthorizerModel {
  logicalId: string;
  functionName: string;
  identitySources: string[];
}

export interface WebSocketApiModel {
  logicalId: string;
  apiId: string;
  name: string;
  routeSelectionExpression: string;
  stage: string;
  routes: RouteModel[];
}

/** The stack's WebSocket APIs with their stage, routes, integrations, route responses and authorizers. */
export function readWebSocketApis(t: TemplateReader, functions: readonly FunctionModel[]): WebSocketApiModel[] {
  return t.resources('AWS::ApiGatewayV2::Api')
    .filter(([, res]) => res.Properties?.ProtocolType === 'WEBSOCKET')
    .map(([apiLogicalId, res]) => {
      const apiId = t.resolver.apiId(apiLogicalId);
      const ofApi = (type: string) => t.resources(type).filter(([id, x]) => t.resolver.resolve(x.Properties?.ApiId, id) === apiId);
      const stages = ofApi('AWS::ApiGatewayV2::Stage').map(([id, x]) => t.props(id, x).StageName as string);
      if (stages.length === 0) throw new TemplateError('the WebSocket API has no stage; add a WebSocketStage.', apiLogicalId);
      const routeResponses = new Set(ofApi('AWS::ApiGatewayV2::RouteResponse').map(([id, x]) => String(t.resolver.resolve(x.Properties?.RouteId, id))));
      return {
        logicalId: apiLogicalId,
        apiId,
        name: String(res.Properties?.Name ?? apiLogicalId),
        routeSelectionExpression: String(res.Properties?.RouteSelectionExpression ?? ROUTE_SELECTION_EXPRESSION),
        stage: stages[0],
        routes: ofApi('AWS::ApiGatewayV2::Route').map(([routeId, x]) => readRoute(t, functions, routeId, x, routeResponses.has(routeId))),
      };
    });
}

function readRoute(t: TemplateReader, functions: readonly FunctionModel[], routeId: string, res: CfnResource, returnResponse: boolean): RouteModel {
  const p = t.props(routeId, res);
  const target = String(p.Target ?? '');
  const integrationId = target.replace(/^integrations\//, '');
  const integration = t.stack.template.Resources[integrationId];
  if (!integration || integration.Type !== 'AWS::ApiGatewayV2::Integration') {
    throw new TemplateError(`route ${p.RouteKey} has no integration (Target "${target}").`, routeId);
  }
  const ip = t.props(integrationId, integration);
  if (ip.IntegrationType !== 'AWS_PROXY') {
    throw new TemplateError(`integration type ${ip.IntegrationType} is not run locally; use a Lambda proxy integration (AWS_PROXY).`, integrationId);
  }
  const authorizer = p.AuthorizationType === 'CUSTOM' ? readAuthorizer(t, functions, routeId, p) : undefined;
  return { routeKey: String(p.RouteKey), functionName: functionByRef(functions, ip.IntegrationUri, integrationId).name, returnResponse, authorizer };
}

function readAuthorizer(t: TemplateReader, functions: readonly FunctionModel[], routeId: string, route: Record<string, any>): AuthorizerModel {
  const authId = String(route.AuthorizerId);
  const a = t.stack.template.Resources[authId];
  if (!a) throw new TemplateError(`route ${route.RouteKey} names authorizer "${authId}", which is not in the template.`, routeId);
  const ap = t.props(authId, a);
  return {
    logicalId: authId,
    functionName: functionByRef(functions, ap.AuthorizerUri, authId).name,
    identitySources: (ap.IdentitySource ?? []) as string[],
  };
}
