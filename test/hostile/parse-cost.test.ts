// Parsing cost grows linearly with the request (SPEC §8): for every worst-case shape an attacker can repeat,
// doubling the input at most about doubles the reader's CPU time. This asserts growth, not absolute time, so it
// holds on a slow or busy machine; the absolute figures are printed by `npm run bench -- --only parse`.
import { expect } from 'chai';
import { readXml } from '../../src/soap/xml-reader.ts';
import { parseShapes } from '../support/parse-shapes.ts';

const KiB = 1024;
const SMALL = 256 * KiB;
const REPETITIONS = 7;
/** Linear growth doubles the cost; the margin absorbs noise (caches, GC). Quadratic growth quadruples it. */
const MAX_RATIO = 3;

/** The least CPU time (µs, user + system) of several reads of `xml`: the least is the one noise disturbed least. */
function cpuOfRead(xml: string): number {
  let best = Infinity;
  for (let i = 0; i < REPETITIONS; i++) {
    const before = process.cpuUsage();
    try {
      readXml(xml);
    } catch {
      // A refused document costs what it costs to refuse it; the growth is what counts here.
    }
    const used = process.cpuUsage(before);
    best = Math.min(best, used.user + used.system);
  }
  return best;
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
      const ratio = cpuOfRead(big.xml) / Math.max(1, cpuOfRead(shape.xml));
      expect(ratio, `${shape.name}: ${ratio.toFixed(2)}× the CPU for 2× the input`).to.be.at.most(MAX_RATIO);
    });
  }
});
