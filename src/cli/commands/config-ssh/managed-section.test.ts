// Splicing the managed section into an ssh_config: everything outside it is kept byte for byte.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInput } from '../../../sdk/errors.js';
import { replaceManagedSection } from './managed-section.js';
import { sectionEnd, sectionStart } from './ssh-config-block.js';

const block = (host: string) => [sectionStart, `Host ${host}`, '  User me', sectionEnd];
const put = (file: string, host = 'hangar.dev') => replaceManagedSection(file, block(host), 'config');

describe('managed ssh_config section', () => {
  it('an empty or missing file gets just the section', () => {
    assert.equal(put(''), `${block('hangar.dev').join('\n')}\n`);
  });

  it('is appended after a blank line, the user’s text untouched (with or without a final newline)', () => {
    const user = 'Host work\n  User alice\n';
    assert.equal(put(user), `${user}\n${block('hangar.dev').join('\n')}\n`);
    assert.equal(put('Host work'), `Host work\n\n${block('hangar.dev').join('\n')}\n`);
  });

  it('replaces only the section in place, keeping the text before and after byte for byte', () => {
    const before = '# mine\nHost a\n\tUser x   \n\n';
    const afterText = '\nHost *\n  ServerAliveInterval 30';
    const file = `${before}${block('hangar.old').join('\n')}${afterText}`;
    const out = put(file, 'hangar.new');
    assert.equal(out, `${before}${block('hangar.new').join('\n')}${afterText}`);
    assert.equal(put(out, 'hangar.new'), out, 'running again changes nothing');
  });

  it('keeps CRLF line ends', () => {
    const file = `Host a\r\n${block('hangar.old').join('\r\n')}\r\nHost b\r\n`;
    assert.equal(put(file), `Host a\r\n${block('hangar.dev').join('\r\n')}\r\nHost b\r\n`);
    assert.equal(put('Host a\r\n'), `Host a\r\n\r\n${block('hangar.dev').join('\r\n')}\r\n`);
  });

  it('refuses a damaged section instead of guessing which lines are the user’s', () => {
    const cases = [
      `${sectionStart}\nHost a\n`,
      `Host a\n${sectionEnd}\n`,
      `${sectionEnd}\n${sectionStart}\n`,
      `${block('a').join('\n')}\n${block('b').join('\n')}\n`,
    ];
    for (const file of cases)
      assert.throws(
        () => put(file),
        (err: unknown) => err instanceof InvalidInput && /damaged/.test(err.message) && Boolean(err.detail),
      );
  });
});
