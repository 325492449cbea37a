/** Renders a README as React elements from the parsed tree (see lib/markdown.ts): no HTML passes. */
import { Fragment, useMemo, type ReactNode } from 'react';
import { parseMarkdown, type Block, type Inline } from '../lib/markdown.js';

function inlines(nodes: Inline[]): ReactNode {
  return nodes.map((n, i) => {
    switch (n.type) {
      case 'text':
        return <Fragment key={i}>{n.text}</Fragment>;
      case 'code':
        return <code key={i}>{n.text}</code>;
      case 'strong':
        return <strong key={i}>{inlines(n.children)}</strong>;
      case 'em':
        return <em key={i}>{inlines(n.children)}</em>;
      case 'del':
        return <del key={i}>{inlines(n.children)}</del>;
      case 'link':
        return (
          <a key={i} href={n.href} target="_blank" rel="noreferrer noopener">
            {inlines(n.children)}
          </a>
        );
      case 'image':
        return <img key={i} src={n.src} alt={n.alt} loading="lazy" referrerPolicy="no-referrer" />;
      case 'br':
        return <br key={i} />;
    }
  });
}

function blocks(nodes: Block[]): ReactNode {
  return nodes.map((b, i) => {
    switch (b.type) {
      case 'heading': {
        const Tag = `h${Math.min(6, b.level + 1)}` as 'h2';
        return <Tag key={i}>{inlines(b.children)}</Tag>;
      }
      case 'paragraph':
        return <p key={i}>{inlines(b.children)}</p>;
      case 'code':
        return (
          <pre key={i} data-lang={b.lang || undefined}>
            <code>{b.text}</code>
          </pre>
        );
      case 'list': {
        const items = b.items.map((item, j) => (
          <li key={j}>
            {item.length === 1 && item[0]!.type === 'paragraph' ? inlines(item[0]!.children) : blocks(item)}
          </li>
        ));
        return b.ordered ? (
          <ol key={i} start={b.start}>
            {items}
          </ol>
        ) : (
          <ul key={i}>{items}</ul>
        );
      }
      case 'quote':
        return <blockquote key={i}>{blocks(b.children)}</blockquote>;
      case 'hr':
        return <hr key={i} />;
      case 'table':
        return (
          <div key={i} className="table-scroll">
            <table>
              <thead>
                <tr>
                  {b.head.map((c, j) => (
                    <th key={j}>{inlines(c)}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {b.rows.map((r, j) => (
                  <tr key={j}>
                    {r.map((c, k) => (
                      <td key={k}>{inlines(c)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        );
    }
  });
}

/** Headings are shifted down one level: the page already has its h1. */
export function Markdown({ source }: { source: string }) {
  const tree = useMemo(() => parseMarkdown(source), [source]);
  return <div className="markdown">{blocks(tree)}</div>;
}
