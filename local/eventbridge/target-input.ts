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
