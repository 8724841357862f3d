/** How many of a function's latest output lines are kept for its error report. */
const KEPT_LINES = 20;

/** A runtime line, as the execution environments write it: `[FunctionName] text`. */
const FUNCTION_LINE = /^\[([A-Za-z0-9_-]+)\] (.*)$/s;

/**
 * The functions' output, split by function: forwards every line to `log` as it is, keeps each function's
 * latest lines (shown with a function error) and hands each line to `onLine`.
 */
export class FunctionOutput {
  private readonly tails = new Map<string, string[]>();

  constructor(
    private readonly log: (line: string) => void,
    private readonly onLine?: (functionName: string, text: string) => void,
  ) {}

  /** Takes one line of the runtime's output. */
  readonly line = (line: string): void => {
    this.log(line);
    const m = FUNCTION_LINE.exec(line);
    if (!m) return;
    const [, name, text] = m as unknown as [string, string, string];
    const tail = this.tails.get(name) ?? [];
    tail.push(text);
    if (tail.length > KEPT_LINES) tail.shift();
    this.tails.set(name, tail);
    this.onLine?.(name, text);
  };

  /** A function's latest lines, oldest first. */
  latest(functionName: string): string[] {
    return [...(this.tails.get(functionName) ?? [])];
  }
}
