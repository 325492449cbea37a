/** Argument parser for options that may be repeated and may each hold a comma-separated list. */
export function collectCommaList(value: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}
