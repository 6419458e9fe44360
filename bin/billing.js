#!/usr/bin/env node
// The `billing` operator CLI (SPEC §6). The implementation is TypeScript, loaded through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/admin/cli.ts');
