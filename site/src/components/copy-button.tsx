/** Copies a value to the clipboard and says so; falls back to a selection copy on plain-http origins. */
import { useState } from 'react';

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  const area = document.createElement('textarea');
  area.value = text;
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  try {
    if (!document.execCommand('copy')) throw new Error('The browser refused to copy.');
  } finally {
    area.remove();
  }
}

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <button
      type="button"
      className="btn btn-small"
      onClick={() =>
        copyText(text)
          .then(
            () => setState('copied'),
            () => setState('failed'),
          )
          .finally(() => setTimeout(() => setState('idle'), 2000))
      }
      aria-live="polite"
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}
    </button>
  );
}

/** A command shown in a code box with a copy button. */
export function CopyableCommand({ command, label }: { command: string; label: string }) {
  return (
    <div className="command">
      <code aria-label={label}>{command}</code>
      <CopyButton text={command} label="Copy" />
    </div>
  );
}
