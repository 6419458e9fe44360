// The job file of the bench's load peers (post-many.ts, cannon-bodies.ts): every body is POSTed once to `url`.
import { readFileSync } from 'node:fs';

export interface Job {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly concurrency: number;
  readonly bodies: readonly string[];
}

export function readJob(file: string): Job {
  return JSON.parse(readFileSync(file, 'utf8')) as Job;
}
