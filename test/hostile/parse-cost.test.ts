// Parsing cost grows linearly with the request (SPEC §8): for every worst-case shape an attacker can repeat,
// doubling the input at most about doubles the reader's CPU time. This asserts growth, not absolute time, so it
// holds on a slow or busy machine; the absolute figures are printed by `npm run bench -- --only parse`.
import { expect } from 'chai';
import { readXml } from '../../src/soap/xml-reader.ts';
import { parseShapes } from '../support/parse-shapes.ts';

const KiB = 1024;
const SMALL = 256 * KiB;
const REPETITIONS = 9;
/**
 * Noise on a shared machine only ever adds time, and now and then a whole measurement lands on a busy moment; a
 * shape is measured again (at most this many times) before its growth is judged. Quadratic growth measures about
 * 4× every time, so a second or third look cannot hide it.
 */
const ROUNDS = 5;
/** Linear growth doubles the cost; the margin absorbs noise (caches, GC). Quadratic growth quadruples it. */
const MAX_RATIO = 3;

const cpuOf = (xml: string): number => {
  const before = process.cpuUsage();
  try {
    readXml(xml);
  } catch {
    // A refused document costs what it costs to refuse it; the growth is what counts here.
  }
  const used = process.cpuUsage(before);
  return used.user + used.system;
};

/**
 * The least CPU time (µs, user + system) of several reads of each document, alternating the two so that a busy
 * moment of the machine or a collection of the previous read's garbage falls on both alike.
 */
function leastCpu(small: string, big: string): [number, number] {
  let a = Infinity;
  let b = Infinity;
  for (let i = 0; i < REPETITIONS; i++) {
    a = Math.min(a, cpuOf(small));
    b = Math.min(b, cpuOf(big));
  }
  return [a, b];
}

describe('parsing cost is linear in the size of the request', function () {
  this.timeout(120_000);
  const small = parseShapes(SMALL);
  const large = parseShapes(2 * SMALL);

  for (const [i, shape] of small.entries()) {
    it(`doubling a body of ${shape.name} at most about doubles the time to read it`, () => {
      const big = large[i]!;
      expect(big.xml.length / shape.xml.length).to.be.within(1.9, 2.1);
      readXml(shape.xml); // the shape is within every cap, so the whole document is read
      readXml(big.xml);
      let ratio = Infinity;
      for (let round = 0; round < ROUNDS && ratio > MAX_RATIO; round++) {
        const [a, b] = leastCpu(shape.xml, big.xml);
        ratio = Math.min(ratio, b / Math.max(1, a));
      }
      expect(ratio, `${shape.name}: ${ratio.toFixed(2)}× the CPU for 2× the input`).to.be.at.most(MAX_RATIO);
    });
  }
});
