/** The --parameter / --rich-parameter-file options shared by create, start, restart and update. */
import type { Command } from 'commander';
import { collectKeyValue } from '../../key-values.js';

export function withParameterOptions(cmd: Command): Command {
  return cmd
    .option(
      '--parameter <name=value>',
      'A rich parameter value (repeatable).',
      collectKeyValue('--parameter'),
    )
    .option('--rich-parameter-file <file>', 'A YAML or JSON file of parameter values.');
}
