/**
 * The one output formatter (Coder's cliui/output.go). A command declares its row type's columns and
 * returns data; this adds `-o/--output` and `-c/--column` and prints. Table is the default unless
 * the command offers a `text` sentence; `-o json` puts only JSON on stdout.
 */
import { Option, type Command } from 'commander';
import { CliError, ExitCode } from '../errors.js';
import { renderTable } from './table.js';
import { collectCommaList } from '../comma-list.js';

export interface Column<T> {
  /** Lower-case name as typed with -c and shown (upper-cased) as the header. */
  name: string;
  value: (row: T) => string;
  /** Shown when -c is not given. */
  default?: boolean;
}

export interface OutputSpec<T> {
  columns: Column<T>[];
  /** The friendly line printed instead of an empty table. */
  empty?: string;
  /** A sentence for one item; makes `text` the default format. */
  text?: (item: T) => string;
}

interface OutputOptions {
  output?: string;
  column?: string[];
}

const normalize = (name: string) =>
  name
    .toLowerCase()
    .replace(/[-_\s]+/g, ' ')
    .trim();

export class OutputFormatter<T> {
  constructor(readonly spec: OutputSpec<T>) {}

  get formats(): string[] {
    return this.spec.text ? ['text', 'table', 'json'] : ['table', 'json'];
  }

  /** Adds -o and -c to the command; call before defining its action. */
  attach(cmd: Command): Command {
    const names = this.spec.columns.map((c) => c.name);
    return cmd
      .addOption(
        new Option('-o, --output <format>', 'Output format.').choices(this.formats).default(this.formats[0]),
      )
      .addOption(
        new Option(
          '-c, --column <columns>',
          `Columns to show in table format (comma-separated or repeated): ${names.join(', ')}.`,
        ).argParser(collectCommaList),
      );
  }

  /** Renders data (a list or a single item) in the format the options ask for. */
  format(data: T | T[], options: OutputOptions): string {
    const format = options.output ?? this.formats[0];
    if (format === 'json') return `${JSON.stringify(data, null, 2)}\n`;
    if (format === 'text' && this.spec.text && !Array.isArray(data)) return `${this.spec.text(data)}\n`;
    const rows = Array.isArray(data) ? data : [data];
    if (rows.length === 0) return `${this.spec.empty ?? 'Nothing to show.'}\n`;
    const columns = this.pickColumns(options.column);
    return renderTable(
      columns.map((c) => c.name),
      rows.map((r) => columns.map((c) => c.value(r))),
    );
  }

  print(cmd: Command, data: T | T[]): void {
    const options = cmd.opts<OutputOptions>();
    const text = this.format(data, options);
    // The empty-list line is for people; scripts reading a table see an empty stdout.
    const isEmptyTable = Array.isArray(data) && data.length === 0 && options.output !== 'json';
    (isEmptyTable ? process.stderr : process.stdout).write(text);
  }

  private pickColumns(requested: string[] | undefined): Column<T>[] {
    const all = this.spec.columns;
    if (!requested?.length) return all.filter((c) => c.default);
    return requested.map((name) => {
      const column = all.find((c) => normalize(c.name) === normalize(name));
      if (!column) {
        throw new CliError(`Unknown column "${name}".`, {
          exitCode: ExitCode.usage,
          hint: `Choose from: ${all.map((c) => c.name).join(', ')}.`,
        });
      }
      return column;
    });
  }
}
