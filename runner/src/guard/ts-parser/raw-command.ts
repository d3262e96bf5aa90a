import type { ArgValue, InvokedVia } from '../parsed-command.ts';

/** One element after the command name, before parameter binding. */
export type RawElement =
  | { kind: 'param'; rawName: string; value?: ArgValue }
  | { kind: 'arg'; value: ArgValue }
  | { kind: 'end-of-params' };

/** A command as the parser saw it: a name and its elements, not yet bound to parameters. */
export interface RawCommand {
  rawName: string;
  staticName: boolean;
  via: InvokedVia;
  depth: number;
  elements: RawElement[];
}

/** A static value of one item. */
export function literal(text: string): ArgValue {
  return { text, items: [text], static: true };
}
