#!/usr/bin/env node
// The published entry point: the sources are TypeScript run through tsx, with no build step.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
