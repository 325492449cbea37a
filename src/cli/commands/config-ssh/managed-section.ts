/**
 * Puts the managed section into an ssh_config text: replaces the lines from the START-HANGAR
 * marker to the END-HANGAR marker, or appends the section when there is none, and keeps every
 * other byte of the file as it was. A damaged section (a marker without its partner, or two
 * sections) is refused rather than guessed at, since the lines between could be the user's.
 */
import { InvalidInput } from '../../../sdk/errors.js';
import { sectionEnd, sectionStart } from './ssh-config-block.js';

export function replaceManagedSection(file: string, block: string[], fileName: string): string {
  const eol = file.includes('\r\n') ? '\r\n' : '\n';
  // Each line with its offsets, so the text around the section is kept byte for byte.
  const lines: { text: string; from: number; to: number }[] = [];
  for (let from = 0; from <= file.length;) {
    const nl = file.indexOf('\n', from);
    const to = nl < 0 ? file.length : nl;
    lines.push({ text: file.slice(from, to).replace(/\r$/, ''), from, to });
    if (nl < 0) break;
    from = nl + 1;
  }
  const starts = lines.flatMap((l, i) => (l.text.trim() === sectionStart ? [i] : []));
  const ends = lines.flatMap((l, i) => (l.text.trim() === sectionEnd ? [i] : []));
  const damaged = (detail: string) =>
    new InvalidInput(`The Hangar section of ${fileName} is damaged; fix or remove it by hand.`, {
      detail,
    });
  if (starts.length > 1 || ends.length > 1)
    throw damaged(
      `It has ${starts.length} START-HANGAR and ${ends.length} END-HANGAR markers; one of each is expected.`,
    );
  const [start] = starts;
  const [end] = ends;
  const section = block.join(eol);
  if (start === undefined && end === undefined) {
    if (file === '') return `${section}${eol}`;
    return `${file}${file.endsWith('\n') ? '' : eol}${eol}${section}${eol}`;
  }
  if (start === undefined || end === undefined || end < start)
    throw damaged(
      start === undefined
        ? `Line ${end! + 1} has an END-HANGAR marker with no START-HANGAR before it.`
        : end === undefined
          ? `Line ${start + 1} has a START-HANGAR marker with no END-HANGAR after it.`
          : `The END-HANGAR marker (line ${end + 1}) comes before START-HANGAR (line ${start + 1}).`,
    );
  // A \r ending the END line belongs to its line break, which stays.
  const to = lines[end]!.to - (file[lines[end]!.to - 1] === '\r' ? 1 : 0);
  return file.slice(0, lines[start]!.from) + section + file.slice(to);
}
