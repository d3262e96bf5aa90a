/** PowerShell statement keywords (lower case); only the first element of a pipeline can be one. */
export const STATEMENT_KEYWORDS = new Set([
  'if',
  'switch',
  'foreach',
  'for',
  'while',
  'do',
  'try',
  'trap',
  'function',
  'filter',
  'workflow',
  'configuration',
  'return',
  'throw',
  'exit',
  'break',
  'continue',
  'param',
  'begin',
  'process',
  'end',
  'clean',
  'dynamicparam',
  'class',
  'enum',
  'data',
  'using',
]);

/** Keywords that continue the previous statement even after a newline (`}` newline `else {`). */
export const CONTINUATION_KEYWORDS = new Set([
  'elseif',
  'else',
  'catch',
  'finally',
  'while',
  'until',
]);

/** Keywords whose rest is a pipeline (`return Remove-Item x`). */
export const PIPELINE_KEYWORDS = new Set(['return', 'throw', 'exit']);
