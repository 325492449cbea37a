/**
 * Names for template versions pushed without one, in Coder's adjective_surname style (moby's
 * namesgenerator): short, readable and unlikely to repeat within a template.
 */
import { randomInt } from 'node:crypto';

const adjectives = [
  'admiring',
  'brave',
  'clever',
  'compassionate',
  'dazzling',
  'eager',
  'elegant',
  'festive',
  'focused',
  'gallant',
  'happy',
  'hopeful',
  'jolly',
  'keen',
  'kind',
  'lucid',
  'modest',
  'nifty',
  'optimistic',
  'peaceful',
  'quirky',
  'relaxed',
  'serene',
  'sharp',
  'stoic',
  'tender',
  'trusting',
  'upbeat',
  'vibrant',
  'wizardly',
  'youthful',
  'zealous',
];

const surnames = [
  'babbage',
  'bardeen',
  'curie',
  'darwin',
  'dijkstra',
  'einstein',
  'euler',
  'feynman',
  'gauss',
  'goldberg',
  'hamilton',
  'hopper',
  'hypatia',
  'johnson',
  'kepler',
  'knuth',
  'lamport',
  'liskov',
  'lovelace',
  'mcclintock',
  'meitner',
  'noether',
  'pascal',
  'ritchie',
  'shannon',
  'thompson',
  'torvalds',
  'turing',
  'wiles',
  'wozniak',
  'yalow',
  'zhukovsky',
];

export function randomVersionName(): string {
  return `${adjectives[randomInt(adjectives.length)]}_${surnames[randomInt(surnames.length)]}`;
}

/** A random name not in use: after a few collisions a numeric suffix makes it unique. */
export async function uniqueVersionName(taken: (name: string) => Promise<boolean>): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const name = attempt < 5 ? randomVersionName() : `${randomVersionName()}${randomInt(1, 10_000)}`;
    if (!(await taken(name))) return name;
  }
}
