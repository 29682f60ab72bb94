/**
 * The project's root folder: the nearest one above this file that holds a
 * package.json. It is the same whether this module runs from the sources
 * (tsx) or from the build (dist/ holds no package.json), so both find the same
 * .data/ and .tools/ folders; in the image it is /app.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json in ${from} or any folder above it`);
  }
}

export const PROJECT_ROOT = findProjectRoot(__dirname);
