/**
 * What a target receives: the whole event, the constant `Input`, or the part selected by `InputPath`
 * (a JSONPath of the simple form EventBridge accepts: `$`, `$.detail`, `$.detail.items[0]`, `$['a-b']`).
 */

/** Parses an `InputPath` into its steps; returns a string saying what is wrong when it is not supported. */
export function parseInputPath(path: string): Array<string | number> | string {
  if (!path.startsWith('$')) return `InputPath "${path}" must start with "$"`;
  const steps: Array<string | number> = [];
  const stepPattern = /\.([A-Za-z0-9_$-]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/y;
  let position = 1;
  while (position < path.length) {
    stepPattern.lastIndex = position;
    const m = stepPattern.exec(path);
    if (!m) return `InputPath "${path}" is not a supported JSONPath (at character ${position + 1})`;
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else steps.push(m[3] ?? m[4]);
    position = stepPattern.lastIndex;
  }
  return steps;
}

/**
 * Applies a target's input settings to an event. A path that selects nothing gives `null`
 * (a choice: the target still receives a delivery).
 */
export function targetPayload(event: unknown, target: { input?: string; inputPath?: string }): unknown {
  if (target.input !== undefined) return JSON.parse(target.input);
  if (target.inputPath === undefined) return event;
  const steps = parseInputPath(target.inputPath);
  if (typeof steps === 'string') return null;
  let value: unknown = event;
  for (const step of steps) {
    if (value === null || typeof value !== 'object') return null;
    value = (value as Record<string | number, unknown>)[step];
  }
  return value === undefined ? null : value;
}

/** A target's `InputTransformer`: named JSONPaths into the event, and the template they are put into. */
export interface InputTransformer {
  inputPathsMap?: Record<string, string>;
  inputTemplate: string;
}

/** What the predefined variables of an input template stand for (`<aws.events.rule-name>`…). */
export interface TransformContext {
  ruleName: string;
  ruleArn: string;
  /** When the event was accepted (ms). */
  ingestedAt: number;
}

/** What is wrong with an `InputTransformer`, or `undefined` when EventBridge would take it. */
export function inputTransformerProblem(t: InputTransformer): string | undefined {
  if (typeof t.inputTemplate !== 'string' || t.inputTemplate === '') return 'InputTransformer needs an InputTemplate';
  const paths = Object.entries(t.inputPathsMap ?? {});
  if (paths.length > 100) return 'InputTransformer: InputPathsMap holds at most 100 paths';
  for (const [name, path] of paths) {
    if (name.startsWith('aws.events.')) return `InputTransformer: the name "${name}" is reserved for the predefined variables`;
    const steps = parseInputPath(path);
    if (typeof steps === 'string') return `InputTransformer: ${steps}`;
  }
  return undefined;
}

function select(event: unknown, path: string): unknown {
  const steps = parseInputPath(path);
  if (typeof steps === 'string') return undefined;
  let value: unknown = event;
  for (const step of steps) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[step];
  }
  return value;
}

/**
 * Applies an `InputTransformer`, as EventBridge describes it
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html,
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html): each `<name>` of the
 * template is replaced by the value its path selects. In a JSON template (one that starts with `{` or `[`) a
 * value outside a JSON string is put as JSON, inside one as its text (a string without its quotes, escaped);
 * in a text template every value is put as its text. The predefined variables are `<aws.events.rule-name>`,
 * `<aws.events.rule-arn>`, `<aws.events.event.ingestion-time>`, `<aws.events.event>` (the event without its
 * `detail`) and `<aws.events.event.json>` (the whole event). A path that selects nothing gives `null` outside
 * a string and nothing inside one. The result is delivered as JSON when it parses as JSON, else as text.
 */
export function transformInput(event: unknown, t: InputTransformer, ctx: TransformContext): unknown {
  const values = new Map<string, unknown>(Object.entries(t.inputPathsMap ?? {}).map(([name, path]) => [name, select(event, path)]));
  values.set('aws.events.rule-name', ctx.ruleName);
  values.set('aws.events.rule-arn', ctx.ruleArn);
  const { detail: _detail, ...withoutDetail } = (event ?? {}) as Record<string, unknown>;
  values.set('aws.events.event', withoutDetail);
  values.set('aws.events.event.json', event);
  values.set('aws.events.event.ingestion-time', new Date(ctx.ingestedAt).toISOString());
  let out = '';
  let inString = false;
  const text = t.inputTemplate;
  const json = /^\s*[{[]/.test(text);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && inString) {
      out += c + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') inString = !inString;
    if (c === '<') {
      const end = text.indexOf('>', i);
      const name = end > i ? text.slice(i + 1, end) : '';
      if (values.has(name)) {
        const value = values.get(name);
        const asText = value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
        if (!json) out += asText;
        else if (inString) out += JSON.stringify(asText).slice(1, -1);
        else out += value === undefined ? 'null' : JSON.stringify(value);
        i = end;
        continue;
      }
    }
    out += c;
  }
  try {
    return JSON.parse(out);
  } catch {
    return out;
  }
}
