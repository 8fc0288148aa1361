#!/usr/bin/env node
// The `idp-sync` command. The workspace ships TypeScript sources (no build step), so tsx compiles them on the fly.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
