import { GatewayError } from './errors';

/** One part of a parsed route selection expression: literal text or a path into the JSON body. */
type Part = { literal: string } | { bodyPath: string[] };

/** A compiled route selection expression: `select(body)` gives the route key, or `undefined`. */
export interface RouteSelector {
  /** The expression as configured. */
  readonly expression: string;
  /**
   * The route key a message selects, or `undefined` when the expression cannot be evaluated against it
   * (not JSON, a property missing or not a string/number/boolean): API Gateway then uses `$default`.
   */
  select(body: string): string | undefined;
}

const IDENTIFIER_PATH = /^[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+)*$/;

function parseBodyPath(selector: string, expression: string): string[] {
  const prefix = 'request.body.';
  if (!selector.startsWith(prefix) || !IDENTIFIER_PATH.test(selector.slice(prefix.length))) {
    throw new GatewayError(
      'InvalidRouteSelectionExpression',
      `Route selection expression "${expression}" is not supported: use $request.body.<path> or ` +
        '${request.body.<path>} (dotted property names of the JSON message)',
    );
  }
  return selector.slice(prefix.length).split('.');
}

/** Splits an expression into literal text and `${request.body.…}` / `$request.body.…` references. */
function parse(expression: string): Part[] {
  const parts: Part[] = [];
  const pattern = /\$\{([^}]*)\}|\$(request\.body(?:\.[A-Za-z0-9_\-]+)+)/g;
  let last = 0;
  for (let m = pattern.exec(expression); m; m = pattern.exec(expression)) {
    if (m.index > last) parts.push({ literal: expression.slice(last, m.index) });
    parts.push({ bodyPath: parseBodyPath(m[1] ?? m[2] ?? '', expression) });
    last = m.index + m[0].length;
  }
  if (last < expression.length) parts.push({ literal: expression.slice(last) });
  if (!parts.some((p) => 'bodyPath' in p)) {
    throw new GatewayError(
      'InvalidRouteSelectionExpression',
      `Route selection expression "${expression}" selects nothing from the message: use $request.body.<path>`,
    );
  }
  return parts;
}

function lookup(root: unknown, path: string[]): string | undefined {
  let node: unknown = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  return undefined;
}

/**
 * Compiles a WebSocket route selection expression (`$request.body.action`, `${request.body.a.b}`, or
 * a template mixing literals and references such as `${request.body.service}/${request.body.action}`).
 * Throws a `GatewayError` (`InvalidRouteSelectionExpression`) for anything else.
 */
export function compileRouteSelection(expression: string): RouteSelector {
  const parts = parse(expression.trim());
  return {
    expression,
    select(body: string): string | undefined {
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        return undefined;
      }
      let key = '';
      for (const part of parts) {
        if ('literal' in part) {
          key += part.literal;
          continue;
        }
        const value = lookup(json, part.bodyPath);
        if (value === undefined) return undefined;
        key += value;
      }
      return key;
    },
  };
}
