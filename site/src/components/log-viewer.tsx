/**
 * Log output (build logs, template imports, agent startup logs): ANSI colours rendered as styled
 * text nodes, never as markup; follows the end while the user is at the bottom, and stops
 * following when they scroll up to read.
 */
import { Fragment, useLayoutEffect, useMemo, useRef, type CSSProperties } from 'react';
import type { ProvisionerJobLog } from '../../../src/sdk/provisioner-jobs.js';
import { parseAnsi, type AnsiSegment, type AnsiStyle } from '../lib/ansi.js';

export interface LogLine {
  id: number | string;
  time?: string;
  level?: string;
  /** Lines of one stage are grouped under its name. */
  stage?: string;
  output: string;
}

/** A provisioner job's log (builds, template imports) as viewer lines, grouped by stage. */
export function jobLogLines(logs: readonly ProvisionerJobLog[]): LogLine[] {
  return logs.map((l) => ({
    id: l.id,
    time: l.created_at,
    level: l.log_level,
    stage: l.stage,
    output: l.output,
  }));
}

function segmentProps(style: AnsiStyle): { className?: string; style?: CSSProperties } {
  const classes: string[] = [];
  const css: CSSProperties = {};
  if (typeof style.fg === 'number') classes.push(`ansi-fg-${style.fg}`);
  else if (style.fg) css.color = style.fg;
  if (typeof style.bg === 'number') classes.push(`ansi-bg-${style.bg}`);
  else if (style.bg) css.backgroundColor = style.bg;
  if (style.bold) classes.push('ansi-bold');
  if (style.dim) classes.push('ansi-dim');
  if (style.italic) classes.push('ansi-italic');
  if (style.underline) classes.push('ansi-underline');
  return { className: classes.join(' ') || undefined, style: Object.keys(css).length ? css : undefined };
}

function Segments({ segments }: { segments: AnsiSegment[] }) {
  return (
    <>
      {segments.map((s, i) =>
        s.style.fg === undefined && s.style.bg === undefined && Object.keys(s.style).length === 0 ? (
          <Fragment key={i}>{s.text}</Fragment>
        ) : (
          <span key={i} {...segmentProps(s.style)}>
            {s.text}
          </span>
        ),
      )}
    </>
  );
}

function timeOf(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isFinite(d.getTime()) ? d.toLocaleTimeString([], { hour12: false }) : '';
}

export function LogViewer({
  lines,
  empty = 'No output yet.',
  label,
  maxHeight = 420,
}: {
  lines: LogLine[];
  empty?: string;
  label: string;
  maxHeight?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  // Styles carry across lines (a colour set on one line and reset on a later one).
  const parsed = useMemo(() => {
    let style: AnsiStyle = {};
    return lines.map((l) => {
      const r = parseAnsi(l.output, style);
      style = r.style;
      return { line: l, segments: r.segments };
    });
  }, [lines]);
  useLayoutEffect(() => {
    const el = box.current;
    if (el && follow.current) el.scrollTop = el.scrollHeight;
  }, [parsed]);
  return (
    <div
      ref={box}
      className="log"
      style={{ maxHeight }}
      role="log"
      aria-label={label}
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        follow.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
    >
      {parsed.length === 0 && <div className="log-empty">{empty}</div>}
      {parsed.map(({ line, segments }, i) => (
        <Fragment key={line.id}>
          {line.stage !== undefined && line.stage !== parsed[i - 1]?.line.stage && (
            <div className="log-stage">{line.stage || 'Output'}</div>
          )}
          <div className={`log-line log-${line.level ?? 'info'}`} data-log-line>
            {line.time !== undefined && <span className="log-time">{timeOf(line.time)}</span>}
            <span className="log-text">
              <Segments segments={segments} />
            </span>
          </div>
        </Fragment>
      ))}
    </div>
  );
}
