/**
 * The dashboard's one table: a labelled, horizontally scrollable table whose columns say their
 * header and how to draw a row's cell, so pages describe data instead of repeating markup.
 */
import type { HTMLAttributes, ReactNode } from 'react';

export interface Column<T> {
  header: string;
  /** Read by screen readers only (e.g. an actions column). */
  hiddenHeader?: boolean;
  cell(row: T): ReactNode;
}

/** Attributes for a row: test and styling hooks such as `data-user` or `className`. */
type RowAttributes = HTMLAttributes<HTMLTableRowElement> & { [data: `data-${string}`]: string };

export function DataTable<T>({
  label,
  rows,
  columns,
  rowKey,
  rowProps,
  actions,
  footer,
}: {
  label: string;
  rows: readonly T[];
  /** `false` entries are dropped, so a column can be shown conditionally inline. The row type
   * comes from `rows` alone (NoInfer), so cells and `actionsColumn` are typed by it. */
  columns: ReadonlyArray<Column<NoInfer<T>> | false>;
  rowKey(row: NoInfer<T>): string;
  rowProps?(row: NoInfer<T>): RowAttributes;
  /** The row's buttons, in a last column whose header only screen readers read. */
  actions?(row: NoInfer<T>): ReactNode;
  footer?: ReactNode;
}) {
  const shown = columns.filter((c): c is Column<T> => c !== false);
  if (actions) {
    shown.push({
      header: 'Actions',
      hiddenHeader: true,
      cell: (row) => <div className="row-actions">{actions(row)}</div>,
    });
  }
  return (
    <div className="table-scroll">
      <table className="table" aria-label={label}>
        <thead>
          <tr>
            {shown.map((c) => (
              <th key={c.header}>
                {c.hiddenHeader ? <span className="visually-hidden">{c.header}</span> : c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} {...rowProps?.(row)}>
              {shown.map((c) => (
                <td key={c.header}>{c.cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {footer}
    </div>
  );
}
