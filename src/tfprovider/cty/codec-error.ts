/** A value that does not fit its type, with the attribute path where decoding stopped. */
export type PathStep = string | number | { key: string };

export class CodecError extends Error {
  constructor(
    message: string,
    readonly path: readonly PathStep[],
  ) {
    super(path.length ? `${message} (at ${formatPath(path)})` : message);
    this.name = 'CodecError';
  }
}

export function formatPath(path: readonly PathStep[]): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'string') out += out ? `.${step}` : step;
    else if (typeof step === 'number') out += `[${step}]`;
    else out += `[${JSON.stringify(step.key)}]`;
  }
  return out;
}
