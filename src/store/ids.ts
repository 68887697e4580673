import { randomBytes } from 'node:crypto';

/** 40 random bits fit a JS number exactly, so the same-millisecond increment needs no BigInt. */
const RANDOM_SPACE = 2 ** 40;

/** Largest millisecond time that still fits the id's 12 hex digits (the year 10889). */
const MAX_TIME = 16 ** 12 - 1;

const PREFIX_PATTERN = /^[a-z]+_$/;

/**
 * Returns a generator of opaque, URL-safe ids that sort in creation order: `prefix`, 12 hex digits
 * of the millisecond time, 10 hex digits of randomness. Within one millisecond (or when the clock
 * steps back) the random part is incremented instead of redrawn, so ids of one generator always
 * increase and paging by id follows creation order.
 */
export function timeOrderedIds(prefix: string, random: () => number = randomPart): (timeMs: number) => string {
  if (!PREFIX_PATTERN.test(prefix))
    throw new TypeError(`an id prefix is lower-case letters and "_", like "usr_"; got ${JSON.stringify(prefix)}`);
  let lastTime = -1;
  let lastRandom = 0;
  return (timeMs: number) => {
    if (!Number.isInteger(timeMs) || timeMs < 0 || timeMs > MAX_TIME)
      throw new TypeError(`an id time is a millisecond timestamp, got ${timeMs}`);
    let time = timeMs;
    let part: number;
    if (time > lastTime) {
      part = random();
    } else {
      time = lastTime;
      part = lastRandom + 1;
      if (part >= RANDOM_SPACE) {
        time += 1;
        part = random();
      }
    }
    lastTime = time;
    lastRandom = part;
    return prefix + time.toString(16).padStart(12, '0') + part.toString(16).padStart(10, '0');
  };
}

/** A uniformly random integer in [0, 2^40). */
function randomPart(): number {
  return randomBytes(5).readUIntBE(0, 5);
}
