/** A relative time that updates itself, with the exact local time on hover. */
import { useEffect, useState } from 'react';
import { localDateTime, relativeTime } from '../lib/format.js';

export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}

export function RelativeTime({ iso }: { iso: string | undefined }) {
  const now = useNow();
  return (
    <time dateTime={iso} title={localDateTime(iso)}>
      {relativeTime(iso, now)}
    </time>
  );
}
