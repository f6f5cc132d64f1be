#!/usr/bin/env node
// Runs the TypeScript CLI through tsx (a devDependency: present in a checkout after npm install).
import { launch } from './launch.mjs';

await launch('moq-studio', '../src/cli/moq-studio.ts');
