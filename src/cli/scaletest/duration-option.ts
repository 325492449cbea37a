import { Option } from 'commander';
import { parseDuration } from '../duration.js';
import { CliError } from '../errors.js';
import { durationFlag } from '../flag-parsers.js';

/**
 * `--duration` of a load: more than 0 and at most `max` (a duration such as `1h`), so a scale
 * test always ends. `fallback` is a duration too, shown as written in the help.
 */
export function durationOption(description: string, max: string, fallback: string): Option {
  const maxMs = parseDuration(max)!;
  const parse = durationFlag('--duration');
  return new Option('--duration <duration>', `${description} (at most ${max}).`)
    .argParser((text) => {
      const ms = parse(text);
      if (ms <= 0 || ms > maxMs) throw new CliError(`--duration must be more than 0 and at most ${max}.`);
      return ms;
    })
    .default(parseDuration(fallback)!, fallback);
}
